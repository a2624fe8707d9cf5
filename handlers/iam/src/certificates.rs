//! Server certificates (for load balancers) and users' signing certificates.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::der;
use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::{page, page_ordered};
use crate::state::{key, Account, ServerCertRec, SigningCertRec};
use crate::{tags, users};

/// Signing certificates per user.
const MAX_SIGNING: usize = 2;

fn malformed(message: &str) -> Error {
    rt::ServiceError::new(400, "MalformedCertificate", message)
}

fn render(env: &Env, c: &ServerCertRec) -> ServerCertificateMetadata {
    ServerCertificateMetadata {
        path: c.path.clone(),
        server_certificate_name: c.name.clone(),
        server_certificate_id: c.id.clone(),
        arn: env.arn("server-certificate", &c.path, &c.name),
        upload_date: Some(c.uploaded),
        expiration: c.expiration,
    }
}

fn missing_cert(name: &str) -> Error {
    no_such_entity(format!("The Server Certificate with name {name} cannot be found."))
}

fn find_mut<'a>(a: &'a mut Account, name: &str) -> Result<&'a mut ServerCertRec> {
    a.server_certs.get_mut(&key(name)).ok_or_else(|| missing_cert(name))
}

pub fn upload_server(
    a: &mut Account,
    env: &Env,
    input: UploadServerCertificateRequest,
) -> Result<UploadServerCertificateResponse> {
    let k = key(&input.server_certificate_name);
    if a.server_certs.contains_key(&k) {
        return Err(already_exists(format!(
            "The Server Certificate with name {} already exists.",
            input.server_certificate_name
        )));
    }
    let expiration = der::not_after(&input.certificate_body)
        .ok_or_else(|| malformed("Unable to parse certificate. Please ensure the certificate is in PEM format."))?;
    if der::pem_body(&input.private_key).is_none() {
        return Err(malformed("Unable to parse private key."));
    }
    let tags = tags::initial(input.tags)?;
    let rec = ServerCertRec {
        name: input.server_certificate_name,
        id: crate::ids::unique("ASCA"),
        path: path_or_root(input.path),
        body: input.certificate_body,
        chain: input.certificate_chain,
        uploaded: env.now,
        expiration: Some(expiration),
        tags,
    };
    let out = UploadServerCertificateResponse {
        server_certificate_metadata: Some(render(env, &rec)),
        tags: tags::render(&rec.tags),
    };
    a.server_certs.insert(k, rec);
    Ok(out)
}

pub fn get_server(
    a: &mut Account,
    env: &Env,
    input: GetServerCertificateRequest,
) -> Result<GetServerCertificateResponse> {
    let c = find_mut(a, &input.server_certificate_name)?;
    Ok(GetServerCertificateResponse {
        server_certificate: ServerCertificate {
            server_certificate_metadata: render(env, c),
            certificate_body: c.body.clone(),
            certificate_chain: c.chain.clone(),
            tags: tags::render(&c.tags),
        },
    })
}

