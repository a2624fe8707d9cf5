//! Mobile push: platform applications and their endpoints, stored and inspectable.
//! Nothing is pushed to a real device; direct publishes and `application` subscriptions
//! land in the outbox.

use ferrostack_runtime as rt;
use rt::IndexMap;
use sns_api::types::*;

use crate::error::{Kind, Result, SnsError};
use crate::paging;
use crate::state::{PlatformApplication as App, PlatformEndpoint};
use crate::Handler;

const PLATFORMS: &[&str] =
    &["ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS"];
const ENDPOINT_ATTRIBUTES: &[&str] = &["CustomUserData", "Enabled", "Token"];

fn app_not_found() -> SnsError {
    SnsError::new(Kind::NotFound, "PlatformApplication does not exist")
}

fn endpoint_not_found() -> SnsError {
    SnsError::new(Kind::NotFound, "Endpoint does not exist")
}

/// What GetPlatformApplicationAttributes shows: never the credential.
fn visible(attributes: &IndexMap<String, String>) -> IndexMap<String, String> {
    let mut out: IndexMap<String, String> =
        attributes.iter().filter(|(k, _)| *k != "PlatformCredential").map(|(k, v)| (k.clone(), v.clone())).collect();
    out.entry("Enabled".into()).or_insert_with(|| "true".into());
    out
}

fn check_endpoint_attributes(attributes: &IndexMap<String, String>) -> Result<()> {
    for (k, v) in attributes {
        if !ENDPOINT_ATTRIBUTES.contains(&k.as_str()) {
            return Err(SnsError::invalid(format!("Attributes Reason: Invalid attribute name: {k}")));
        }
        if k == "Enabled" && v != "true" && v != "false" {
            return Err(SnsError::invalid("Attributes Reason: Enabled must be true or false"));
        }
        if k == "CustomUserData" && v.len() > 2048 {
            return Err(SnsError::invalid("Attributes Reason: CustomUserData must be at most 2048 bytes long"));
        }
    }
    Ok(())
}

impl Handler {
    pub(crate) fn create_platform_application_now(
        &self,
        ctx: &rt::RequestContext,
        input: CreatePlatformApplicationInput,
    ) -> Result<CreatePlatformApplicationResponse> {
        let name_ok = (1..=256).contains(&input.name.len())
            && input.name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !name_ok {
            return Err(SnsError::invalid("Invalid Platform Application Name specified"));
        }
        if !PLATFORMS.contains(&input.platform.as_str()) {
            return Err(SnsError::invalid("Platform Reason: Unsupported platform"));
        }
        if input.attributes.get("PlatformCredential").is_none_or(String::is_empty) {
            return Err(SnsError::invalid("Attributes Reason: PlatformCredential attribute required."));
        }
        let arn = format!("arn:aws:sns:{}:{}:app/{}/{}", ctx.region, ctx.account_id, input.platform, input.name);
        self.regions.with(ctx, |state| {
            state.platform_applications.insert(arn.clone(), App { arn: arn.clone(), attributes: input.attributes });
        });
        Ok(CreatePlatformApplicationResponse { platform_application_arn: Some(arn) })
    }

    pub(crate) fn get_platform_application_attributes_now(
        &self,
        input: GetPlatformApplicationAttributesInput,
    ) -> Result<GetPlatformApplicationAttributesResponse> {
        self.with_arn_scope(&input.platform_application_arn, |state| {
            let app = state.platform_applications.get(&input.platform_application_arn).ok_or_else(app_not_found)?;
            Ok(GetPlatformApplicationAttributesResponse { attributes: Some(visible(&app.attributes)) })
        })
    }

    pub(crate) fn set_platform_application_attributes_now(
        &self,
        input: SetPlatformApplicationAttributesInput,
    ) -> Result<()> {
        self.with_arn_scope(&input.platform_application_arn, |state| {
            let app = state.platform_applications.get_mut(&input.platform_application_arn).ok_or_else(app_not_found)?;
            for (k, v) in input.attributes {
                app.attributes.insert(k, v);
            }
            Ok(())
        })
    }

    /// Idempotent; the application's endpoints go with it.
    pub(crate) fn delete_platform_application_now(&self, input: DeletePlatformApplicationInput) -> Result<()> {
        self.with_arn_scope(&input.platform_application_arn, |state| {
            state.platform_applications.shift_remove(&input.platform_application_arn);
            state.endpoints.retain(|_, e| e.application_arn != input.platform_application_arn);
            Ok(())
        })
    }

