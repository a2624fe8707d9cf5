//! Managed policies attached to users, groups and roles.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::paging::{page, Page};
use crate::policies::resolve;
use crate::state::Account;
use crate::{groups, roles, users};

/// Managed policies per user, group or role (the default quota).
const MAX_ATTACHED: usize = 10;

fn check_attachable(a: &Account, arn: &str) -> Result<()> {
    crate::policies::check_arn(arn)?;
    resolve(a, arn).map(|_| ()).ok_or_else(|| missing_policy(arn))
}

fn attach(list: &mut Vec<String>, arn: String, quota_name: &str) -> Result<()> {
    if list.contains(&arn) {
        return Ok(());
    }
    if list.len() >= MAX_ATTACHED {
        return Err(limit_exceeded(format!("Cannot exceed quota for {quota_name}: {MAX_ATTACHED}")));
    }
    list.push(arn);
    Ok(())
}

fn detach(list: &mut Vec<String>, arn: &str) -> Result<()> {
    crate::policies::check_arn(arn)?;
    if !list.iter().any(|a| a == arn) {
        return Err(no_such_entity(format!("Policy {arn} was not found.")));
    }
    list.retain(|a| a != arn);
    Ok(())
}

pub fn attached(a: &Account, list: &[String]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|arn| AttachedPolicy {
            policy_name: resolve(a, arn).map(|v| v.name).or_else(|| arn.rsplit('/').next().map(str::to_owned)),
            policy_arn: Some(arn.clone()),
        })
        .collect()
}

fn listed(
    a: &Account,
    list: &[String],
    prefix: Option<String>,
    marker: Option<String>,
    max: Option<i32>,
) -> Result<Page<AttachedPolicy>> {
    let prefix = prefix.unwrap_or_else(|| "/".into());
    let items = list.iter().filter_map(|arn| resolve(a, arn)).filter(|v| v.path.starts_with(&prefix)).map(|v| {
        (
            format!("{}\u{0}{}", v.name.to_lowercase(), v.arn),
            AttachedPolicy { policy_name: Some(v.name), policy_arn: Some(v.arn) },
        )
    });
    let mut items: Vec<_> = items.collect();
    items.sort_by(|x, y| x.0.cmp(&y.0));
    page(items, marker.as_deref(), max)
}

pub fn attach_user(a: &mut Account, _env: &Env, i: AttachUserPolicyRequest) -> Result<rt::Unit> {
    users::find(a, &i.user_name)?;
    check_attachable(a, &i.policy_arn)?;
    attach(&mut users::find_mut(a, &i.user_name)?.attached, i.policy_arn, "PoliciesPerUser")?;
    Ok(rt::Unit {})
}

pub fn attach_group(a: &mut Account, _env: &Env, i: AttachGroupPolicyRequest) -> Result<rt::Unit> {
    groups::find(a, &i.group_name)?;
    check_attachable(a, &i.policy_arn)?;
    attach(&mut groups::find_mut(a, &i.group_name)?.attached, i.policy_arn, "PoliciesPerGroup")?;
    Ok(rt::Unit {})
}

pub fn attach_role(a: &mut Account, _env: &Env, i: AttachRolePolicyRequest) -> Result<rt::Unit> {
    roles::find(a, &i.role_name)?;
    check_attachable(a, &i.policy_arn)?;
    attach(&mut roles::find_mut(a, &i.role_name)?.attached, i.policy_arn, "PoliciesPerRole")?;
    Ok(rt::Unit {})
}

pub fn detach_user(a: &mut Account, _env: &Env, i: DetachUserPolicyRequest) -> Result<rt::Unit> {
    detach(&mut users::find_mut(a, &i.user_name)?.attached, &i.policy_arn)?;
    Ok(rt::Unit {})
}

pub fn detach_group(a: &mut Account, _env: &Env, i: DetachGroupPolicyRequest) -> Result<rt::Unit> {
    detach(&mut groups::find_mut(a, &i.group_name)?.attached, &i.policy_arn)?;
    Ok(rt::Unit {})
}

pub fn detach_role(a: &mut Account, _env: &Env, i: DetachRolePolicyRequest) -> Result<rt::Unit> {
    detach(&mut roles::find_mut(a, &i.role_name)?.attached, &i.policy_arn)?;
    Ok(rt::Unit {})
}

pub fn list_user(
    a: &mut Account,
    _env: &Env,
    i: ListAttachedUserPoliciesRequest,
) -> Result<ListAttachedUserPoliciesResponse> {
    let list = users::find(a, &i.user_name)?.attached.clone();
    let p = listed(a, &list, i.path_prefix, i.marker, i.max_items)?;
    Ok(ListAttachedUserPoliciesResponse {
        attached_policies: Some(p.items),
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}

pub fn list_group(
    a: &mut Account,
    _env: &Env,
    i: ListAttachedGroupPoliciesRequest,
) -> Result<ListAttachedGroupPoliciesResponse> {
    let list = groups::find(a, &i.group_name)?.attached.clone();
    let p = listed(a, &list, i.path_prefix, i.marker, i.max_items)?;
    Ok(ListAttachedGroupPoliciesResponse {
        attached_policies: Some(p.items),
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}

pub fn list_role(
    a: &mut Account,
    _env: &Env,
    i: ListAttachedRolePoliciesRequest,
) -> Result<ListAttachedRolePoliciesResponse> {
    let list = roles::find(a, &i.role_name)?.attached.clone();
    let p = listed(a, &list, i.path_prefix, i.marker, i.max_items)?;
    Ok(ListAttachedRolePoliciesResponse {
        attached_policies: Some(p.items),
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}
