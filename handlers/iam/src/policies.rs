//! Managed policies: customer policies with versions, and the AWS managed catalog.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::aws_managed;
use crate::docs::{self, url_encode, Kind};
use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::{page, page_ordered};
use crate::state::{Account, PolicyRec, VersionRec};
use crate::tags;

/// A managed policy can keep at most five versions.
const MAX_VERSIONS: usize = 5;
/// Characters (whitespace aside) in one managed policy document.
const MAX_POLICY_SIZE: usize = 6144;

/// What every managed policy looks like from outside, customer or AWS.
pub struct View {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub description: Option<String>,
    pub default_version: String,
    pub document: String,
    pub created: rt::DateTime,
    pub updated: rt::DateTime,
    pub aws: bool,
}

/// `arn:{partition}:iam::{account|aws}:policy/{path}{name}`, as IAM insists.
pub fn check_arn(arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && (parts[4] == "aws" || (parts[4].len() == 12 && parts[4].bytes().all(|b| b.is_ascii_digit())))
        && parts[5].strip_prefix("policy/").is_some_and(|rest| !rest.is_empty() && !rest.ends_with('/'));
    if ok {
        Ok(())
    } else {
        Err(invalid_input(format!("ARN {arn} is not valid.")))
    }
}

pub fn resolve(a: &Account, arn: &str) -> Option<View> {
    if let Some(p) = a.policies.get(arn) {
        return Some(View {
            name: p.name.clone(),
            id: p.id.clone(),
            path: p.path.clone(),
            arn: p.arn.clone(),
            description: p.description.clone(),
            default_version: p.default_version.clone(),
            document: p.default_document().to_owned(),
            created: p.created,
            updated: p.updated,
            aws: false,
        });
    }
    aws_managed::find(arn).map(|p| View {
        name: p.name.into(),
        id: aws_managed::id(p),
        path: p.path.into(),
        arn: aws_managed::arn(p),
        description: p.description.map(Into::into),
        default_version: p.default_version.into(),
        document: p.document.into(),
        created: rt::DateTime::from_secs(p.created),
        updated: rt::DateTime::from_secs(p.updated),
        aws: true,
    })
}

/// A permissions boundary must name an existing managed policy.
pub fn check_boundary(a: &Account, arn: &str) -> Result<()> {
    check_arn(arn)?;
    if resolve(a, arn).is_none() {
        return Err(no_such_entity(format!("Scope ARN: {arn} does not exist or is not attachable.")));
    }
    Ok(())
}

pub fn render(a: &Account, v: &View, full: bool, tags_of: Option<&[Tag]>) -> Policy {
    Policy {
        policy_name: Some(v.name.clone()),
        policy_id: Some(v.id.clone()),
        arn: Some(v.arn.clone()),
        path: Some(v.path.clone()),
        default_version_id: Some(v.default_version.clone()),
        attachment_count: Some(a.attachment_count(&v.arn)),
        permissions_boundary_usage_count: Some(a.boundary_count(&v.arn)),
        is_attachable: true,
        description: if full { v.description.clone() } else { None },
        create_date: Some(v.created),
        update_date: Some(v.updated),
        tags: tags_of.and_then(tags::render),
    }
}

fn customer<'a>(a: &'a Account, arn: &str) -> Result<&'a PolicyRec> {
    check_arn(arn)?;
    a.policies.get(arn).ok_or_else(|| no_such_entity(format!("Policy {arn} was not found.")))
}

fn customer_mut<'a>(a: &'a mut Account, arn: &str) -> Result<&'a mut PolicyRec> {
    check_arn(arn)?;
    a.policies.get_mut(arn).ok_or_else(|| no_such_entity(format!("Policy {arn} was not found.")))
}

pub fn create(a: &mut Account, env: &Env, input: CreatePolicyRequest) -> Result<CreatePolicyResponse> {
    let path = path_or_root(input.path);
    let arn = env.arn("policy", &path, &input.policy_name);
    if a.policies.values().any(|p| p.name.eq_ignore_ascii_case(&input.policy_name)) {
        return Err(already_exists(format!(
            "A policy called {} already exists. Duplicate names are not allowed.",
            input.policy_name
        )));
    }
    docs::check(&input.policy_document, Kind::Identity)?;
    docs::within(&input.policy_document, "PolicySize", MAX_POLICY_SIZE)?;
    let tags = tags::initial(input.tags)?;
    let rec = PolicyRec {
        name: input.policy_name,
        id: crate::ids::unique("ANPA"),
        path,
        arn: arn.clone(),
        description: input.description,
        created: env.now,
        updated: env.now,
        versions: vec![VersionRec { id: "v1".into(), document: input.policy_document, created: env.now }],
        default_version: "v1".into(),
        next_version: 2,
        tags,
    };
    a.policies.insert(arn.clone(), rec);
    let view = resolve(a, &arn).expect("just inserted");
    let policy = render(a, &view, true, Some(&a.policies[&arn].tags));
    Ok(CreatePolicyResponse { policy: Some(policy) })
}