    pub(crate) fn list_platform_applications_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListPlatformApplicationsInput,
    ) -> Result<ListPlatformApplicationsResponse> {
        let all: Vec<PlatformApplication> = self.regions.with(ctx, |state| {
            state
                .platform_applications
                .values()
                .map(|a| PlatformApplication {
                    platform_application_arn: Some(a.arn.clone()),
                    attributes: Some(visible(&a.attributes)),
                })
                .collect()
        });
        let (page, next_token) = paging::page(all, input.next_token.as_deref(), paging::PAGE_SIZE)?;
        Ok(ListPlatformApplicationsResponse { platform_applications: Some(page), next_token })
    }

    pub(crate) fn create_platform_endpoint_now(
        &self,
        input: CreatePlatformEndpointInput,
    ) -> Result<CreateEndpointResponse> {
        let mut attributes = input.attributes.unwrap_or_default();
        check_endpoint_attributes(&attributes)?;
        if input.token.is_empty() {
            return Err(SnsError::invalid("Token Reason: cannot be empty"));
        }
        if let Some(data) = input.custom_user_data {
            attributes.insert("CustomUserData".into(), data);
        }
        attributes.insert("Token".into(), input.token.clone());
        attributes.entry("Enabled".into()).or_insert_with(|| "true".into());
        let app_arn = input.platform_application_arn;
        self.with_arn_scope(&app_arn, |state| {
            let app = state.platform_applications.get(&app_arn).ok_or_else(app_not_found)?;
            let resource = app.arn.split_once(":app/").map(|(_, r)| r.to_owned()).unwrap_or_default();
            let prefix = app.arn.split_once(":app/").map(|(p, _)| p.to_owned()).unwrap_or_default();
            // The same token again is the same endpoint, unless its attributes differ.
            if let Some(existing) = state
                .endpoints
                .values()
                .find(|e| e.application_arn == app_arn && e.attributes.get("Token") == Some(&input.token))
            {
                if existing.attributes != attributes {
                    return Err(SnsError::invalid(format!(
                        "Token Reason: Endpoint {} already exists with the same Token, but different attributes.",
                        existing.arn
                    )));
                }
                return Ok(CreateEndpointResponse { endpoint_arn: Some(existing.arn.clone()) });
            }
            let arn = format!("{prefix}:endpoint/{resource}/{}", rt::request_id());
            state.endpoints.insert(
                arn.clone(),
                PlatformEndpoint { arn: arn.clone(), application_arn: app_arn.clone(), attributes },
            );
            Ok(CreateEndpointResponse { endpoint_arn: Some(arn) })
        })
    }

    pub(crate) fn get_endpoint_attributes_now(
        &self,
        input: GetEndpointAttributesInput,
    ) -> Result<GetEndpointAttributesResponse> {
        self.with_arn_scope(&input.endpoint_arn, |state| {
            let endpoint = state.endpoints.get(&input.endpoint_arn).ok_or_else(endpoint_not_found)?;
            Ok(GetEndpointAttributesResponse { attributes: Some(endpoint.attributes.clone()) })
        })
    }

    pub(crate) fn set_endpoint_attributes_now(&self, input: SetEndpointAttributesInput) -> Result<()> {
        check_endpoint_attributes(&input.attributes)?;
        self.with_arn_scope(&input.endpoint_arn, |state| {
            let endpoint = state.endpoints.get_mut(&input.endpoint_arn).ok_or_else(endpoint_not_found)?;
            for (k, v) in input.attributes {
                endpoint.attributes.insert(k, v);
            }
            Ok(())
        })
    }

    /// Idempotent, as on AWS.
    pub(crate) fn delete_endpoint_now(&self, input: DeleteEndpointInput) -> Result<()> {
        self.with_arn_scope(&input.endpoint_arn, |state| {
            state.endpoints.shift_remove(&input.endpoint_arn);
            Ok(())
        })
    }

    pub(crate) fn list_endpoints_by_platform_application_now(
        &self,
        input: ListEndpointsByPlatformApplicationInput,
    ) -> Result<ListEndpointsByPlatformApplicationResponse> {
        let app_arn = input.platform_application_arn;
        let all: Vec<Endpoint> = self.with_arn_scope(&app_arn, |state| {
            state.platform_applications.get(&app_arn).ok_or_else(app_not_found)?;
            Ok(state
                .endpoints
                .values()
                .filter(|e| e.application_arn == app_arn)
                .map(|e| Endpoint { endpoint_arn: Some(e.arn.clone()), attributes: Some(e.attributes.clone()) })
                .collect())
        })?;
        let (page, next_token) = paging::page(all, input.next_token.as_deref(), paging::PAGE_SIZE)?;
        Ok(ListEndpointsByPlatformApplicationResponse { endpoints: Some(page), next_token })
    }
}