pub fn list_server(
    a: &mut Account,
    env: &Env,
    input: ListServerCertificatesRequest,
) -> Result<ListServerCertificatesResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let items =
        a.server_certs.iter().filter(|(_, c)| c.path.starts_with(&prefix)).map(|(k, c)| (k.clone(), render(env, c)));
    let p = page(items.collect(), input.marker.as_deref(), input.max_items)?;
    Ok(ListServerCertificatesResponse {
        server_certificate_metadata_list: p.items,
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}

pub fn update_server(a: &mut Account, _env: &Env, input: UpdateServerCertificateRequest) -> Result<rt::Unit> {
    let old = key(&input.server_certificate_name);
    find_mut(a, &input.server_certificate_name)?;
    if let Some(n) = &input.new_server_certificate_name {
        if key(n) != old && a.server_certs.contains_key(&key(n)) {
            return Err(already_exists(format!("The Server Certificate with name {n} already exists.")));
        }
    }
    let mut rec = a.server_certs.remove(&old).expect("checked above");
    if let Some(p) = input.new_path {
        rec.path = p;
    }
    if let Some(n) = input.new_server_certificate_name {
        rec.name = n;
    }
    a.server_certs.insert(key(&rec.name), rec);
    Ok(rt::Unit {})
}

pub fn delete_server(a: &mut Account, _env: &Env, input: DeleteServerCertificateRequest) -> Result<rt::Unit> {
    a.server_certs
        .remove(&key(&input.server_certificate_name))
        .ok_or_else(|| missing_cert(&input.server_certificate_name))?;
    Ok(rt::Unit {})
}

pub fn tag_server(a: &mut Account, _env: &Env, input: TagServerCertificateRequest) -> Result<rt::Unit> {
    tags::add(&mut find_mut(a, &input.server_certificate_name)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag_server(a: &mut Account, _env: &Env, input: UntagServerCertificateRequest) -> Result<rt::Unit> {
    tags::remove(&mut find_mut(a, &input.server_certificate_name)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_server_tags(
    a: &mut Account,
    _env: &Env,
    input: ListServerCertificateTagsRequest,
) -> Result<ListServerCertificateTagsResponse> {
    let p = tags::list(&find_mut(a, &input.server_certificate_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListServerCertificateTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

fn status(active: bool) -> statusType {
    if active {
        statusType::Active
    } else {
        statusType::Inactive
    }
}

fn signing_missing(id: &str) -> Error {
    no_such_entity(format!("The Certificate with id {id} cannot be found."))
}

pub fn upload_signing(
    a: &mut Account,
    env: &Env,
    input: UploadSigningCertificateRequest,
) -> Result<UploadSigningCertificateResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    if der::not_after(&input.certificate_body).is_none() {
        return Err(malformed("Unable to parse certificate. Please ensure the certificate is in PEM format."));
    }
    let u = users::find_mut(a, &name)?;
    if u.signing_certs.iter().any(|c| c.body == input.certificate_body) {
        return Err(rt::ServiceError::new(409, "DuplicateCertificate", "The certificate is already in use."));
    }
    if u.signing_certs.len() >= MAX_SIGNING {
        return Err(limit_exceeded(format!("Cannot exceed quota for SigningCertificatesPerUser: {MAX_SIGNING}")));
    }
    let id = crate::ids::upper_alnum(32);
    let rec = SigningCertRec { id, body: input.certificate_body, active: true, uploaded: env.now };
    let out = SigningCertificate {
        user_name: u.name.clone(),
        certificate_id: rec.id.clone(),
        certificate_body: rec.body.clone(),
        status: statusType::Active,
        upload_date: Some(rec.uploaded),
    };
    u.signing_certs.push(rec);
    Ok(UploadSigningCertificateResponse { certificate: out })
}

pub fn list_signing(
    a: &mut Account,
    env: &Env,
    input: ListSigningCertificatesRequest,
) -> Result<ListSigningCertificatesResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let items = u
        .signing_certs
        .iter()
        .map(|c| SigningCertificate {
            user_name: u.name.clone(),
            certificate_id: c.id.clone(),
            certificate_body: c.body.clone(),
            status: status(c.active),
            upload_date: Some(c.uploaded),
        })
        .collect();
    let p = page_ordered(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListSigningCertificatesResponse { certificates: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn update_signing(a: &mut Account, env: &Env, input: UpdateSigningCertificateRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    let c = u
        .signing_certs
        .iter_mut()
        .find(|c| c.id == input.certificate_id)
        .ok_or_else(|| signing_missing(&input.certificate_id))?;
    c.active = matches!(input.status, statusType::Active);
    Ok(rt::Unit {})
}

pub fn delete_signing(a: &mut Account, env: &Env, input: DeleteSigningCertificateRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    if !u.signing_certs.iter().any(|c| c.id == input.certificate_id) {
        return Err(signing_missing(&input.certificate_id));
    }
    u.signing_certs.retain(|c| c.id != input.certificate_id);
    Ok(rt::Unit {})
}
