//! Inline policies embedded in users, groups and roles.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::docs::{self, url_encode, Kind};
use crate::env::Env;
use crate::errors::*;
use crate::paging::page;
use crate::state::{key, Account, Inline};
use crate::{groups, roles, users};

/// The most inline-policy text (whitespace aside) one entity may hold, per entity kind.
fn quota(kind: &str) -> usize {
    match kind {
        "user" => 2048,
        "group" => 5120,
        _ => 10240,
    }
}

fn put(inline: &mut Inline, kind: &str, owner: &str, name: String, document: String) -> Result<()> {
    docs::check(&document, Kind::Identity)?;
    let size = docs::size;
    let others: usize = inline.iter().filter(|(k, _)| **k != key(&name)).map(|(_, (_, d))| size(d)).sum();
    if others + size(&document) > quota(kind) {
        return Err(limit_exceeded(format!(
            "Maximum policy size of {} bytes exceeded for {kind} {owner}",
            quota(kind)
        )));
    }
    inline.insert(key(&name), (name, document));
    Ok(())
}

fn get<'a>(inline: &'a Inline, kind: &str, name: &str) -> Result<&'a (String, String)> {
    inline.get(&key(name)).ok_or_else(|| no_such_entity(format!("The {kind} policy with name {name} cannot be found.")))
}

fn delete(inline: &mut Inline, kind: &str, name: &str) -> Result<()> {
    inline
        .remove(&key(name))
        .map(|_| ())
        .ok_or_else(|| no_such_entity(format!("The {kind} policy with name {name} cannot be found.")))
}

fn names(inline: &Inline, marker: Option<&str>, max_items: Option<i32>) -> Result<crate::paging::Page<String>> {
    page(inline.iter().map(|(k, (n, _))| (k.clone(), n.clone())).collect(), marker, max_items)
}

pub fn put_user(a: &mut Account, _env: &Env, i: PutUserPolicyRequest) -> Result<rt::Unit> {
    let u = users::find_mut(a, &i.user_name)?;
    put(&mut u.inline, "user", &i.user_name, i.policy_name, i.policy_document)?;
    Ok(rt::Unit {})
}

pub fn put_group(a: &mut Account, _env: &Env, i: PutGroupPolicyRequest) -> Result<rt::Unit> {
    let g = groups::find_mut(a, &i.group_name)?;
    put(&mut g.inline, "group", &i.group_name, i.policy_name, i.policy_document)?;
    Ok(rt::Unit {})
}

pub fn put_role(a: &mut Account, _env: &Env, i: PutRolePolicyRequest) -> Result<rt::Unit> {
    let r = roles::find_mut(a, &i.role_name)?;
    put(&mut r.inline, "role", &i.role_name, i.policy_name, i.policy_document)?;
    Ok(rt::Unit {})
}

pub fn get_user(a: &mut Account, _env: &Env, i: GetUserPolicyRequest) -> Result<GetUserPolicyResponse> {
    let u = users::find(a, &i.user_name)?;
    let (name, doc) = get(&u.inline, "user", &i.policy_name)?;
    Ok(GetUserPolicyResponse { user_name: u.name.clone(), policy_name: name.clone(), policy_document: url_encode(doc) })
}

pub fn get_group(a: &mut Account, _env: &Env, i: GetGroupPolicyRequest) -> Result<GetGroupPolicyResponse> {
    let g = groups::find(a, &i.group_name)?;
    let (name, doc) = get(&g.inline, "group", &i.policy_name)?;
    Ok(GetGroupPolicyResponse {
        group_name: g.name.clone(),
        policy_name: name.clone(),
        policy_document: url_encode(doc),
    })
}

pub fn get_role(a: &mut Account, _env: &Env, i: GetRolePolicyRequest) -> Result<GetRolePolicyResponse> {
    let r = roles::find(a, &i.role_name)?;
    let (name, doc) = get(&r.inline, "role", &i.policy_name)?;
    Ok(GetRolePolicyResponse { role_name: r.name.clone(), policy_name: name.clone(), policy_document: url_encode(doc) })
}

pub fn delete_user(a: &mut Account, _env: &Env, i: DeleteUserPolicyRequest) -> Result<rt::Unit> {
    delete(&mut users::find_mut(a, &i.user_name)?.inline, "user", &i.policy_name)?;
    Ok(rt::Unit {})
}

pub fn delete_group(a: &mut Account, _env: &Env, i: DeleteGroupPolicyRequest) -> Result<rt::Unit> {
    delete(&mut groups::find_mut(a, &i.group_name)?.inline, "group", &i.policy_name)?;
    Ok(rt::Unit {})
}

pub fn delete_role(a: &mut Account, _env: &Env, i: DeleteRolePolicyRequest) -> Result<rt::Unit> {
    delete(&mut roles::find_mut(a, &i.role_name)?.inline, "role", &i.policy_name)?;
    Ok(rt::Unit {})
}

pub fn list_user(a: &mut Account, _env: &Env, i: ListUserPoliciesRequest) -> Result<ListUserPoliciesResponse> {
    let p = names(&users::find(a, &i.user_name)?.inline, i.marker.as_deref(), i.max_items)?;
    Ok(ListUserPoliciesResponse { policy_names: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list_group(a: &mut Account, _env: &Env, i: ListGroupPoliciesRequest) -> Result<ListGroupPoliciesResponse> {
    let p = names(&groups::find(a, &i.group_name)?.inline, i.marker.as_deref(), i.max_items)?;
    Ok(ListGroupPoliciesResponse { policy_names: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list_role(a: &mut Account, _env: &Env, i: ListRolePoliciesRequest) -> Result<ListRolePoliciesResponse> {
    let p = names(&roles::find(a, &i.role_name)?.inline, i.marker.as_deref(), i.max_items)?;
    Ok(ListRolePoliciesResponse { policy_names: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
