//! The registry: every served service, and the lookup tables routing needs, built once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ferrostack_runtime::schema::Schema;
use ferrostack_runtime::{Protocol, Service};

use crate::gateway::ExecuteApi;

/// Every service this binary serves, in the order health reports them.
///
/// Constructors must stay cheap: they run before the first request is answered. Services
/// build heavy state (their REST router, indexes, files) on first use. Each handler crate
/// `handlers/<svc>` offers `service()`, its handler wrapped by the generated crate's
/// protocol adapter; a new service is one line here and one in the root `Cargo.toml`.
pub fn all_services() -> Vec<Arc<dyn Service>> {
    vec![
        sqs_handler::service(),
        sns_handler::service(),
        s3_handler::service(),
        dynamodb_handler::service(),
        lambda_handler::service(),
        iam_handler::service(),
        sts_handler::service(),
        secretsmanager_handler::service(),
        logs_handler::service(),
        ssm_handler::service(),
        events_handler::service(),
        kinesis_handler::service(),
        cloudwatch_handler::service(),
        ses_handler::service(),
        stepfunctions_handler::service(),
        apigatewayv2_handler::service(),
        ecs_handler::service(),
        rds_handler::service(),
        elasticache_handler::service(),
        glue_handler::service(),
        athena_handler::service(),
    ]
}

/// API Gateway's data plane (`<apiId>.execute-api.localhost`), once the apigatewayv2
/// handler provides one; until then such requests get API Gateway's 404.
pub fn execute_api() -> Option<Arc<dyn ExecuteApi>> {
    None
}

/// Services by every key a request may name them with.
pub struct Registry {
    services: Vec<Arc<dyn Service>>,
    /// Whether a service has served a request since startup: health says `running` for
    /// those and `available` for the rest, as LocalStack does for services started lazily.
    used: Vec<AtomicBool>,
    by_target_prefix: HashMap<&'static str, usize>,
    by_shape_name: HashMap<&'static str, usize>,
    by_signing_name: HashMap<&'static str, Vec<usize>>,
    by_query_version: HashMap<&'static str, Vec<usize>>,
    /// REST services matched by path, S3 excluded (its `/{Bucket}/{Key+}` matches anything).
    rest: Vec<usize>,
    s3: Option<usize>,
}

impl Registry {
    pub fn new(services: Vec<Arc<dyn Service>>) -> Registry {
        let mut registry = Registry {
            used: services.iter().map(|_| AtomicBool::new(false)).collect(),
            by_target_prefix: HashMap::new(),
            by_shape_name: HashMap::new(),
            by_signing_name: HashMap::new(),
            by_query_version: HashMap::new(),
            rest: Vec::new(),
            s3: None,
            services,
        };
        for (index, service) in registry.services.iter().enumerate() {
            let schema = service.schema();
            let info = &schema.service;
            let serves_json = schema.has_protocol(Protocol::AwsJson1_0) || schema.has_protocol(Protocol::AwsJson1_1);
            if serves_json && !info.target_prefix.is_empty() {
                registry.by_target_prefix.entry(info.target_prefix).or_insert(index);
            }
            if !info.shape_name.is_empty() {
                registry.by_shape_name.entry(info.shape_name).or_insert(index);
            }
            if !info.signing_name.is_empty() {
                registry.by_signing_name.entry(info.signing_name).or_default().push(index);
            }
            if schema.has_protocol(Protocol::AwsQuery) && !info.version.is_empty() {
                registry.by_query_version.entry(info.version).or_default().push(index);
            }
            if is_s3(schema) {
                registry.s3.get_or_insert(index);
            } else if rest_protocol(schema).is_some() {
                registry.rest.push(index);
            }
        }
        registry
    }

    pub fn len(&self) -> usize {
        self.services.len()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }

    pub fn service(&self, index: usize) -> &Arc<dyn Service> {
        &self.services[index]
    }

    pub fn schema(&self, index: usize) -> &'static Schema {
        self.services[index].schema()
    }

    pub fn iter(&self) -> impl Iterator<Item = (usize, &Arc<dyn Service>)> {
        self.services.iter().enumerate()
    }

    pub fn by_target_prefix(&self, prefix: &str) -> Option<usize> {
        self.by_target_prefix.get(prefix).copied()
    }

    pub fn by_shape_name(&self, name: &str) -> Option<usize> {
        self.by_shape_name.get(name).copied()
    }

    pub fn by_signing_name(&self, name: &str) -> &[usize] {
        self.by_signing_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn by_query_version(&self, version: &str) -> &[usize] {
        self.by_query_version.get(version).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every service serving awsQuery, for requests that name no version.
    pub fn query_services(&self) -> impl Iterator<Item = usize> + '_ {
        self.by_query_version.values().flatten().copied()
    }

    pub fn rest_services(&self) -> &[usize] {
        &self.rest
    }

    pub fn s3(&self) -> Option<usize> {
        self.s3
    }

    /// Whether `label` (a host's first labels) names a registered service rather than a
    /// bucket, as in `sqs.us-east-1.localhost.localstack.cloud`.
    pub fn is_service_label(&self, label: &str) -> bool {
        label != "s3" && self.by_signing_name.contains_key(label)
    }

    pub fn mark_used(&self, index: usize) {
        // Read first: after the first request this is a shared cache line nobody writes.
        if !self.used[index].load(Ordering::Relaxed) {
            self.used[index].store(true, Ordering::Relaxed);
        }
    }

    pub fn was_used(&self, index: usize) -> bool {
        self.used[index].load(Ordering::Relaxed)
    }
}

/// S3 is the service signing as `s3` over restXml; it is also the catch-all.
fn is_s3(schema: &Schema) -> bool {
    schema.service.signing_name == "s3" && schema.has_protocol(Protocol::RestXml)
}

/// The REST protocol a service serves, if any.
pub fn rest_protocol(schema: &Schema) -> Option<Protocol> {
    schema.service.protocols.iter().copied().find(|p| p.is_rest())
}
