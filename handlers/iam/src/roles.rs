//! Roles: trust policies, session durations, boundaries, tags, and service-linked roles.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::docs::{self, url_encode, Kind};
use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::page;
use crate::state::{key, Account, RoleRec};
use crate::{policies, tags, users};

const DEFAULT_MAX_SESSION: i32 = 3600;
/// Characters (whitespace aside) in a trust policy.
const MAX_TRUST_SIZE: usize = 2048;
/// Where AWS puts service-linked roles; only the service may change them.
const SERVICE_LINKED_PATH: &str = "/aws-service-role/";

/// The role as Get/Create return it (`full`), or as ListRoles does.
pub fn render(env: &Env, r: &RoleRec, full: bool) -> Role {
    Role {
        path: r.path.clone(),
        role_name: r.name.clone(),
        role_id: r.id.clone(),
        arn: env.arn("role", &r.path, &r.name),
        create_date: r.created,
        assume_role_policy_document: Some(url_encode(&r.trust)),
        description: r.description.clone(),
        max_session_duration: Some(r.max_session),
        permissions_boundary: if full { r.boundary.as_deref().map(users::boundary) } else { None },
        tags: if full { tags::render(&r.tags) } else { None },
        role_last_used: if full { Some(RoleLastUsed::default()) } else { None },
    }
}

pub fn find<'a>(a: &'a Account, name: &str) -> Result<&'a RoleRec> {
    a.roles.get(&key(name)).ok_or_else(|| missing("role", name))
}

pub fn find_mut<'a>(a: &'a mut Account, name: &str) -> Result<&'a mut RoleRec> {
    a.roles.get_mut(&key(name)).ok_or_else(|| missing("role", name))
}

fn modifiable(r: &RoleRec) -> Result<()> {
    if r.path.starts_with(SERVICE_LINKED_PATH) {
        return Err(unmodifiable(format!(
            "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
            r.name
        )));
    }
    Ok(())
}

pub fn create(a: &mut Account, env: &Env, input: CreateRoleRequest) -> Result<CreateRoleResponse> {
    let k = key(&input.role_name);
    if a.roles.contains_key(&k) {
        return Err(already_exists(format!("Role with name {} already exists.", input.role_name)));
    }
    docs::check(&input.assume_role_policy_document, Kind::Trust)?;
    docs::within(&input.assume_role_policy_document, "ACLSizePerRole", MAX_TRUST_SIZE)?;
    let tags = tags::initial(input.tags)?;
    if let Some(b) = &input.permissions_boundary {
        policies::check_boundary(a, b)?;
    }
    let rec = RoleRec {
        name: input.role_name,
        id: crate::ids::unique("AROA"),
        path: path_or_root(input.path),
        created: env.now,
        trust: input.assume_role_policy_document,
        description: input.description,
        max_session: input.max_session_duration.unwrap_or(DEFAULT_MAX_SESSION),
        boundary: input.permissions_boundary,
        tags,
        inline: Default::default(),
        attached: Vec::new(),
    };
    let mut role = render(env, &rec, true);
    role.role_last_used = None;
    a.roles.insert(k, rec);
    Ok(CreateRoleResponse { role })
}

pub fn get(a: &mut Account, env: &Env, input: GetRoleRequest) -> Result<GetRoleResponse> {
    Ok(GetRoleResponse { role: render(env, find(a, &input.role_name)?, true) })
}

