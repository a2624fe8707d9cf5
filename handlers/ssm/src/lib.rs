//! Behaviour of `ssm` (AmazonSSM). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! Today: Parameter Store (parameters, versions, labels, tags).

mod filters;
mod labels;
mod lookup;
mod names;
mod paging;
mod policies;
mod public;
mod put;
mod render;
mod secure;
pub mod state;

use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::RegionalStore;
use ssm_api::error::*;
use ssm_api::types::*;

use filters::FilterError;
use lookup::Missing;
use names::{NameError, Selector};
use state::Parameters;

/// Page sizes when MaxResults is absent.
const BY_PATH_PAGE: usize = 10;
const DESCRIBE_PAGE: usize = 10;
const HISTORY_PAGE: usize = 50;
/// A resource carries at most 50 tags.
const MAX_TAGS: usize = 50;

#[derive(Default)]
pub struct Handler {
    parameters: RegionalStore<Parameters>,
}

/// Name problems on reads are all plain validation errors.
fn read_name_error(e: NameError) -> rt::CommonError {
    match e {
        NameError::Invalid(m) => rt::CommonError::Validation(m),
        NameError::Reserved(_) | NameError::TooDeep => rt::CommonError::Validation(names::INVALID_NAME.to_string()),
    }
}

fn invalid_next_token() -> InvalidNextToken {
    InvalidNextToken { message: Some("The nextToken is not valid".to_string()) }
}

/// The name a token stands for, or InvalidNextToken.
fn token_start(token: Option<&str>) -> Result<Option<String>, InvalidNextToken> {
    match token {
        None => Ok(None),
        Some(t) => paging::decode(t).map(Some).ok_or_else(invalid_next_token),
    }
}

fn page_size(requested: Option<i32>, default: usize) -> usize {
    requested.map_or(default, |n| n.max(1) as usize)
}

macro_rules! filter_error {
    ($e:expr) => {
        match $e {
            FilterError::Key => InvalidFilterKey {}.into(),
            FilterError::Option(m) => InvalidFilterOption { message: Some(m) }.into(),
            FilterError::Value(m) => InvalidFilterValue { message: Some(m) }.into(),
        }
    };
}

impl Handler {
    /// Runs `f` on the caller's parameters, or on the one public `/aws/service/…` parameter
    /// `name` refers to.
    fn read<R>(&self, ctx: &rt::RequestContext, name: &str, f: impl FnOnce(&Parameters) -> R) -> R {
        if public::is_public(name) {
            let one = public::find(&ctx.region, name).map(Parameters::with_one).unwrap_or_default();
            return f(&one);
        }
        self.parameters.with(ctx, |state| f(state))
    }
}

#[rt::async_trait]
impl ssm_api::Handler for Handler {
    async fn put_parameter(
        &self,
        ctx: &rt::RequestContext,
        input: PutParameterRequest,
    ) -> Result<PutParameterResult, PutParameterError> {
        self.parameters.with(ctx, |state| put::put(state, ctx, input))
    }

    async fn get_parameter(
        &self,
        ctx: &rt::RequestContext,
        input: GetParameterRequest,
    ) -> Result<GetParameterResult, GetParameterError> {
        let (name, selector) = names::split_selector(&input.name);
        names::check_shape(&name).map_err(read_name_error)?;
        let decrypt = input.with_decryption.unwrap_or(false);
        self.read(ctx, &name, |state| match lookup::find(state, &name, &selector) {
            Ok((_, version)) => {
                Ok(GetParameterResult { parameter: Some(render::parameter(ctx, &name, version, &selector, decrypt)) })
            }
            Err(Missing::Parameter(e)) => Err(e.into()),
            Err(Missing::Version(e)) => Err(e.into()),
        })
    }

    async fn get_parameters(
        &self,
        ctx: &rt::RequestContext,
        input: GetParametersRequest,
    ) -> Result<GetParametersResult, GetParametersError> {
        let decrypt = input.with_decryption.unwrap_or(false);
        let mut seen = std::collections::HashSet::new();
        let (found, invalid) = self.parameters.with(ctx, |state| {
            let mut found = Vec::new();
            let mut invalid = Vec::new();
            for requested in input.names {
                if !seen.insert(requested.clone()) {
                    continue;
                }
                let (name, selector) = names::split_selector(&requested);
                let public_state;
                let state = match public::find(&ctx.region, &name) {
                    Some(p) if public::is_public(&name) => {
                        public_state = Parameters::with_one(p);
                        &public_state
                    }
                    _ => &*state,
                };
                match lookup::find(state, &name, &selector) {
                    Ok((_, version)) if names::check_shape(&name).is_ok() => {
                        found.push(render::parameter(ctx, &name, version, &selector, decrypt))
                    }
                    _ => invalid.push(requested),
                }
            }
            (found, invalid)
        });
        Ok(GetParametersResult { parameters: Some(found), invalid_parameters: Some(invalid) })
    }

    async fn delete_parameter(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteParameterRequest,
    ) -> Result<DeleteParameterResult, DeleteParameterError> {
        let name = names::strip_arn(&input.name);
        names::check_shape(&name).map_err(read_name_error)?;
        match self.parameters.with(ctx, |state| state.by_name.remove(&name)) {
            Some(_) => Ok(DeleteParameterResult {}),
            None => Err(lookup::not_found().into()),
        }
    }