pub fn get(a: &mut Account, _env: &Env, input: GetPolicyRequest) -> Result<GetPolicyResponse> {
    check_arn(&input.policy_arn)?;
    let view = resolve(a, &input.policy_arn)
        .ok_or_else(|| no_such_entity(format!("Policy {} was not found.", input.policy_arn)))?;
    let tags = a.policies.get(&input.policy_arn).map(|p| p.tags.as_slice());
    Ok(GetPolicyResponse { policy: Some(render(a, &view, true, tags)) })
}

pub fn delete(a: &mut Account, _env: &Env, input: DeletePolicyRequest) -> Result<rt::Unit> {
    let p = customer(a, &input.policy_arn)?;
    if a.attachment_count(&p.arn) > 0 {
        return Err(delete_conflict("Cannot delete a policy attached to entities."));
    }
    if a.boundary_count(&p.arn) > 0 {
        return Err(delete_conflict("Cannot delete a policy attached to entities."));
    }
    if p.versions.len() > 1 {
        return Err(delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        ));
    }
    a.policies.remove(&input.policy_arn);
    Ok(rt::Unit {})
}

pub fn list(a: &mut Account, _env: &Env, input: ListPoliciesRequest) -> Result<ListPoliciesResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let scope = input.scope.unwrap_or(policyScopeType::All);
    let mut views = Vec::new();
    if !matches!(scope, policyScopeType::Local) {
        views.extend(aws_managed::all().iter().filter_map(|p| resolve(a, &aws_managed::arn(p))));
    }
    if !matches!(scope, policyScopeType::Aws) {
        views.extend(a.policies.keys().filter_map(|arn| resolve(a, arn)));
    }
    let items: Vec<(String, Policy)> = views
        .into_iter()
        .filter(|v| v.path.starts_with(&prefix))
        .filter(|v| !input.only_attached || a.attachment_count(&v.arn) > 0)
        .filter(|v| match &input.policy_usage_filter {
            Some(PolicyUsageType::PermissionsBoundary) => a.boundary_count(&v.arn) > 0,
            Some(PolicyUsageType::PermissionsPolicy) => a.attachment_count(&v.arn) > 0,
            _ => true,
        })
        .map(|v| (format!("{}\u{0}{}", v.name.to_lowercase(), v.arn), render(a, &v, false, None)))
        .collect();
    let mut items = items;
    items.sort_by(|x, y| x.0.cmp(&y.0));
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListPoliciesResponse { policies: Some(p.items), is_truncated: p.is_truncated, marker: p.marker })
}

fn version_of(p: &PolicyRec, v: &VersionRec, with_document: bool) -> PolicyVersion {
    PolicyVersion {
        document: with_document.then(|| url_encode(&v.document)),
        version_id: Some(v.id.clone()),
        is_default_version: v.id == p.default_version,
        create_date: Some(v.created),
    }
}

pub fn create_version(
    a: &mut Account,
    env: &Env,
    input: CreatePolicyVersionRequest,
) -> Result<CreatePolicyVersionResponse> {
    let p = customer_mut(a, &input.policy_arn)?;
    if p.versions.len() >= MAX_VERSIONS {
        return Err(limit_exceeded(format!(
            "A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."
        )));
    }
    docs::check(&input.policy_document, Kind::Identity)?;
    docs::within(&input.policy_document, "PolicySize", MAX_POLICY_SIZE)?;
    let id = format!("v{}", p.next_version);
    p.next_version += 1;
    p.versions.push(VersionRec { id: id.clone(), document: input.policy_document, created: env.now });
    if input.set_as_default {
        p.default_version = id.clone();
        p.updated = env.now;
    }
    let v = p.versions.last().expect("just pushed");
    Ok(CreatePolicyVersionResponse { policy_version: Some(version_of(p, v, false)) })
}

pub fn get_version(a: &mut Account, _env: &Env, input: GetPolicyVersionRequest) -> Result<GetPolicyVersionResponse> {
    check_arn(&input.policy_arn)?;
    if let Some(v) = resolve(a, &input.policy_arn).filter(|v| v.aws) {
        if input.version_id != v.default_version {
            return Err(no_such_entity(format!(
                "Policy {} version {} does not exist or is not attachable.",
                input.policy_arn, input.version_id
            )));
        }
        return Ok(GetPolicyVersionResponse {
            policy_version: Some(PolicyVersion {
                document: Some(url_encode(&v.document)),
                version_id: Some(v.default_version),
                is_default_version: true,
                create_date: Some(v.created),
            }),
        });
    }
    let p = customer(a, &input.policy_arn)?;
    let v = p.versions.iter().find(|v| v.id == input.version_id).ok_or_else(|| {
        no_such_entity(format!(
            "Policy {} version {} does not exist or is not attachable.",
            input.policy_arn, input.version_id
        ))
    })?;
    Ok(GetPolicyVersionResponse { policy_version: Some(version_of(p, v, true)) })
}

