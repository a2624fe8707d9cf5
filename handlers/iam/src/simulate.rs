//! SimulatePrincipalPolicy / SimulateCustomPolicy and the context-key helpers: IAM's view
//! of entities and documents handed to the `ferrostack-policy` evaluator.

use ferrostack_policy as policy;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::paging::page_ordered;
use crate::policies::resolve;
use crate::state::{key, Account};

/// A document taking part in a simulation, with the id and type AWS reports for it.
struct Source {
    id: String,
    kind: PolicySourceType,
    role: policy::Source,
    parsed: policy::Policy,
}

fn parse(text: &str) -> Result<policy::Policy> {
    policy::Policy::parse(text).map_err(|e| invalid_input(e.to_string()))
}

fn listed(docs: &[String], prefix: &str, role: policy::Source) -> Result<Vec<Source>> {
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            Ok(Source { id: format!("{prefix}.{}", i + 1), kind: PolicySourceType::None, role, parsed: parse(d)? })
        })
        .collect()
}

fn managed(a: &Account, arns: &[String], out: &mut Vec<Source>) -> Result<()> {
    for arn in arns {
        if let Some(v) = resolve(a, arn) {
            let kind = if v.aws { PolicySourceType::AwsManaged } else { PolicySourceType::UserManaged };
            out.push(Source { id: v.name, kind, role: policy::Source::Identity, parsed: parse(&v.document)? });
        }
    }
    Ok(())
}

fn inline(map: &crate::state::Inline, kind: PolicySourceType, out: &mut Vec<Source>) -> Result<()> {
    for (name, doc) in map.values() {
        out.push(Source { id: name.clone(), kind: kind.clone(), role: policy::Source::Identity, parsed: parse(doc)? });
    }
    Ok(())
}

fn boundary(a: &Account, arn: &Option<String>) -> Result<Vec<Source>> {
    let Some(arn) = arn else { return Ok(Vec::new()) };
    let Some(v) = resolve(a, arn) else { return Ok(Vec::new()) };
    let kind = if v.aws { PolicySourceType::AwsManaged } else { PolicySourceType::UserManaged };
    Ok(vec![Source { id: v.name, kind, role: policy::Source::Boundary, parsed: parse(&v.document)? }])
}

/// The policies in force for the user, group or role `arn` names: (identity, boundary).
fn principal_policies(a: &Account, arn: &str) -> Result<(Vec<Source>, Vec<Source>)> {
    let resource = arn.splitn(6, ':').nth(5).ok_or_else(|| invalid_input(format!("Invalid ARN: {arn}")))?;
    let (kind, rest) = resource.split_once('/').ok_or_else(|| invalid_input(format!("Invalid ARN: {arn}")))?;
    let name = rest.rsplit('/').next().unwrap_or(rest);
    let mut out = Vec::new();
    match kind {
        "user" => {
            let u = a.users.get(&key(name)).ok_or_else(|| missing("user", name))?;
            inline(&u.inline, PolicySourceType::User, &mut out)?;
            managed(a, &u.attached, &mut out)?;
            for g in u.groups.iter().filter_map(|g| a.groups.get(g)) {
                inline(&g.inline, PolicySourceType::Group, &mut out)?;
                managed(a, &g.attached, &mut out)?;
            }
            Ok((out, boundary(a, &u.boundary)?))
        }
        "group" => {
            let g = a.groups.get(&key(name)).ok_or_else(|| missing("group", name))?;
            inline(&g.inline, PolicySourceType::Group, &mut out)?;
            managed(a, &g.attached, &mut out)?;
            Ok((out, Vec::new()))
        }
        "role" => {
            let r = a.roles.get(&key(name)).ok_or_else(|| missing("role", name))?;
            inline(&r.inline, PolicySourceType::Role, &mut out)?;
            managed(a, &r.attached, &mut out)?;
            Ok((out, boundary(a, &r.boundary)?))
        }
        _ => Err(invalid_input(format!("Invalid ARN: {arn}"))),
    }
}

fn context(entries: Option<Vec<ContextEntry>>) -> policy::Context {
    let mut ctx = policy::Context::new();
    for e in entries.unwrap_or_default() {
        if let Some(name) = e.context_key_name {
            ctx.insert(&name, e.context_key_values.unwrap_or_default());
        }
    }
    ctx
}

fn position(p: policy::Position) -> Position {
    Position { line: p.line, column: p.column }
}

struct Simulation {
    sources: Vec<Source>,
    actions: Vec<String>,
    resources: Option<Vec<String>>,
    caller: Option<String>,
    context: policy::Context,
    marker: Option<String>,
    max_items: Option<i32>,
}

