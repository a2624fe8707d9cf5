//! Groups and their members.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::page;
use crate::state::{key, Account, GroupRec};
use crate::users;

/// Groups one user can belong to.
const MAX_GROUPS_PER_USER: usize = 10;

pub fn render(env: &Env, g: &GroupRec) -> Group {
    Group {
        path: g.path.clone(),
        group_name: g.name.clone(),
        group_id: g.id.clone(),
        arn: env.arn("group", &g.path, &g.name),
        create_date: g.created,
    }
}

pub fn find<'a>(a: &'a Account, name: &str) -> Result<&'a GroupRec> {
    a.groups.get(&key(name)).ok_or_else(|| missing("group", name))
}

pub fn find_mut<'a>(a: &'a mut Account, name: &str) -> Result<&'a mut GroupRec> {
    a.groups.get_mut(&key(name)).ok_or_else(|| missing("group", name))
}

pub fn create(a: &mut Account, env: &Env, input: CreateGroupRequest) -> Result<CreateGroupResponse> {
    let k = key(&input.group_name);
    if a.groups.contains_key(&k) {
        return Err(already_exists(format!("Group with name {} already exists.", input.group_name)));
    }
    let rec = GroupRec {
        name: input.group_name,
        id: crate::ids::unique("AGPA"),
        path: path_or_root(input.path),
        created: env.now,
        inline: Default::default(),
        attached: Vec::new(),
    };
    let group = render(env, &rec);
    a.groups.insert(k, rec);
    Ok(CreateGroupResponse { group })
}

pub fn get(a: &mut Account, env: &Env, input: GetGroupRequest) -> Result<GetGroupResponse> {
    let g = find(a, &input.group_name)?;
    let gk = key(&g.name);
    let members = a
        .users
        .iter()
        .filter(|(_, u)| u.groups.contains(&gk))
        .map(|(k, u)| (k.clone(), users::render(env, u, false)))
        .collect();
    let p = page(members, input.marker.as_deref(), input.max_items)?;
    Ok(GetGroupResponse { group: render(env, g), users: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list(a: &mut Account, env: &Env, input: ListGroupsRequest) -> Result<ListGroupsResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let items = a.groups.iter().filter(|(_, g)| g.path.starts_with(&prefix)).map(|(k, g)| (k.clone(), render(env, g)));
    let p = page(items.collect(), input.marker.as_deref(), input.max_items)?;
    Ok(ListGroupsResponse { groups: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list_for_user(a: &mut Account, env: &Env, input: ListGroupsForUserRequest) -> Result<ListGroupsForUserResponse> {
    let u = users::find(a, &input.user_name)?;
    let items = u.groups.iter().filter_map(|gk| a.groups.get(gk).map(|g| (gk.clone(), render(env, g)))).collect();
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListGroupsForUserResponse { groups: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn update(a: &mut Account, _env: &Env, input: UpdateGroupRequest) -> Result<rt::Unit> {
    let old = key(&input.group_name);
    find(a, &input.group_name)?;
    if let Some(n) = &input.new_group_name {
        if key(n) != old && a.groups.contains_key(&key(n)) {
            return Err(already_exists(format!("Group with name {n} already exists.")));
        }
    }
    let mut rec = a.groups.remove(&old).expect("checked above");
    if let Some(p) = input.new_path {
        rec.path = p;
    }
    if let Some(n) = input.new_group_name {
        rec.name = n;
    }
    let new = key(&rec.name);
    for u in a.users.values_mut() {
        for g in u.groups.iter_mut().filter(|g| **g == old) {
            *g = new.clone();
        }
    }
    a.groups.insert(new, rec);
    Ok(rt::Unit {})
}

pub fn delete(a: &mut Account, _env: &Env, input: DeleteGroupRequest) -> Result<rt::Unit> {
    let g = find(a, &input.group_name)?;
    let gk = key(&g.name);
    if a.users.values().any(|u| u.groups.contains(&gk)) {
        return Err(delete_conflict("Cannot delete entity, must remove users from group first."));
    }
    if !g.inline.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must delete policies first."));
    }
    if !g.attached.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must detach all policies first."));
    }
    a.groups.remove(&gk);
    Ok(rt::Unit {})
}

pub fn add_user(a: &mut Account, _env: &Env, input: AddUserToGroupRequest) -> Result<rt::Unit> {
    let gk = key(&find(a, &input.group_name)?.name);
    let u = users::find_mut(a, &input.user_name)?;
    if !u.groups.contains(&gk) {
        if u.groups.len() >= MAX_GROUPS_PER_USER {
            return Err(limit_exceeded(format!("Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}")));
        }
        u.groups.push(gk);
    }
    Ok(rt::Unit {})
}

pub fn remove_user(a: &mut Account, _env: &Env, input: RemoveUserFromGroupRequest) -> Result<rt::Unit> {
    let gk = key(&find(a, &input.group_name)?.name);
    let u = users::find_mut(a, &input.user_name)?;
    if !u.groups.contains(&gk) {
        return Err(no_such_entity(format!(
            "The user with name {} cannot be found in group {}.",
            input.user_name, input.group_name
        )));
    }
    u.groups.retain(|g| *g != gk);
    Ok(rt::Unit {})
}