pub fn list_versions(
    a: &mut Account,
    _env: &Env,
    input: ListPolicyVersionsRequest,
) -> Result<ListPolicyVersionsResponse> {
    let p = customer(a, &input.policy_arn)?;
    // Newest first, as AWS lists them.
    let versions: Vec<PolicyVersion> = p.versions.iter().rev().map(|v| version_of(p, v, false)).collect();
    let pg = page_ordered(versions, input.marker.as_deref(), input.max_items)?;
    Ok(ListPolicyVersionsResponse { versions: Some(pg.items), is_truncated: pg.is_truncated, marker: pg.marker })
}

pub fn delete_version(a: &mut Account, _env: &Env, input: DeletePolicyVersionRequest) -> Result<rt::Unit> {
    let p = customer_mut(a, &input.policy_arn)?;
    if !p.versions.iter().any(|v| v.id == input.version_id) {
        return Err(no_such_entity(format!(
            "Policy {} version {} does not exist or is not deletable.",
            input.policy_arn, input.version_id
        )));
    }
    if p.default_version == input.version_id {
        return Err(delete_conflict("Cannot delete the default version of a policy."));
    }
    p.versions.retain(|v| v.id != input.version_id);
    Ok(rt::Unit {})
}

pub fn set_default(a: &mut Account, env: &Env, input: SetDefaultPolicyVersionRequest) -> Result<rt::Unit> {
    let p = customer_mut(a, &input.policy_arn)?;
    if !p.versions.iter().any(|v| v.id == input.version_id) {
        return Err(no_such_entity(format!(
            "Policy {} version {} does not exist or is not attachable.",
            input.policy_arn, input.version_id
        )));
    }
    p.default_version = input.version_id;
    p.updated = env.now;
    Ok(rt::Unit {})
}

pub fn tag(a: &mut Account, _env: &Env, input: TagPolicyRequest) -> Result<rt::Unit> {
    tags::add(&mut customer_mut(a, &input.policy_arn)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag(a: &mut Account, _env: &Env, input: UntagPolicyRequest) -> Result<rt::Unit> {
    tags::remove(&mut customer_mut(a, &input.policy_arn)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_tags(a: &mut Account, _env: &Env, input: ListPolicyTagsRequest) -> Result<ListPolicyTagsResponse> {
    let p = tags::list(&customer(a, &input.policy_arn)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListPolicyTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn list_entities(
    a: &mut Account,
    _env: &Env,
    input: ListEntitiesForPolicyRequest,
) -> Result<ListEntitiesForPolicyResponse> {
    let arn = &input.policy_arn;
    check_arn(arn)?;
    resolve(a, arn).ok_or_else(|| no_such_entity(format!("Policy {arn} was not found.")))?;
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let boundary = matches!(input.policy_usage_filter, Some(PolicyUsageType::PermissionsBoundary));
    let both = input.policy_usage_filter.is_none();
    let want = |kind: EntityType| input.entity_filter.as_ref().is_none_or(|f| *f == kind);
    let uses = |attached: &[String], b: &Option<String>| {
        let permission = attached.iter().any(|x| x == arn);
        let as_boundary = b.as_deref() == Some(arn.as_str());
        if both {
            permission || as_boundary
        } else if boundary {
            as_boundary
        } else {
            permission
        }
    };
    // One page over users, then groups, then roles.
    enum Entity {
        U(PolicyUser),
        G(PolicyGroup),
        R(PolicyRole),
    }
    let mut items = Vec::new();
    if want(EntityType::User) {
        for (k, u) in a.users.iter().filter(|(_, u)| u.path.starts_with(&prefix) && uses(&u.attached, &u.boundary)) {
            let e = PolicyUser { user_name: Some(u.name.clone()), user_id: Some(u.id.clone()) };
            items.push((format!("1{k}"), Entity::U(e)));
        }
    }
    if want(EntityType::Group) {
        for (k, g) in a.groups.iter().filter(|(_, g)| g.path.starts_with(&prefix) && uses(&g.attached, &None)) {
            let e = PolicyGroup { group_name: Some(g.name.clone()), group_id: Some(g.id.clone()) };
            items.push((format!("2{k}"), Entity::G(e)));
        }
    }
    if want(EntityType::Role) {
        for (k, r) in a.roles.iter().filter(|(_, r)| r.path.starts_with(&prefix) && uses(&r.attached, &r.boundary)) {
            let e = PolicyRole { role_name: Some(r.name.clone()), role_id: Some(r.id.clone()) };
            items.push((format!("3{k}"), Entity::R(e)));
        }
    }
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    let (mut users, mut groups, mut roles) = (Vec::new(), Vec::new(), Vec::new());
    for e in p.items {
        match e {
            Entity::U(u) => users.push(u),
            Entity::G(g) => groups.push(g),
            Entity::R(r) => roles.push(r),
        }
    }
    Ok(ListEntitiesForPolicyResponse {
        policy_groups: Some(groups),
        policy_users: Some(users),
        policy_roles: Some(roles),
        is_truncated: p.is_truncated,
        marker: p.marker,
    })
}