fn run(s: Simulation) -> Result<SimulatePolicyResponse> {
    let sets: Vec<policy::PolicySet> = s
        .sources
        .iter()
        .map(|src| policy::PolicySet { id: src.id.clone(), source: src.role, policy: &src.parsed })
        .collect();
    let has_boundary = s.sources.iter().any(|src| src.role == policy::Source::Boundary);
    let resources = s.resources.unwrap_or_else(|| vec!["*".to_string()]);
    let mut results = Vec::new();
    for action in &s.actions {
        for resource in &resources {
            let e = policy::evaluate(
                &sets,
                &policy::Request { action, resource, principal: s.caller.as_deref(), context: &s.context },
            );
            let matched = e
                .matched
                .iter()
                .map(|m| {
                    let src = s.sources.iter().find(|src| src.id == m.policy_id && src.role == m.source);
                    Statement {
                        source_policy_id: Some(m.policy_id.clone()),
                        source_policy_type: src.map(|src| src.kind.clone()),
                        start_position: m.span.map(|(a, _)| position(a)),
                        end_position: m.span.map(|(_, b)| position(b)),
                    }
                })
                .collect();
            results.push(EvaluationResult {
                eval_action_name: action.clone(),
                eval_resource_name: Some(resource.clone()),
                eval_decision: match e.decision {
                    policy::Decision::Allowed => PolicyEvaluationDecisionType::Allowed,
                    policy::Decision::ExplicitDeny => PolicyEvaluationDecisionType::ExplicitDeny,
                    policy::Decision::ImplicitDeny => PolicyEvaluationDecisionType::ImplicitDeny,
                },
                matched_statements: Some(matched),
                missing_context_values: Some(e.missing_context),
                organizations_decision_detail: None,
                permissions_boundary_decision_detail: has_boundary.then(|| PermissionsBoundaryDecisionDetail {
                    allowed_by_permissions_boundary: e.allowed_by_boundary.unwrap_or(true),
                }),
                resource_specific_results: None,
                eval_decision_details: None,
            });
        }
    }
    let p = page_ordered(results, s.marker.as_deref(), s.max_items)?;
    Ok(SimulatePolicyResponse { evaluation_results: Some(p.items), is_truncated: p.is_truncated, marker: p.marker })
}

fn resource_policy(doc: &Option<String>) -> Result<Vec<Source>> {
    match doc {
        None => Ok(Vec::new()),
        Some(d) => Ok(vec![Source {
            id: "ResourcePolicy".into(),
            kind: PolicySourceType::Resource,
            role: policy::Source::Resource,
            parsed: parse(d)?,
        }]),
    }
}

pub fn principal(a: &mut Account, _env: &Env, input: SimulatePrincipalPolicyRequest) -> Result<SimulatePolicyResponse> {
    let (mut sources, mut bound) = principal_policies(a, &input.policy_source_arn)?;
    sources.extend(listed(&input.policy_input_list.unwrap_or_default(), "PolicyInputList", policy::Source::Identity)?);
    if let Some(list) = &input.permissions_boundary_policy_input_list {
        // Boundaries passed in replace the principal's own.
        bound = listed(list, "PermissionsBoundaryPolicyInputList", policy::Source::Boundary)?;
    }
    sources.extend(bound);
    sources.extend(resource_policy(&input.resource_policy)?);
    run(Simulation {
        sources,
        actions: input.action_names,
        resources: input.resource_arns,
        caller: Some(input.caller_arn.unwrap_or(input.policy_source_arn)),
        context: context(input.context_entries),
        marker: input.marker,
        max_items: input.max_items,
    })
}

pub fn custom(a: &mut Account, _env: &Env, input: SimulateCustomPolicyRequest) -> Result<SimulatePolicyResponse> {
    let _ = a;
    let mut sources = listed(&input.policy_input_list, "PolicyInputList", policy::Source::Identity)?;
    if let Some(list) = &input.permissions_boundary_policy_input_list {
        sources.extend(listed(list, "PermissionsBoundaryPolicyInputList", policy::Source::Boundary)?);
    }
    sources.extend(resource_policy(&input.resource_policy)?);
    run(Simulation {
        sources,
        actions: input.action_names,
        resources: input.resource_arns,
        caller: input.caller_arn,
        context: context(input.context_entries),
        marker: input.marker,
        max_items: input.max_items,
    })
}

fn context_keys(sources: &[Source]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for s in sources {
        for st in &s.parsed.statements {
            for c in &st.conditions {
                if !keys.iter().any(|k| k.eq_ignore_ascii_case(&c.key)) {
                    keys.push(c.key.clone());
                }
            }
        }
    }
    keys
}

pub fn keys_for_custom(
    _a: &mut Account,
    _env: &Env,
    input: GetContextKeysForCustomPolicyRequest,
) -> Result<GetContextKeysForPolicyResponse> {
    let sources = listed(&input.policy_input_list, "PolicyInputList", policy::Source::Identity)?;
    Ok(GetContextKeysForPolicyResponse { context_key_names: Some(context_keys(&sources)) })
}

pub fn keys_for_principal(
    a: &mut Account,
    _env: &Env,
    input: GetContextKeysForPrincipalPolicyRequest,
) -> Result<GetContextKeysForPolicyResponse> {
    let (mut sources, _) = principal_policies(a, &input.policy_source_arn)?;
    sources.extend(listed(&input.policy_input_list.unwrap_or_default(), "PolicyInputList", policy::Source::Identity)?);
    Ok(GetContextKeysForPolicyResponse { context_key_names: Some(context_keys(&sources)) })
}