    async fn delete_parameters(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteParametersRequest,
    ) -> Result<DeleteParametersResult, DeleteParametersError> {
        let (deleted, invalid) = self.parameters.with(ctx, |state| {
            let mut deleted = Vec::new();
            let mut invalid = Vec::new();
            for requested in input.names {
                let name = names::strip_arn(&requested);
                match state.by_name.remove(&name) {
                    Some(_) => deleted.push(requested),
                    None => invalid.push(requested),
                }
            }
            (deleted, invalid)
        });
        Ok(DeleteParametersResult { deleted_parameters: Some(deleted), invalid_parameters: Some(invalid) })
    }

    async fn get_parameters_by_path(
        &self,
        ctx: &rt::RequestContext,
        input: GetParametersByPathRequest,
    ) -> Result<GetParametersByPathResult, GetParametersByPathError> {
        let path = names::normalize_path(&input.path).map_err(read_name_error)?;
        let filters = filters::from_string_filters(input.parameter_filters.unwrap_or_default(), filters::BY_PATH_KEYS)
            .map_err(|e| -> GetParametersByPathError { filter_error!(e) })?;
        let recursive = input.recursive.unwrap_or(false);
        let decrypt = input.with_decryption.unwrap_or(false);
        let start = token_start(input.next_token.as_deref())?;
        let size = page_size(input.max_results, BY_PATH_PAGE);
        let public_path = public::is_public(&format!("{path}/"));
        let matching = self.parameters.with(ctx, |state| {
            let public_parameters;
            let candidates: Box<dyn Iterator<Item = &state::Parameter>> = if public_path {
                public_parameters = public::parameters(&ctx.region);
                Box::new(public_parameters.iter())
            } else {
                Box::new(state.by_name.values())
            };
            candidates
                .filter(|p| names::is_under(&p.name, &path, recursive))
                .filter_map(|p| {
                    p.latest().filter(|v| filters::matches(&filters, p, v)).map(|v| (p.name.clone(), v.clone()))
                })
                .collect::<Vec<_>>()
        });
        let (page, next_token) = paging::page(matching, |(name, _)| name.as_str(), start.as_deref(), size);
        let parameters =
            page.iter().map(|(name, v)| render::parameter(ctx, name, v, &Selector::Latest, decrypt)).collect();
        Ok(GetParametersByPathResult { parameters: Some(parameters), next_token })
    }

    async fn describe_parameters(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeParametersRequest,
    ) -> Result<DescribeParametersResult, DescribeParametersError> {
        let mut filters = filters::from_legacy_filters(input.filters.unwrap_or_default())
            .map_err(|e| -> DescribeParametersError { filter_error!(e) })?;
        filters.extend(
            filters::from_string_filters(input.parameter_filters.unwrap_or_default(), filters::DESCRIBE_KEYS)
                .map_err(|e| -> DescribeParametersError { filter_error!(e) })?,
        );
        let start = token_start(input.next_token.as_deref())?;
        let size = page_size(input.max_results, DESCRIBE_PAGE);
        // Nothing is shared with this account from others.
        if input.shared == Some(true) {
            return Ok(DescribeParametersResult { parameters: Some(vec![]), next_token: None });
        }
        let matching = self.parameters.with(ctx, |state| {
            state
                .by_name
                .values()
                .filter_map(|p| {
                    p.latest()
                        .filter(|v| filters::matches(&filters, p, v))
                        .map(|v| (p.name.clone(), render::metadata(ctx, p, v)))
                })
                .collect::<Vec<_>>()
        });
        let (page, next_token) = paging::page(matching, |(name, _)| name.as_str(), start.as_deref(), size);
        Ok(DescribeParametersResult { parameters: Some(page.into_iter().map(|(_, m)| m).collect()), next_token })
    }

    async fn get_parameter_history(
        &self,
        ctx: &rt::RequestContext,
        input: GetParameterHistoryRequest,
    ) -> Result<GetParameterHistoryResult, GetParameterHistoryError> {
        let name = names::strip_arn(&input.name);
        names::check_shape(&name).map_err(read_name_error)?;
        let decrypt = input.with_decryption.unwrap_or(false);
        let size = page_size(input.max_results, HISTORY_PAGE);
        // History tokens name the first version number of the next page.
        let start: i64 = match token_start(input.next_token.as_deref())? {
            None => 0,
            Some(v) => v.parse().map_err(|_| invalid_next_token())?,
        };
        let versions = self
            .parameters
            .with(ctx, |state| state.by_name.get(&name).map(|p| p.versions.clone()))
            .ok_or_else(lookup::not_found)?;
        let mut rest = versions.into_iter().filter(|v| v.version >= start).peekable();
        let page: Vec<ParameterHistory> =
            rest.by_ref().take(size).map(|v| render::history(&name, &v, decrypt)).collect();
        let next_token = rest.peek().map(|v| paging::encode(&v.version.to_string()));
        Ok(GetParameterHistoryResult { parameters: Some(page), next_token })
    }