pub fn list(a: &mut Account, env: &Env, input: ListRolesRequest) -> Result<ListRolesResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let items =
        a.roles.iter().filter(|(_, r)| r.path.starts_with(&prefix)).map(|(k, r)| (k.clone(), render(env, r, false)));
    let p = page(items.collect(), input.marker.as_deref(), input.max_items)?;
    Ok(ListRolesResponse { roles: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn update(a: &mut Account, _env: &Env, input: UpdateRoleRequest) -> Result<UpdateRoleResponse> {
    let r = find_mut(a, &input.role_name)?;
    modifiable(r)?;
    if let Some(d) = input.description {
        r.description = Some(d);
    }
    if let Some(m) = input.max_session_duration {
        r.max_session = m;
    }
    Ok(UpdateRoleResponse {})
}

pub fn update_description(
    a: &mut Account,
    env: &Env,
    input: UpdateRoleDescriptionRequest,
) -> Result<UpdateRoleDescriptionResponse> {
    let r = find_mut(a, &input.role_name)?;
    modifiable(r)?;
    r.description = Some(input.description);
    Ok(UpdateRoleDescriptionResponse { role: Some(render(env, r, true)) })
}

pub fn update_trust(a: &mut Account, _env: &Env, input: UpdateAssumeRolePolicyRequest) -> Result<rt::Unit> {
    find(a, &input.role_name)?;
    docs::check(&input.policy_document, Kind::Trust)?;
    docs::within(&input.policy_document, "ACLSizePerRole", MAX_TRUST_SIZE)?;
    let r = find_mut(a, &input.role_name)?;
    modifiable(r)?;
    r.trust = input.policy_document;
    Ok(rt::Unit {})
}

fn delete_checked(a: &mut Account, name: &str) -> Result<()> {
    let r = find(a, name)?;
    let rk = key(&r.name);
    if a.instance_profiles.values().any(|p| p.roles.contains(&rk)) {
        return Err(delete_conflict("Cannot delete entity, must remove roles from instance profile first."));
    }
    if !r.inline.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must delete policies first."));
    }
    if !r.attached.is_empty() {
        return Err(delete_conflict("Cannot delete entity, must detach all policies first."));
    }
    a.roles.remove(&rk);
    Ok(())
}

pub fn delete(a: &mut Account, _env: &Env, input: DeleteRoleRequest) -> Result<rt::Unit> {
    modifiable(find(a, &input.role_name)?)?;
    delete_checked(a, &input.role_name)?;
    Ok(rt::Unit {})
}

pub fn tag(a: &mut Account, _env: &Env, input: TagRoleRequest) -> Result<rt::Unit> {
    tags::add(&mut find_mut(a, &input.role_name)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag(a: &mut Account, _env: &Env, input: UntagRoleRequest) -> Result<rt::Unit> {
    tags::remove(&mut find_mut(a, &input.role_name)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_tags(a: &mut Account, _env: &Env, input: ListRoleTagsRequest) -> Result<ListRoleTagsResponse> {
    let p = tags::list(&find(a, &input.role_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListRoleTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn put_boundary(a: &mut Account, _env: &Env, input: PutRolePermissionsBoundaryRequest) -> Result<rt::Unit> {
    modifiable(find(a, &input.role_name)?)?;
    policies::check_boundary(a, &input.permissions_boundary)?;
    find_mut(a, &input.role_name)?.boundary = Some(input.permissions_boundary);
    Ok(rt::Unit {})
}

pub fn delete_boundary(a: &mut Account, _env: &Env, input: DeleteRolePermissionsBoundaryRequest) -> Result<rt::Unit> {
    let r = find_mut(a, &input.role_name)?;
    modifiable(r)?;
    r.boundary = None;
    Ok(rt::Unit {})
}

/// The role-name stem AWS uses for a service's linked role (`AWSServiceRoleFor{stem}`).
fn service_stem(service: &str) -> String {
    let prefix = service.split(".amazonaws.com").next().unwrap_or(service);
    let known = [
        ("ecs", "ECS"),
        ("autoscaling", "AutoScaling"),
        ("elasticloadbalancing", "ElasticLoadBalancing"),
        ("rds", "RDS"),
        ("elasticbeanstalk", "ElasticBeanstalk"),
        ("spot", "EC2Spot"),
        ("ec2scheduled", "EC2Scheduled"),
        ("es", "AmazonElasticsearchService"),
        ("opensearchservice", "AmazonOpenSearchService"),
        ("eks", "AmazonEKS"),
        ("elasticache", "ElastiCache"),
        ("dynamodb.application-autoscaling", "ApplicationAutoScaling_DynamoDBTable"),
        ("organizations", "Organizations"),
        ("lambda", "Lambda"),
        ("config", "Config"),
        ("cloudtrail", "CloudTrail"),
        ("sso", "SSO"),
    ];
    if let Some((_, stem)) = known.iter().find(|(s, _)| *s == prefix) {
        return stem.to_string();
    }
    prefix
        .split(['.', '-'])
        .map(|part| {
            let mut c = part.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

pub fn create_service_linked(
    a: &mut Account,
    env: &Env,
    input: CreateServiceLinkedRoleRequest,
) -> Result<CreateServiceLinkedRoleResponse> {
    let service = input.aws_service_name;
    if !service.ends_with(".amazonaws.com") || service.starts_with('.') {
        return Err(invalid_input(format!("Unrecognized input: {service}")));
    }
    let mut name = format!("AWSServiceRoleFor{}", service_stem(&service));
    if let Some(suffix) = &input.custom_suffix {
        name = format!("{name}_{suffix}");
    }
    if a.roles.contains_key(&key(&name)) {
        return Err(invalid_input(format!(
            "Service role name {name} has been taken in this account, please try a different suffix."
        )));
    }
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["{service}"]}},"Action":["sts:AssumeRole"]}}]}}"#
    );
    let rec = RoleRec {
        name: name.clone(),
        id: crate::ids::unique("AROA"),
        path: format!("{SERVICE_LINKED_PATH}{service}/"),
        created: env.now,
        trust,
        description: input.description,
        max_session: DEFAULT_MAX_SESSION,
        boundary: None,
        tags: Vec::new(),
        inline: Default::default(),
        attached: Vec::new(),
    };
    let mut role = render(env, &rec, true);
    role.role_last_used = None;
    a.roles.insert(key(&name), rec);
    Ok(CreateServiceLinkedRoleResponse { role: Some(role) })
}

pub fn delete_service_linked(
    a: &mut Account,
    _env: &Env,
    input: DeleteServiceLinkedRoleRequest,
) -> Result<DeleteServiceLinkedRoleResponse> {
    let r = find(a, &input.role_name)?;
    if !r.path.starts_with(SERVICE_LINKED_PATH) {
        return Err(validation(format!("Role {} is not a service-linked role.", r.name)));
    }
    let task = format!("task{}{}/{}", r.path, r.name, crate::ids::uuid());
    let rk = key(&r.name);
    // The service would clean up after its own role; inline and attached policies go with it.
    if let Some(r) = a.roles.get_mut(&rk) {
        r.inline.clear();
        r.attached.clear();
    }
    delete_checked(a, &input.role_name)?;
    a.deletion_tasks.insert(task.clone(), ());
    Ok(DeleteServiceLinkedRoleResponse { deletion_task_id: task })
}

pub fn deletion_status(
    a: &mut Account,
    _env: &Env,
    input: GetServiceLinkedRoleDeletionStatusRequest,
) -> Result<GetServiceLinkedRoleDeletionStatusResponse> {
    if !a.deletion_tasks.contains_key(&input.deletion_task_id) {
        return Err(no_such_entity(format!("Deletion task {} cannot be found.", input.deletion_task_id)));
    }
    Ok(GetServiceLinkedRoleDeletionStatusResponse { status: DeletionTaskStatusType::Succeeded, reason: None })
}
