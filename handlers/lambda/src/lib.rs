//! Behaviour of `lambda` (AWSGirApiService). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.

mod names;
pub mod state;

use std::ops::Bound;
use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::RegionalStore;
use lambda_api::error::*;
use lambda_api::types::*;

use names::FunctionRef;
use state::{Function, Functions};

/// ListFunctions' page size when `MaxItems` is absent.
const DEFAULT_MAX_ITEMS: usize = 50;

#[derive(Default)]
pub struct Handler {
    functions: RegionalStore<Functions>,
}

/// Lambda's `ResourceNotFoundException` for a function that does not exist.
fn function_not_found(ctx: &rt::RequestContext, target: &FunctionRef) -> ResourceNotFoundException {
    ResourceNotFoundException {
        r#type: Some("User".to_string()),
        message: Some(format!("Function not found: {}", target.arn(ctx))),
    }
}

impl Handler {
    /// The configuration `target` names: `$LATEST` or a published version. Aliases arrive
    /// with the issue that creates them.
    fn lookup(&self, ctx: &rt::RequestContext, target: &FunctionRef) -> Option<(FunctionConfiguration, Function)> {
        self.functions.with(ctx, |f| {
            let function = f.by_name.get(&target.name)?;
            let config = match target.qualifier.as_deref() {
                None | Some("$LATEST") => function.latest.clone(),
                Some(q) => function.versions.get(&q.parse::<u64>().ok()?)?.clone(),
            };
            Some((config, function.clone()))
        })
    }
}

#[rt::async_trait]
impl lambda_api::Handler for Handler {
    async fn list_functions(
        &self,
        ctx: &rt::RequestContext,
        input: ListFunctionsRequest,
    ) -> Result<ListFunctionsResponse, ListFunctionsError> {
        let limit = input.max_items.map_or(DEFAULT_MAX_ITEMS, |n| n.max(1) as usize);
        let all_versions = matches!(input.function_version, Some(FunctionVersion::All));
        let (functions, next_marker) = self.functions.with(ctx, |f| {
            // The marker is the name of the first function of the next page.
            let start = input.marker.as_deref().unwrap_or("");
            let mut page: Vec<FunctionConfiguration> = Vec::new();
            let mut next = None;
            for (name, function) in f.by_name.range::<str, _>((Bound::Included(start), Bound::Unbounded)) {
                if page.len() >= limit {
                    next = Some(name.clone());
                    break;
                }
                page.push(function.latest.clone());
                if all_versions {
                    page.extend(function.versions.values().cloned());
                }
            }
            (page, next)
        });
        // An empty account answers `{"Functions": []}` with no marker at all.
        Ok(ListFunctionsResponse { functions: Some(functions), next_marker })
    }

    async fn get_function(
        &self,
        ctx: &rt::RequestContext,
        input: GetFunctionRequest,
    ) -> Result<GetFunctionResponse, GetFunctionError> {
        let target = FunctionRef::parse(&input.function_name).with_qualifier(input.qualifier);
        let Some((configuration, function)) = self.lookup(ctx, &target) else {
            return Err(function_not_found(ctx, &target).into());
        };
        Ok(GetFunctionResponse {
            configuration: Some(configuration),
            code: None,
            tags: (!function.tags.is_empty()).then_some(function.tags),
            ..Default::default()
        })
    }

    async fn get_function_configuration(
        &self,
        ctx: &rt::RequestContext,
        input: GetFunctionConfigurationRequest,
    ) -> Result<FunctionConfiguration, GetFunctionConfigurationError> {
        let target = FunctionRef::parse(&input.function_name).with_qualifier(input.qualifier);
        match self.lookup(ctx, &target) {
            Some((configuration, _)) => Ok(configuration),
            None => Err(function_not_found(ctx, &target).into()),
        }
    }

    fn reset(&self) {
        self.functions.reset();
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
    peers.register::<dyn lambda_api::Handler>(handler.clone());
    lambda_api::service(handler)
}

#[cfg(test)]
mod tests {
    use lambda_api::Handler as _;

    use super::*;

    /// Pagination over stored functions, seeded directly until CreateFunction exists.
    #[tokio::test]
    async fn list_functions_pages_in_name_order() {
        let h = Handler::default();
        let ctx = rt::RequestContext::internal("000000000000", "us-east-1");
        h.functions.with(&ctx, |f| {
            for name in ["charlie", "alpha", "bravo"] {
                let latest = FunctionConfiguration { function_name: Some(name.into()), ..Default::default() };
                f.by_name.insert(name.into(), Function { latest, ..Default::default() });
            }
        });
        let names = |r: &ListFunctionsResponse| -> Vec<String> {
            r.functions.iter().flatten().filter_map(|c| c.function_name.clone()).collect()
        };
        let first =
            h.list_functions(&ctx, ListFunctionsRequest { max_items: Some(2), ..Default::default() }).await.unwrap();
        assert_eq!(names(&first), ["alpha", "bravo"]);
        let marker = first.next_marker.clone().unwrap();
        let second = h
            .list_functions(
                &ctx,
                ListFunctionsRequest { max_items: Some(2), marker: Some(marker), ..Default::default() },
            )
            .await
            .unwrap();
        assert_eq!(names(&second), ["charlie"]);
        assert_eq!(second.next_marker, None);
        let found = h.get_function(&ctx, GetFunctionRequest { function_name: "bravo".into(), qualifier: None }).await;
        assert_eq!(found.unwrap().configuration.unwrap().function_name.as_deref(), Some("bravo"));
    }
}
