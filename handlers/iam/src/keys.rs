//! Access keys and console login profiles: a user's credentials.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::paging::page_ordered;
use crate::state::{Account, KeyRec, LoginRec};
use crate::users;

/// Access keys per user.
const MAX_KEYS: usize = 2;

fn status(active: bool) -> statusType {
    if active {
        statusType::Active
    } else {
        statusType::Inactive
    }
}

pub fn create(a: &mut Account, env: &Env, input: CreateAccessKeyRequest) -> Result<CreateAccessKeyResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    if u.keys.len() >= MAX_KEYS {
        return Err(limit_exceeded(format!("Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")));
    }
    let key = KeyRec { id: crate::ids::access_key_id(), secret: crate::ids::secret(), active: true, created: env.now };
    u.keys.push(key.clone());
    Ok(CreateAccessKeyResponse {
        access_key: AccessKey {
            user_name: u.name.clone(),
            access_key_id: key.id,
            status: statusType::Active,
            secret_access_key: key.secret,
            create_date: Some(key.created),
        },
    })
}

pub fn list(a: &mut Account, env: &Env, input: ListAccessKeysRequest) -> Result<ListAccessKeysResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let items = u
        .keys
        .iter()
        .map(|k| AccessKeyMetadata {
            user_name: Some(u.name.clone()),
            access_key_id: Some(k.id.clone()),
            status: Some(status(k.active)),
            create_date: Some(k.created),
        })
        .collect();
    let p = page_ordered(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListAccessKeysResponse { access_key_metadata: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

fn key_missing(id: &str) -> Error {
    no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

pub fn update(a: &mut Account, env: &Env, input: UpdateAccessKeyRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    let k = u.keys.iter_mut().find(|k| k.id == input.access_key_id).ok_or_else(|| key_missing(&input.access_key_id))?;
    k.active = matches!(input.status, statusType::Active);
    Ok(rt::Unit {})
}

pub fn delete(a: &mut Account, env: &Env, input: DeleteAccessKeyRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    if !u.keys.iter().any(|k| k.id == input.access_key_id) {
        return Err(key_missing(&input.access_key_id));
    }
    u.keys.retain(|k| k.id != input.access_key_id);
    Ok(rt::Unit {})
}

/// GetAccessKeyLastUsed within one account; `None` when the key is not this account's.
pub fn last_used(a: &Account, id: &str) -> Option<GetAccessKeyLastUsedResponse> {
    let (u, _) = a.key_owner(id)?;
    Some(GetAccessKeyLastUsedResponse {
        user_name: Some(u.name.clone()),
        // AWS reports "N/A" for a key that has not signed a request it tracked.
        access_key_last_used: Some(AccessKeyLastUsed {
            last_used_date: None,
            service_name: "N/A".into(),
            region: "N/A".into(),
        }),
    })
}

pub fn last_used_missing(id: &str) -> Error {
    key_missing(id)
}

fn password_violation() -> Error {
    rt::ServiceError::new(400, "PasswordPolicyViolation", "Password does not conform to the account password policy.")
}

/// Checks `password` against the account's password policy, when it has one.
fn conforms(a: &Account, password: &str) -> Result<()> {
    let Some(p) = &a.password_policy else { return Ok(()) };
    let ok = password.chars().count() >= p.minimum_password_length.unwrap_or(8) as usize
        && (!p.require_symbols || password.chars().any(|c| c.is_ascii_punctuation()))
        && (!p.require_numbers || password.chars().any(|c| c.is_ascii_digit()))
        && (!p.require_uppercase_characters || password.chars().any(|c| c.is_ascii_uppercase()))
        && (!p.require_lowercase_characters || password.chars().any(|c| c.is_ascii_lowercase()));
    if ok {
        Ok(())
    } else {
        Err(password_violation())
    }
}

fn login_missing(user: &str) -> Error {
    no_such_entity(format!("Login Profile for User {user} cannot be found."))
}

pub fn create_login(
    a: &mut Account,
    env: &Env,
    input: CreateLoginProfileRequest,
) -> Result<CreateLoginProfileResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let password = input.password.ok_or_else(|| validation("Password is required to create a login profile."))?;
    if users::find(a, &name)?.login.is_some() {
        return Err(already_exists(format!("Login Profile for user {name} already exists.")));
    }
    conforms(a, &password)?;
    let u = users::find_mut(a, &name)?;
    u.login = Some(LoginRec { created: env.now, reset_required: input.password_reset_required, password });
    Ok(CreateLoginProfileResponse {
        login_profile: LoginProfile {
            user_name: u.name.clone(),
            create_date: env.now,
            password_reset_required: input.password_reset_required,
        },
    })
}

pub fn get_login(a: &mut Account, env: &Env, input: GetLoginProfileRequest) -> Result<GetLoginProfileResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let l = u.login.as_ref().ok_or_else(|| login_missing(&u.name))?;
    Ok(GetLoginProfileResponse {
        login_profile: LoginProfile {
            user_name: u.name.clone(),
            create_date: l.created,
            password_reset_required: l.reset_required,
        },
    })
}

pub fn update_login(a: &mut Account, _env: &Env, input: UpdateLoginProfileRequest) -> Result<rt::Unit> {
    if let Some(p) = &input.password {
        conforms(a, p)?;
    }
    let u = users::find_mut(a, &input.user_name)?;
    let name = u.name.clone();
    let l = u.login.as_mut().ok_or_else(|| login_missing(&name))?;
    if let Some(p) = input.password {
        l.password = p;
    }
    if let Some(r) = input.password_reset_required {
        l.reset_required = r;
    }
    Ok(rt::Unit {})
}

pub fn delete_login(a: &mut Account, env: &Env, input: DeleteLoginProfileRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    if u.login.take().is_none() {
        return Err(login_missing(&name));
    }
    Ok(rt::Unit {})
}

/// ChangePassword: an IAM user changes its own console password.
pub fn change_password(a: &mut Account, env: &Env, input: ChangePasswordRequest) -> Result<rt::Unit> {
    let Some(name) = users::caller(a, env).map(|u| u.name.clone()) else {
        return Err(rt::ServiceError::new(400, "InvalidUserType", "Only IAM users can change their own password."));
    };
    conforms(a, &input.new_password)?;
    let u = users::find_mut(a, &name)?;
    let l = u.login.as_mut().ok_or_else(|| login_missing(&name))?;
    if l.password != input.old_password {
        return Err(rt::ServiceError::new(403, "AccessDenied", "The old password was incorrect."));
    }
    l.password = input.new_password;
    l.reset_required = false;
    Ok(rt::Unit {})
}