    async fn label_parameter_version(
        &self,
        ctx: &rt::RequestContext,
        input: LabelParameterVersionRequest,
    ) -> Result<LabelParameterVersionResult, LabelParameterVersionError> {
        let name = names::strip_arn(&input.name);
        names::check_shape(&name).map_err(read_name_error)?;
        self.parameters.with(ctx, |state| {
            let parameter = state.by_name.get_mut(&name).ok_or_else(lookup::not_found)?;
            let target = match input.parameter_version {
                Some(n) => n,
                None => parameter.latest().map_or(0, |v| v.version),
            };
            let Some(index) = parameter.versions.iter().position(|v| v.version == target) else {
                return Err(ParameterVersionNotFound {
                    message: Some(format!(
                        "Systems Manager could not find version {target} of {name}. Verify the version and try again."
                    )),
                }
                .into());
            };
            let (valid, invalid): (Vec<String>, Vec<String>) = input.labels.into_iter().partition(|l| labels::is_valid(l));
            let mut resulting = parameter.versions[index].labels.clone();
            for label in &valid {
                if !resulting.contains(label) {
                    resulting.push(label.clone());
                }
            }
            if resulting.len() > labels::MAX_LABELS_PER_VERSION {
                return Err(ParameterVersionLabelLimitExceeded {
                    message: Some("A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.".to_string()),
                }
                .into());
            }
            // A label names one version at a time: attaching it here detaches it elsewhere.
            for version in parameter.versions.iter_mut() {
                version.labels.retain(|l| !valid.contains(l));
            }
            parameter.versions[index].labels = resulting;
            Ok(LabelParameterVersionResult {
                invalid_labels: (!invalid.is_empty()).then_some(invalid),
                parameter_version: target,
            })
        })
    }

    async fn unlabel_parameter_version(
        &self,
        ctx: &rt::RequestContext,
        input: UnlabelParameterVersionRequest,
    ) -> Result<UnlabelParameterVersionResult, UnlabelParameterVersionError> {
        let name = names::strip_arn(&input.name);
        names::check_shape(&name).map_err(read_name_error)?;
        self.parameters.with(ctx, |state| {
            let parameter = state.by_name.get_mut(&name).ok_or_else(lookup::not_found)?;
            let target = input.parameter_version;
            let Some(version) = parameter.versions.iter_mut().find(|v| v.version == target) else {
                return Err(ParameterVersionNotFound {
                    message: Some(format!(
                        "Systems Manager could not find version {target} of {name}. Verify the version and try again."
                    )),
                }
                .into());
            };
            // Labels the version does not carry are reported back, not refused.
            let (removed, invalid): (Vec<String>, Vec<String>) =
                input.labels.into_iter().partition(|l| version.labels.contains(l));
            version.labels.retain(|l| !removed.contains(l));
            Ok(UnlabelParameterVersionResult { removed_labels: Some(removed), invalid_labels: Some(invalid) })
        })
    }

    async fn add_tags_to_resource(
        &self,
        ctx: &rt::RequestContext,
        input: AddTagsToResourceRequest,
    ) -> Result<AddTagsToResourceResult, AddTagsToResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceId {}.into());
        }
        let name = names::strip_arn(&input.resource_id);
        self.parameters.with(ctx, |state| {
            let parameter = state.by_name.get_mut(&name).ok_or(InvalidResourceId {})?;
            let mut tags = parameter.tags.clone();
            for tag in input.tags {
                match tags.iter_mut().find(|(k, _)| *k == tag.key) {
                    Some(existing) => existing.1 = tag.value,
                    None => tags.push((tag.key, tag.value)),
                }
            }
            if tags.len() > MAX_TAGS {
                return Err(TooManyTagsError {}.into());
            }
            parameter.tags = tags;
            Ok(AddTagsToResourceResult {})
        })
    }

    async fn remove_tags_from_resource(
        &self,
        ctx: &rt::RequestContext,
        input: RemoveTagsFromResourceRequest,
    ) -> Result<RemoveTagsFromResourceResult, RemoveTagsFromResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceId {}.into());
        }
        let name = names::strip_arn(&input.resource_id);
        self.parameters.with(ctx, |state| {
            let parameter = state.by_name.get_mut(&name).ok_or(InvalidResourceId {})?;
            parameter.tags.retain(|(k, _)| !input.tag_keys.contains(k));
            Ok(RemoveTagsFromResourceResult {})
        })
    }

    async fn list_tags_for_resource(
        &self,
        ctx: &rt::RequestContext,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResult, ListTagsForResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceId {}.into());
        }
        let name = names::strip_arn(&input.resource_id);
        let tags = self
            .parameters
            .with(ctx, |state| state.by_name.get(&name).map(|p| p.tags.clone()))
            .ok_or(InvalidResourceId {})?;
        Ok(ListTagsForResourceResult {
            tag_list: Some(tags.into_iter().map(|(key, value)| Tag { key, value }).collect()),
        })
    }

    fn reset(&self) {
        self.parameters.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn ssm_api::Handler>(handler.clone());
    ssm_api::service(handler)
}
