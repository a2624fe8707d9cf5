//! ListPoliciesGrantingServiceAccess: which of an entity's policies allow some action of
//! a service.

use ferrostack_policy::Policy;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::policies::resolve;
use crate::state::{key, Account, Inline};

/// One policy in force for the entity, and how AWS describes it.
struct Held {
    entry: PolicyGrantingServiceAccess,
    parsed: Option<Policy>,
}

fn inline(map: &Inline, owner_type: policyOwnerEntityType, owner: &str, out: &mut Vec<Held>) {
    for (name, doc) in map.values() {
        out.push(Held {
            entry: PolicyGrantingServiceAccess {
                policy_name: name.clone(),
                policy_type: policyType::Inline,
                policy_arn: None,
                entity_type: Some(owner_type.clone()),
                entity_name: Some(owner.to_owned()),
            },
            parsed: Policy::parse(doc).ok(),
        });
    }
}

fn managed(a: &Account, arns: &[String], out: &mut Vec<Held>) {
    for arn in arns {
        if let Some(v) = resolve(a, arn) {
            out.push(Held {
                entry: PolicyGrantingServiceAccess {
                    policy_name: v.name.clone(),
                    policy_type: policyType::Managed,
                    policy_arn: Some(v.arn.clone()),
                    entity_type: None,
                    entity_name: None,
                },
                parsed: Policy::parse(&v.document).ok(),
            });
        }
    }
}

/// The policies in force for the user, group or role `arn` names (a user's include its
/// groups'), parsed.
fn held(a: &Account, arn: &str) -> Result<Vec<Held>> {
    let resource = arn.splitn(6, ':').nth(5).ok_or_else(|| invalid_input(format!("ARN {arn} is not valid.")))?;
    let (kind, rest) = resource.split_once('/').ok_or_else(|| invalid_input(format!("ARN {arn} is not valid.")))?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let mut held = Vec::new();
    match kind {
        "user" => {
            let u = a.users.get(&key(name)).ok_or_else(|| missing("user", name))?;
            inline(&u.inline, policyOwnerEntityType::User, &u.name, &mut held);
            managed(a, &u.attached, &mut held);
            for g in u.groups.iter().filter_map(|g| a.groups.get(g)) {
                inline(&g.inline, policyOwnerEntityType::Group, &g.name, &mut held);
                managed(a, &g.attached, &mut held);
            }
        }
        "group" => {
            let g = a.groups.get(&key(name)).ok_or_else(|| missing("group", name))?;
            inline(&g.inline, policyOwnerEntityType::Group, &g.name, &mut held);
            managed(a, &g.attached, &mut held);
        }
        "role" => {
            let r = a.roles.get(&key(name)).ok_or_else(|| missing("role", name))?;
            inline(&r.inline, policyOwnerEntityType::Role, &r.name, &mut held);
            managed(a, &r.attached, &mut held);
        }
        "policy" => {
            crate::policies::check_arn(arn)?;
            if resolve(a, arn).is_none() {
                return Err(no_such_entity(format!("Policy {arn} was not found.")));
            }
            managed(a, &[arn.to_owned()], &mut held);
        }
        _ => return Err(invalid_input(format!("ARN {arn} is not valid."))),
    }
    Ok(held)
}

/// Whether any policy in force for `arn` allows some action of `namespace`.
pub fn grants(a: &Account, arn: &str, namespace: &str) -> Result<bool> {
    Ok(held(a, arn)?.iter().any(|h| h.parsed.as_ref().is_some_and(|p| p.allows_any_action_in(namespace))))
}

pub fn list(
    a: &mut Account,
    _env: &Env,
    input: ListPoliciesGrantingServiceAccessRequest,
) -> Result<ListPoliciesGrantingServiceAccessResponse> {
    if input.arn.contains(":policy/") {
        return Err(invalid_input(format!("ARN {} is not valid.", input.arn)));
    }
    let held = held(a, &input.arn)?;
    let entries = input
        .service_namespaces
        .iter()
        .map(|ns| ListPoliciesGrantingServiceAccessEntry {
            service_namespace: Some(ns.clone()),
            policies: Some(
                held.iter()
                    .filter(|h| h.parsed.as_ref().is_some_and(|p| p.allows_any_action_in(ns)))
                    .map(|h| h.entry.clone())
                    .collect(),
            ),
        })
        .collect();
    Ok(ListPoliciesGrantingServiceAccessResponse {
        policies_granting_service_access: entries,
        is_truncated: false,
        marker: None,
    })
}
