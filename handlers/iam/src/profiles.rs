//! Instance profiles: the container that hands a role to EC2.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::page;
use crate::state::{key, Account, ProfileRec};
use crate::{roles, tags};

/// Roles per instance profile.
const MAX_ROLES: usize = 1;

pub fn render(a: &Account, env: &Env, p: &ProfileRec, with_tags: bool) -> InstanceProfile {
    InstanceProfile {
        path: p.path.clone(),
        instance_profile_name: p.name.clone(),
        instance_profile_id: p.id.clone(),
        arn: env.arn("instance-profile", &p.path, &p.name),
        create_date: p.created,
        roles: p.roles.iter().filter_map(|rk| a.roles.get(rk)).map(|r| roles::render(env, r, false)).collect(),
        tags: if with_tags { tags::render(&p.tags) } else { None },
    }
}

fn missing_profile(name: &str) -> Error {
    no_such_entity(format!("Instance Profile {name} cannot be found."))
}

fn find<'a>(a: &'a Account, name: &str) -> Result<&'a ProfileRec> {
    a.instance_profiles.get(&key(name)).ok_or_else(|| missing_profile(name))
}

fn find_mut<'a>(a: &'a mut Account, name: &str) -> Result<&'a mut ProfileRec> {
    a.instance_profiles.get_mut(&key(name)).ok_or_else(|| missing_profile(name))
}

pub fn create(
    a: &mut Account,
    env: &Env,
    input: CreateInstanceProfileRequest,
) -> Result<CreateInstanceProfileResponse> {
    let k = key(&input.instance_profile_name);
    if a.instance_profiles.contains_key(&k) {
        return Err(already_exists(format!("Instance Profile {} already exists.", input.instance_profile_name)));
    }
    let rec = ProfileRec {
        name: input.instance_profile_name,
        id: crate::ids::unique("AIPA"),
        path: path_or_root(input.path),
        created: env.now,
        roles: Vec::new(),
        tags: tags::initial(input.tags)?,
    };
    let out = render(a, env, &rec, true);
    a.instance_profiles.insert(k, rec);
    Ok(CreateInstanceProfileResponse { instance_profile: out })
}

pub fn get(a: &mut Account, env: &Env, input: GetInstanceProfileRequest) -> Result<GetInstanceProfileResponse> {
    let p = find(a, &input.instance_profile_name)?;
    Ok(GetInstanceProfileResponse { instance_profile: render(a, env, p, true) })
}

pub fn delete(a: &mut Account, _env: &Env, input: DeleteInstanceProfileRequest) -> Result<rt::Unit> {
    if !find(a, &input.instance_profile_name)?.roles.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must remove roles from instance profile first."));
    }
    a.instance_profiles.remove(&key(&input.instance_profile_name));
    Ok(rt::Unit {})
}

pub fn list(a: &mut Account, env: &Env, input: ListInstanceProfilesRequest) -> Result<ListInstanceProfilesResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let items = a
        .instance_profiles
        .iter()
        .filter(|(_, p)| p.path.starts_with(&prefix))
        .map(|(k, p)| (k.clone(), render(a, env, p, false)))
        .collect();
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfilesResponse { instance_profiles: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list_for_role(
    a: &mut Account,
    env: &Env,
    input: ListInstanceProfilesForRoleRequest,
) -> Result<ListInstanceProfilesForRoleResponse> {
    let rk = key(&roles::find(a, &input.role_name)?.name);
    let items = a
        .instance_profiles
        .iter()
        .filter(|(_, p)| p.roles.contains(&rk))
        .map(|(k, p)| (k.clone(), render(a, env, p, false)))
        .collect();
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfilesForRoleResponse {
        instance_profiles: p.items,
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}

pub fn add_role(a: &mut Account, _env: &Env, input: AddRoleToInstanceProfileRequest) -> Result<rt::Unit> {
    let rk = key(&roles::find(a, &input.role_name)?.name);
    let p = find_mut(a, &input.instance_profile_name)?;
    // The quota is checked first: with one role allowed, adding the same role again
    // exceeds it too.
    if p.roles.len() >= MAX_ROLES {
        return Err(limit_exceeded(format!("Cannot exceed quota for InstanceSessionsPerInstanceProfile: {MAX_ROLES}")));
    }
    p.roles.push(rk);
    Ok(rt::Unit {})
}

pub fn remove_role(a: &mut Account, _env: &Env, input: RemoveRoleFromInstanceProfileRequest) -> Result<rt::Unit> {
    let rk = key(&roles::find(a, &input.role_name)?.name);
    let p = find_mut(a, &input.instance_profile_name)?;
    if !p.roles.contains(&rk) {
        return Err(no_such_entity(format!(
            "Role {} in Instance Profile {} cannot be found.",
            input.role_name, input.instance_profile_name
        )));
    }
    p.roles.retain(|r| *r != rk);
    Ok(rt::Unit {})
}

pub fn tag(a: &mut Account, _env: &Env, input: TagInstanceProfileRequest) -> Result<rt::Unit> {
    tags::add(&mut find_mut(a, &input.instance_profile_name)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag(a: &mut Account, _env: &Env, input: UntagInstanceProfileRequest) -> Result<rt::Unit> {
    tags::remove(&mut find_mut(a, &input.instance_profile_name)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_tags(
    a: &mut Account,
    _env: &Env,
    input: ListInstanceProfileTagsRequest,
) -> Result<ListInstanceProfileTagsResponse> {
    let p = tags::list(&find(a, &input.instance_profile_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListInstanceProfileTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
