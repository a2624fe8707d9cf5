//! SSH public keys (for CodeCommit) and service-specific credentials: per-user secrets
//! other services accept.

use base64::Engine;
use ferrostack_runtime as rt;
use iam_api::types::*;
use md5::{Digest, Md5};

use crate::env::Env;
use crate::errors::*;
use crate::paging::page_ordered;
use crate::state::{Account, ServiceCredRec, SshKeyRec};
use crate::users;

/// SSH keys and service-specific credentials per user (and per service).
const MAX_SSH_KEYS: usize = 5;
const MAX_SERVICE_CREDS: usize = 2;

fn status(active: bool) -> statusType {
    if active {
        statusType::Active
    } else {
        statusType::Inactive
    }
}

/// The MD5 fingerprint (`aa:bb:...`) of an OpenSSH public key line, or `None` when it is
/// not one.
fn fingerprint(body: &str) -> Option<String> {
    let mut parts = body.split_whitespace();
    let kind = parts.next()?;
    if !kind.starts_with("ssh-") && !kind.starts_with("ecdsa-") {
        return None;
    }
    let blob = base64::engine::general_purpose::STANDARD.decode(parts.next()?).ok()?;
    let digest = Md5::digest(&blob);
    Some(digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

fn ssh_missing(id: &str) -> Error {
    no_such_entity(format!("The Public Key with id {id} cannot be found."))
}

fn render_key(user: &str, k: &SshKeyRec) -> SSHPublicKey {
    SSHPublicKey {
        user_name: user.to_owned(),
        ssh_public_key_id: k.id.clone(),
        fingerprint: k.fingerprint.clone(),
        ssh_public_key_body: k.body.clone(),
        status: status(k.active),
        upload_date: Some(k.uploaded),
    }
}

pub fn upload(a: &mut Account, env: &Env, input: UploadSSHPublicKeyRequest) -> Result<UploadSSHPublicKeyResponse> {
    let fp = fingerprint(&input.ssh_public_key_body).ok_or_else(|| {
        rt::ServiceError::new(400, "InvalidPublicKey", "The public key is not in a supported format.")
    })?;
    let u = users::find_mut(a, &input.user_name)?;
    if u.ssh_keys.iter().any(|k| k.fingerprint == fp) {
        return Err(rt::ServiceError::new(400, "DuplicateSSHPublicKey", "The public key is already associated."));
    }
    if u.ssh_keys.len() >= MAX_SSH_KEYS {
        return Err(limit_exceeded(format!("Cannot exceed quota for SSHPublicKeysPerUser: {MAX_SSH_KEYS}")));
    }
    let id = format!("APKA{}", crate::ids::upper_alnum(16));
    let rec = SshKeyRec { id, body: input.ssh_public_key_body, fingerprint: fp, active: true, uploaded: env.now };
    let out = render_key(&u.name, &rec);
    u.ssh_keys.push(rec);
    Ok(UploadSSHPublicKeyResponse { ssh_public_key: Some(out) })
}

pub fn get(a: &mut Account, _env: &Env, input: GetSSHPublicKeyRequest) -> Result<GetSSHPublicKeyResponse> {
    let u = users::find(a, &input.user_name)?;
    let k = u
        .ssh_keys
        .iter()
        .find(|k| k.id == input.ssh_public_key_id)
        .ok_or_else(|| ssh_missing(&input.ssh_public_key_id))?;
    // PEM encoding is not offered: the body is returned as uploaded.
    Ok(GetSSHPublicKeyResponse { ssh_public_key: Some(render_key(&u.name, k)) })
}

pub fn list(a: &mut Account, env: &Env, input: ListSSHPublicKeysRequest) -> Result<ListSSHPublicKeysResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let items = u
        .ssh_keys
        .iter()
        .map(|k| SSHPublicKeyMetadata {
            user_name: u.name.clone(),
            ssh_public_key_id: k.id.clone(),
            status: status(k.active),
            upload_date: k.uploaded,
        })
        .collect();
    let p = page_ordered(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListSSHPublicKeysResponse { ssh_public_keys: Some(p.items), is_truncated: p.is_truncated, marker: p.marker })
}

pub fn update(a: &mut Account, _env: &Env, input: UpdateSSHPublicKeyRequest) -> Result<rt::Unit> {
    let u = users::find_mut(a, &input.user_name)?;
    let k = u
        .ssh_keys
        .iter_mut()
        .find(|k| k.id == input.ssh_public_key_id)
        .ok_or_else(|| ssh_missing(&input.ssh_public_key_id))?;
    k.active = matches!(input.status, statusType::Active);
    Ok(rt::Unit {})
}

pub fn delete(a: &mut Account, _env: &Env, input: DeleteSSHPublicKeyRequest) -> Result<rt::Unit> {
    let u = users::find_mut(a, &input.user_name)?;
    if !u.ssh_keys.iter().any(|k| k.id == input.ssh_public_key_id) {
        return Err(ssh_missing(&input.ssh_public_key_id));
    }
    u.ssh_keys.retain(|k| k.id != input.ssh_public_key_id);
    Ok(rt::Unit {})
}

fn cred_missing(id: &str) -> Error {
    no_such_entity(format!("No such credential {id} exists"))
}

fn render_cred(user: &str, c: &ServiceCredRec) -> ServiceSpecificCredential {
    ServiceSpecificCredential {
        create_date: c.created,
        service_name: c.service.clone(),
        service_user_name: c.service_user.clone(),
        service_password: c.password.clone(),
        service_specific_credential_id: c.id.clone(),
        user_name: user.to_owned(),
        status: status(c.active),
    }
}

pub fn create_cred(
    a: &mut Account,
    env: &Env,
    input: CreateServiceSpecificCredentialRequest,
) -> Result<CreateServiceSpecificCredentialResponse> {
    if !matches!(
        input.service_name.as_str(),
        "codecommit.amazonaws.com" | "cassandra.amazonaws.com" | "bedrock.amazonaws.com"
    ) {
        return Err(rt::ServiceError::new(
            400,
            "NotSupportedService",
            format!("Service {} is not supported for service specific credentials", input.service_name),
        ));
    }
    let account = env.account.clone();
    let u = users::find_mut(a, &input.user_name)?;
    if u.service_creds.iter().filter(|c| c.service == input.service_name).count() >= MAX_SERVICE_CREDS {
        return Err(limit_exceeded(format!(
            "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {MAX_SERVICE_CREDS}"
        )));
    }
    let rec = ServiceCredRec {
        id: crate::ids::unique("ACCA"),
        service: input.service_name,
        service_user: format!("{}-at-{account}", u.name),
        password: crate::ids::secret(),
        active: true,
        created: env.now,
    };
    let out = render_cred(&u.name, &rec);
    u.service_creds.push(rec);
    Ok(CreateServiceSpecificCredentialResponse { service_specific_credential: Some(out) })
}

pub fn list_creds(
    a: &mut Account,
    env: &Env,
    input: ListServiceSpecificCredentialsRequest,
) -> Result<ListServiceSpecificCredentialsResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let creds = u
        .service_creds
        .iter()
        .filter(|c| input.service_name.as_ref().is_none_or(|s| *s == c.service))
        .map(|c| ServiceSpecificCredentialMetadata {
            user_name: u.name.clone(),
            status: status(c.active),
            service_user_name: c.service_user.clone(),
            create_date: c.created,
            service_specific_credential_id: c.id.clone(),
            service_name: c.service.clone(),
        })
        .collect();
    Ok(ListServiceSpecificCredentialsResponse { service_specific_credentials: Some(creds) })
}

