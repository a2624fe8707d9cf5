//! Service-last-accessed reports (access advisor).
//!
//! The services a report covers are the ones this emulator serves; nothing records when a
//! principal last used one, so every service shows as never accessed, which is what AWS
//! reports for an entity that has not used its permissions.

use iam_api::types::*;

use crate::access;
use crate::env::Env;
use crate::errors::*;
use crate::paging::page_ordered;
use crate::state::{key, AccessJob, Account};

/// (namespace, name) of each service ferrostack serves.
const SERVICES: &[(&str, &str)] = &[
    ("apigateway", "Amazon API Gateway"),
    ("athena", "Amazon Athena"),
    ("cloudwatch", "Amazon CloudWatch"),
    ("dynamodb", "Amazon DynamoDB"),
    ("ecs", "Amazon Elastic Container Service"),
    ("elasticache", "Amazon ElastiCache"),
    ("events", "Amazon EventBridge"),
    ("glue", "AWS Glue"),
    ("iam", "AWS Identity and Access Management"),
    ("kinesis", "Amazon Kinesis"),
    ("lambda", "AWS Lambda"),
    ("logs", "Amazon CloudWatch Logs"),
    ("rds", "Amazon RDS"),
    ("s3", "Amazon S3"),
    ("secretsmanager", "AWS Secrets Manager"),
    ("ses", "Amazon SES"),
    ("sns", "Amazon SNS"),
    ("sqs", "Amazon SQS"),
    ("ssm", "AWS Systems Manager"),
    ("states", "AWS Step Functions"),
    ("sts", "AWS Security Token Service"),
];

fn job_missing(id: &str) -> Error {
    no_such_entity(format!("The job with id {id} cannot be found."))
}

pub fn generate(
    a: &mut Account,
    env: &Env,
    input: GenerateServiceLastAccessedDetailsRequest,
) -> Result<GenerateServiceLastAccessedDetailsResponse> {
    let mut services = Vec::new();
    for (ns, name) in SERVICES {
        if access::grants(a, &input.arn, ns)? {
            services.push((ns.to_string(), name.to_string()));
        }
    }
    let id = crate::ids::uuid();
    let action_level = matches!(input.granularity, Some(AccessAdvisorUsageGranularityType::ActionLevel));
    a.access_jobs.insert(id.clone(), AccessJob { arn: input.arn, created: env.now, action_level, services });
    Ok(GenerateServiceLastAccessedDetailsResponse { job_id: Some(id) })
}

pub fn get(
    a: &mut Account,
    _env: &Env,
    input: GetServiceLastAccessedDetailsRequest,
) -> Result<GetServiceLastAccessedDetailsResponse> {
    let job = a.access_jobs.get(&input.job_id).ok_or_else(|| job_missing(&input.job_id))?;
    let items = job
        .services
        .iter()
        .map(|(ns, name)| ServiceLastAccessed {
            service_name: name.clone(),
            service_namespace: ns.clone(),
            total_authenticated_entities: Some(0),
            tracked_actions_last_accessed: job.action_level.then(Vec::new),
            ..Default::default()
        })
        .collect();
    let p = page_ordered(items, input.marker.as_deref(), input.max_items)?;
    Ok(GetServiceLastAccessedDetailsResponse {
        job_status: jobStatusType::Completed,
        job_type: Some(if job.action_level {
            AccessAdvisorUsageGranularityType::ActionLevel
        } else {
            AccessAdvisorUsageGranularityType::ServiceLevel
        }),
        job_creation_date: job.created,
        services_last_accessed: p.items,
        job_completion_date: job.created,
        is_truncated: p.is_truncated,
        marker: p.marker,
        error: None,
    })
}

/// The users and roles a group or policy report reaches (a user or role report: itself).
fn entities(a: &Account, env: &Env, arn: &str) -> Vec<EntityInfo> {
    let user = |u: &crate::state::UserRec| EntityInfo {
        arn: env.arn("user", &u.path, &u.name),
        name: u.name.clone(),
        r#type: policyOwnerEntityType::User,
        id: u.id.clone(),
        path: Some(u.path.clone()),
    };
    let role = |r: &crate::state::RoleRec| EntityInfo {
        arn: env.arn("role", &r.path, &r.name),
        name: r.name.clone(),
        r#type: policyOwnerEntityType::Role,
        id: r.id.clone(),
        path: Some(r.path.clone()),
    };
    let name = arn.rsplit('/').next().unwrap_or(arn);
    if arn.contains(":group/") {
        let gk = key(name);
        a.users.values().filter(|u| u.groups.contains(&gk)).map(user).collect()
    } else if arn.contains(":policy/") {
        let (users, groups, roles) = a.attachments_of(arn);
        let mut out: Vec<EntityInfo> = users.into_iter().map(user).collect();
        for g in groups {
            let gk = key(&g.name);
            out.extend(a.users.values().filter(|u| u.groups.contains(&gk)).map(user));
        }
        out.extend(roles.into_iter().map(role));
        out
    } else if arn.contains(":user/") {
        a.users.get(&key(name)).map(user).into_iter().collect()
    } else {
        a.roles.get(&key(name)).map(role).into_iter().collect()
    }
}

pub fn get_with_entities(
    a: &mut Account,
    env: &Env,
    input: GetServiceLastAccessedDetailsWithEntitiesRequest,
) -> Result<GetServiceLastAccessedDetailsWithEntitiesResponse> {
    let job = a.access_jobs.get(&input.job_id).ok_or_else(|| job_missing(&input.job_id))?;
    let list = if job.services.iter().any(|(ns, _)| *ns == input.service_namespace) {
        entities(a, env, &job.arn)
            .into_iter()
            .map(|e| EntityDetails { entity_info: e, last_authenticated: None })
            .collect()
    } else {
        Vec::new()
    };
    let p = page_ordered(list, input.marker.as_deref(), input.max_items)?;
    Ok(GetServiceLastAccessedDetailsWithEntitiesResponse {
        job_status: jobStatusType::Completed,
        job_creation_date: job.created,
        job_completion_date: job.created,
        entity_details_list: p.items,
        is_truncated: p.is_truncated,
        marker: p.marker,
        error: None,
    })
}
