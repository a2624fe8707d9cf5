//! Identity providers: OpenID Connect and SAML.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::state::{Account, OidcRec, SamlRec};
use crate::tags;

/// Client ids per OIDC provider, and thumbprints.
const MAX_CLIENT_IDS: usize = 100;
const MAX_THUMBPRINTS: usize = 5;

fn oidc_missing(arn: &str) -> Error {
    no_such_entity(format!("OpenIDConnect Provider not found for arn {arn}"))
}

fn oidc<'a>(a: &'a mut Account, arn: &str) -> Result<&'a mut OidcRec> {
    a.oidc.get_mut(arn).ok_or_else(|| oidc_missing(arn))
}

fn check_thumbprints(list: &[String]) -> Result<()> {
    if list.len() > MAX_THUMBPRINTS {
        return Err(invalid_input(format!("Thumbprint list must contain fewer than {} entries.", MAX_THUMBPRINTS + 1)));
    }
    Ok(())
}

pub fn create_oidc(
    a: &mut Account,
    env: &Env,
    input: CreateOpenIDConnectProviderRequest,
) -> Result<CreateOpenIDConnectProviderResponse> {
    let Some(rest) = input.url.strip_prefix("https://").filter(|r| !r.is_empty()) else {
        return Err(validation("Invalid Open ID Connect Provider URL"));
    };
    let rest = rest.trim_end_matches('/');
    let arn = format!("arn:aws:iam::{}:oidc-provider/{rest}", env.account);
    if a.oidc.contains_key(&arn) {
        return Err(already_exists(format!("Provider with url {} already exists.", input.url)));
    }
    let thumbprints = input.thumbprint_list.unwrap_or_default();
    check_thumbprints(&thumbprints)?;
    let client_ids = input.client_id_list.unwrap_or_default();
    if client_ids.len() > MAX_CLIENT_IDS {
        return Err(limit_exceeded(format!(
            "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}"
        )));
    }
    let tags = tags::initial(input.tags)?;
    let out = tags::render(&tags);
    a.oidc.insert(arn.clone(), OidcRec { url: rest.to_owned(), client_ids, thumbprints, created: env.now, tags });
    Ok(CreateOpenIDConnectProviderResponse { open_id_connect_provider_arn: Some(arn), tags: out })
}

pub fn get_oidc(
    a: &mut Account,
    _env: &Env,
    input: GetOpenIDConnectProviderRequest,
) -> Result<GetOpenIDConnectProviderResponse> {
    let p = oidc(a, &input.open_id_connect_provider_arn)?;
    Ok(GetOpenIDConnectProviderResponse {
        url: Some(p.url.clone()),
        client_id_list: Some(p.client_ids.clone()),
        thumbprint_list: Some(p.thumbprints.clone()),
        create_date: Some(p.created),
        tags: tags::render(&p.tags),
    })
}

pub fn list_oidc(
    a: &mut Account,
    _env: &Env,
    _input: ListOpenIDConnectProvidersRequest,
) -> Result<ListOpenIDConnectProvidersResponse> {
    Ok(ListOpenIDConnectProvidersResponse {
        open_id_connect_provider_list: Some(
            a.oidc.keys().map(|arn| OpenIDConnectProviderListEntry { arn: Some(arn.clone()) }).collect(),
        ),
    })
}

pub fn delete_oidc(a: &mut Account, _env: &Env, input: DeleteOpenIDConnectProviderRequest) -> Result<rt::Unit> {
    a.oidc
        .remove(&input.open_id_connect_provider_arn)
        .ok_or_else(|| oidc_missing(&input.open_id_connect_provider_arn))?;
    Ok(rt::Unit {})
}

pub fn add_client(a: &mut Account, _env: &Env, input: AddClientIDToOpenIDConnectProviderRequest) -> Result<rt::Unit> {
    let p = oidc(a, &input.open_id_connect_provider_arn)?;
    if !p.client_ids.contains(&input.client_id) {
        if p.client_ids.len() >= MAX_CLIENT_IDS {
            return Err(limit_exceeded(format!(
                "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}"
            )));
        }
        p.client_ids.push(input.client_id);
    }
    Ok(rt::Unit {})
}

pub fn remove_client(
    a: &mut Account,
    _env: &Env,
    input: RemoveClientIDFromOpenIDConnectProviderRequest,
) -> Result<rt::Unit> {
    oidc(a, &input.open_id_connect_provider_arn)?.client_ids.retain(|c| *c != input.client_id);
    Ok(rt::Unit {})
}

pub fn update_thumbprints(
    a: &mut Account,
    _env: &Env,
    input: UpdateOpenIDConnectProviderThumbprintRequest,
) -> Result<rt::Unit> {
    check_thumbprints(&input.thumbprint_list)?;
    oidc(a, &input.open_id_connect_provider_arn)?.thumbprints = input.thumbprint_list;
    Ok(rt::Unit {})
}