fn cred_mut<'a>(
    a: &'a mut Account,
    env: &Env,
    user: Option<&str>,
    id: &str,
) -> Result<(String, &'a mut ServiceCredRec)> {
    let name = users::named_or_caller(a, env, user)?;
    let u = users::find_mut(a, &name)?;
    let uname = u.name.clone();
    let c = u.service_creds.iter_mut().find(|c| c.id == id).ok_or_else(|| cred_missing(id))?;
    Ok((uname, c))
}

pub fn reset_cred(
    a: &mut Account,
    env: &Env,
    input: ResetServiceSpecificCredentialRequest,
) -> Result<ResetServiceSpecificCredentialResponse> {
    let (user, c) = cred_mut(a, env, input.user_name.as_deref(), &input.service_specific_credential_id)?;
    c.password = crate::ids::secret();
    Ok(ResetServiceSpecificCredentialResponse { service_specific_credential: Some(render_cred(&user, c)) })
}

pub fn update_cred(a: &mut Account, env: &Env, input: UpdateServiceSpecificCredentialRequest) -> Result<rt::Unit> {
    let (_, c) = cred_mut(a, env, input.user_name.as_deref(), &input.service_specific_credential_id)?;
    c.active = matches!(input.status, statusType::Active);
    Ok(rt::Unit {})
}

pub fn delete_cred(a: &mut Account, env: &Env, input: DeleteServiceSpecificCredentialRequest) -> Result<rt::Unit> {
    cred_mut(a, env, input.user_name.as_deref(), &input.service_specific_credential_id)?;
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    users::find_mut(a, &name)?.service_creds.retain(|c| c.id != input.service_specific_credential_id);
    Ok(rt::Unit {})
}
