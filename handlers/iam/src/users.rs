//! Users: CRUD, permissions boundaries and tags.

use iam_api::types::*;

use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::page;
use crate::state::{key, Account, UserRec};
use crate::{policies, tags};

pub fn boundary(arn: &str) -> AttachedPermissionsBoundary {
    AttachedPermissionsBoundary {
        permissions_boundary_type: Some(PermissionsBoundaryAttachmentType::Policy),
        permissions_boundary_arn: Some(arn.to_owned()),
    }
}

/// The user as Get/Create return it (`full`), or as lists do (no tags, no boundary).
pub fn render(env: &Env, u: &UserRec, full: bool) -> User {
    User {
        path: u.path.clone(),
        user_name: u.name.clone(),
        user_id: u.id.clone(),
        arn: env.arn("user", &u.path, &u.name),
        create_date: u.created,
        password_last_used: None,
        permissions_boundary: if full { u.boundary.as_deref().map(boundary) } else { None },
        tags: if full { tags::render(&u.tags) } else { None },
    }
}

pub fn find<'a>(a: &'a Account, name: &str) -> Result<&'a UserRec> {
    a.users.get(&key(name)).ok_or_else(|| missing("user", name))
}

pub fn find_mut<'a>(a: &'a mut Account, name: &str) -> Result<&'a mut UserRec> {
    a.users.get_mut(&key(name)).ok_or_else(|| missing("user", name))
}

/// The user whose access key signed the request, when it is one of ours.
pub fn caller<'a>(a: &'a Account, env: &Env) -> Option<&'a UserRec> {
    let k = env.caller_key.as_deref()?;
    a.key_owner(k).map(|(u, _)| u)
}

/// The user an operation with an optional UserName is about: the named one, else the caller.
pub fn named_or_caller(a: &Account, env: &Env, name: Option<&str>) -> Result<String> {
    match name {
        Some(n) => Ok(find(a, n)?.name.clone()),
        None => caller(a, env)
            .map(|u| u.name.clone())
            .ok_or_else(|| validation("Must specify userName when calling with non-User credentials")),
    }
}

pub fn create(a: &mut Account, env: &Env, input: CreateUserRequest) -> Result<CreateUserResponse> {
    let k = key(&input.user_name);
    if a.users.contains_key(&k) {
        return Err(already_exists(format!("User with name {} already exists.", input.user_name)));
    }
    let tags = tags::initial(input.tags)?;
    if let Some(b) = &input.permissions_boundary {
        policies::check_boundary(a, b)?;
    }
    let rec = UserRec {
        name: input.user_name,
        id: crate::ids::unique("AIDA"),
        path: path_or_root(input.path),
        created: env.now,
        boundary: input.permissions_boundary,
        tags,
        inline: Default::default(),
        attached: Vec::new(),
        groups: Vec::new(),
        keys: Vec::new(),
        login: None,
        mfa: Vec::new(),
        ssh_keys: Vec::new(),
        signing_certs: Vec::new(),
        service_creds: Vec::new(),
    };
    let user = render(env, &rec, true);
    a.users.insert(k, rec);
    Ok(CreateUserResponse { user: Some(user) })
}

pub fn get(a: &mut Account, env: &Env, input: GetUserRequest) -> Result<GetUserResponse> {
    let user = match input.user_name.as_deref() {
        Some(n) => render(env, find(a, n)?, true),
        None => match caller(a, env) {
            Some(u) => render(env, u, true),
            // The root user: its id is the account id.
            None => User {
                path: "/".into(),
                user_name: String::new(),
                user_id: env.account.clone(),
                arn: format!("arn:aws:iam::{}:root", env.account),
                create_date: env.now,
                ..Default::default()
            },
        },
    };
    Ok(GetUserResponse { user })
}

pub fn list(a: &mut Account, env: &Env, input: ListUsersRequest) -> Result<ListUsersResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let items =
        a.users.iter().filter(|(_, u)| u.path.starts_with(&prefix)).map(|(k, u)| (k.clone(), render(env, u, false)));
    let p = page(items.collect(), input.marker.as_deref(), input.max_items)?;
    Ok(ListUsersResponse { users: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn update(a: &mut Account, _env: &Env, input: UpdateUserRequest) -> Result<rt::Unit> {
    let old = key(&input.user_name);
    find(a, &input.user_name)?;
    if let Some(new_name) = &input.new_user_name {
        let new = key(new_name);
        if new != old && a.users.contains_key(&new) {
            return Err(already_exists(format!("User with name {new_name} already exists.")));
        }
    }
    let mut rec = a.users.remove(&old).expect("checked above");
    if let Some(p) = input.new_path {
        rec.path = p;
    }
    if let Some(n) = input.new_user_name {
        rec.name = n;
    }
    let new = key(&rec.name);
    for d in a.mfa.values_mut() {
        if d.user.as_deref() == Some(old.as_str()) {
            d.user = Some(new.clone());
        }
    }
    a.users.insert(new, rec);
    Ok(rt::Unit {})
}

pub fn delete(a: &mut Account, _env: &Env, input: DeleteUserRequest) -> Result<rt::Unit> {
    let u = find(a, &input.user_name)?;
    let conflict = if u.login.is_some() {
        Some("Cannot delete entity, must delete login profile first.")
    } else if !u.keys.is_empty() {
        Some("Cannot delete entity, must delete access keys first.")
    } else if !u.signing_certs.is_empty() {
        Some("Cannot delete entity, must delete certificates first.")
    } else if !u.mfa.is_empty() {
        Some("Cannot delete entity, must delete MFA device first.")
    } else if !u.ssh_keys.is_empty() || !u.service_creds.is_empty() {
        Some("Cannot delete entity, must remove referenced objects first.")
    } else if !u.inline.is_empty() {
        Some("Cannot delete entity, must delete policies first.")
    } else if !u.attached.is_empty() {
        Some("Cannot delete entity, must detach all policies first.")
    } else if !u.groups.is_empty() {
        Some("Cannot delete entity, must remove users from group first.")
    } else {
        None
    };
    if let Some(m) = conflict {
        return Err(delete_conflict(m));
    }
    a.users.remove(&key(&input.user_name));
    Ok(rt::Unit {})
}

pub fn tag(a: &mut Account, _env: &Env, input: TagUserRequest) -> Result<rt::Unit> {
    tags::add(&mut find_mut(a, &input.user_name)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag(a: &mut Account, _env: &Env, input: UntagUserRequest) -> Result<rt::Unit> {
    tags::remove(&mut find_mut(a, &input.user_name)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_tags(a: &mut Account, _env: &Env, input: ListUserTagsRequest) -> Result<ListUserTagsResponse> {
    let p = tags::list(&find(a, &input.user_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListUserTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn put_boundary(a: &mut Account, _env: &Env, input: PutUserPermissionsBoundaryRequest) -> Result<rt::Unit> {
    find(a, &input.user_name)?;
    policies::check_boundary(a, &input.permissions_boundary)?;
    find_mut(a, &input.user_name)?.boundary = Some(input.permissions_boundary);
    Ok(rt::Unit {})
}

pub fn delete_boundary(a: &mut Account, _env: &Env, input: DeleteUserPermissionsBoundaryRequest) -> Result<rt::Unit> {
    find_mut(a, &input.user_name)?.boundary = None;
    Ok(rt::Unit {})
}

use ferrostack_runtime as rt;