pub fn tag_oidc(a: &mut Account, _env: &Env, input: TagOpenIDConnectProviderRequest) -> Result<rt::Unit> {
    tags::add(&mut oidc(a, &input.open_id_connect_provider_arn)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag_oidc(a: &mut Account, _env: &Env, input: UntagOpenIDConnectProviderRequest) -> Result<rt::Unit> {
    tags::remove(&mut oidc(a, &input.open_id_connect_provider_arn)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_oidc_tags(
    a: &mut Account,
    _env: &Env,
    input: ListOpenIDConnectProviderTagsRequest,
) -> Result<ListOpenIDConnectProviderTagsResponse> {
    let p = tags::list(&oidc(a, &input.open_id_connect_provider_arn)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListOpenIDConnectProviderTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

fn saml_missing(arn: &str) -> Error {
    no_such_entity(format!("Manifest not found for arn {arn}"))
}

fn saml<'a>(a: &'a mut Account, arn: &str) -> Result<&'a mut SamlRec> {
    a.saml.get_mut(arn).ok_or_else(|| saml_missing(arn))
}

/// The metadata's `validUntil` attribute, else a year from now (AWS's default horizon).
fn valid_until(document: &str, now: rt::DateTime) -> rt::DateTime {
    let found = document.find("validUntil=").and_then(|i| {
        let rest = &document[i + "validUntil=".len()..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &rest[1..];
        let end = body.find(quote)?;
        rt::DateTime::parse_rfc3339(&body[..end])
    });
    found.unwrap_or_else(|| rt::DateTime::from_secs(now.secs() + 365 * 86_400))
}

pub fn create_saml(a: &mut Account, env: &Env, input: CreateSAMLProviderRequest) -> Result<CreateSAMLProviderResponse> {
    let arn = format!("arn:aws:iam::{}:saml-provider/{}", env.account, input.name);
    if a.saml.contains_key(&arn) {
        return Err(already_exists(format!("SAMLProvider {} already exists", input.name)));
    }
    let tags = tags::initial(input.tags)?;
    let out = tags::render(&tags);
    let rec = SamlRec {
        valid_until: valid_until(&input.saml_metadata_document, env.now),
        document: input.saml_metadata_document,
        uuid: crate::ids::uuid(),
        created: env.now,
        tags,
    };
    a.saml.insert(arn.clone(), rec);
    Ok(CreateSAMLProviderResponse { saml_provider_arn: Some(arn), tags: out })
}

pub fn get_saml(a: &mut Account, _env: &Env, input: GetSAMLProviderRequest) -> Result<GetSAMLProviderResponse> {
    let p = saml(a, &input.saml_provider_arn)?;
    Ok(GetSAMLProviderResponse {
        saml_provider_uuid: Some(p.uuid.clone()),
        saml_metadata_document: Some(p.document.clone()),
        create_date: Some(p.created),
        valid_until: Some(p.valid_until),
        tags: tags::render(&p.tags),
        assertion_encryption_mode: None,
        private_key_list: None,
    })
}

pub fn list_saml(a: &mut Account, _env: &Env, _input: ListSAMLProvidersRequest) -> Result<ListSAMLProvidersResponse> {
    Ok(ListSAMLProvidersResponse {
        saml_provider_list: Some(
            a.saml
                .iter()
                .map(|(arn, p)| SAMLProviderListEntry {
                    arn: Some(arn.clone()),
                    valid_until: Some(p.valid_until),
                    create_date: Some(p.created),
                })
                .collect(),
        ),
    })
}

pub fn update_saml(a: &mut Account, env: &Env, input: UpdateSAMLProviderRequest) -> Result<UpdateSAMLProviderResponse> {
    let p = saml(a, &input.saml_provider_arn)?;
    if let Some(doc) = input.saml_metadata_document {
        p.valid_until = valid_until(&doc, env.now);
        p.document = doc;
    }
    Ok(UpdateSAMLProviderResponse { saml_provider_arn: Some(input.saml_provider_arn) })
}

pub fn delete_saml(a: &mut Account, _env: &Env, input: DeleteSAMLProviderRequest) -> Result<rt::Unit> {
    a.saml.remove(&input.saml_provider_arn).ok_or_else(|| saml_missing(&input.saml_provider_arn))?;
    Ok(rt::Unit {})
}

pub fn tag_saml(a: &mut Account, _env: &Env, input: TagSAMLProviderRequest) -> Result<rt::Unit> {
    tags::add(&mut saml(a, &input.saml_provider_arn)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag_saml(a: &mut Account, _env: &Env, input: UntagSAMLProviderRequest) -> Result<rt::Unit> {
    tags::remove(&mut saml(a, &input.saml_provider_arn)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_saml_tags(
    a: &mut Account,
    _env: &Env,
    input: ListSAMLProviderTagsRequest,
) -> Result<ListSAMLProviderTagsResponse> {
    let p = tags::list(&saml(a, &input.saml_provider_arn)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListSAMLProviderTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
