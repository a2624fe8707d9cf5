//! The registry: every served service, and the lookup tables routing needs.
//!
//! Nothing is built at startup: the binary answers health checks from the catalog's names,
//! and the services and their tables are built on the first request that needs one. That
//! keeps spawn-to-ready to a few milliseconds and an idle emulator's memory to the code
//! it has run (touching every service' constructors and schemas maps megabytes of the
//! executable in).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use ferrostack_runtime::schema::Schema;
use ferrostack_runtime::{Protocol, Service};
use ferrostack_store::{AccessKeyAccounts, KeyStanding, Peers};

use crate::gateway::ExecuteApi;

/// A service this binary can serve: its name (the schema's `service.name`) and its
/// constructor, which registers the handler among the peers other services call.
pub struct Entry {
    pub name: &'static str,
    pub build: fn(&Arc<Peers>) -> Arc<dyn Service>,
}

/// Every service this binary serves, in the order health reports them.
///
/// Each handler crate `handlers/<svc>` offers `serve(peers)`, its handler wrapped by the
/// generated crate's protocol adapter; a new service is one line here and one in the
/// root `Cargo.toml`. Constructors must stay cheap (no I/O): services build heavy state
/// on first use.
pub static CATALOG: &[Entry] = &[
    Entry { name: "sqs", build: sqs_handler::serve },
    Entry { name: "sns", build: sns_handler::serve },
    Entry { name: "s3", build: s3_handler::serve },
    Entry { name: "dynamodb", build: dynamodb_handler::serve },
    Entry { name: "dynamodbstreams", build: dynamodbstreams_handler::serve },
    Entry { name: "lambda", build: lambda_handler::serve },
    Entry { name: "iam", build: iam_handler::serve },
    Entry { name: "sts", build: sts_handler::serve },
    Entry { name: "secretsmanager", build: secretsmanager_handler::serve },
    Entry { name: "logs", build: logs_handler::serve },
    Entry { name: "ssm", build: ssm_handler::serve },
    Entry { name: "events", build: events_handler::serve },
    Entry { name: "kinesis", build: kinesis_handler::serve },
    Entry { name: "cloudwatch", build: cloudwatch_handler::serve },
    Entry { name: "ses", build: ses_handler::serve },
    Entry { name: "stepfunctions", build: stepfunctions_handler::serve },
    Entry { name: "apigatewayv2", build: apigatewayv2_handler::serve },
    Entry { name: "ecs", build: ecs_handler::serve },
    Entry { name: "rds", build: rds_handler::serve },
    Entry { name: "elasticache", build: elasticache_handler::serve },
    Entry { name: "glue", build: glue_handler::serve },
    Entry { name: "athena", build: athena_handler::serve },
];

/// Builds every service in the catalog, sharing one set of peers so they reach each
/// other in-process.
pub fn all_services() -> Vec<Arc<dyn Service>> {
    build_catalog(&Peers::new())
}

fn build_catalog(peers: &Arc<Peers>) -> Vec<Arc<dyn Service>> {
    CATALOG.iter().map(|entry| (entry.build)(peers)).collect()
}

/// API Gateway's data plane (`<apiId>.execute-api.localhost`), once the apigatewayv2
/// handler provides one; until then such requests get API Gateway's 404.
pub fn execute_api() -> Option<Arc<dyn ExecuteApi>> {
    None
}

/// Builds every service of a registry, registering each among the peers.
type BuildAll = fn(&Arc<Peers>) -> Vec<Arc<dyn Service>>;

/// The services, by every key a request may name them with.
pub struct Registry {
    names: Vec<&'static str>,
    /// Builds the services, for a registry made from the catalog.
    build: Option<BuildAll>,
    tables: OnceLock<Tables>,
}

/// Lookup tables keyed by the services' fixed names, asked on every request: FNV hashes a
/// short name in a fraction of SipHash's time, and the keys come from the models, not from
/// clients, so there is nothing to flood.
type Names<V> = fnv::FnvHashMap<&'static str, V>;

struct Tables {
    services: Vec<Arc<dyn Service>>,
    /// Whether a service has served a request since startup: health says `running` for
    /// those and `available` for the rest, as LocalStack does for services started lazily.
    used: Vec<AtomicBool>,
    by_target_prefix: Names<usize>,
    by_shape_name: Names<usize>,
    by_signing_name: Names<Vec<usize>>,
    by_query_version: Names<Vec<usize>>,
    /// REST services matched by path, S3 excluded (its `/{Bucket}/{Key+}` matches anything).
    rest: Vec<usize>,
    s3: Option<usize>,
    /// Who knows the accounts of the access keys services issued (STS, IAM).
    access_keys: Vec<Arc<dyn AccessKeyAccounts>>,
    /// The handlers, for admin endpoints that inspect a service's state.
    peers: Option<Arc<Peers>>,
}

impl Registry {
    /// A registry of `services`, with its tables built now.
    pub fn new(services: Vec<Arc<dyn Service>>) -> Registry {
        let names = services.iter().map(|s| s.schema().service.name).collect();
        Registry { names, build: None, tables: OnceLock::from(Tables::new(services)) }
    }

    /// The catalog's services, built on first use.
    pub fn from_catalog() -> Registry {
        Registry {
            names: CATALOG.iter().map(|e| e.name).collect(),
            build: Some(build_catalog),
            tables: OnceLock::new(),
        }
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let peers = Peers::new();
            let services = self.build.map(|build| build(&peers)).unwrap_or_default();
            for (service, name) in services.iter().zip(&self.names) {
                debug_assert_eq!(service.schema().service.name, *name, "catalog name and schema name differ");
            }
            let mut tables = Tables::new(services);
            tables.access_keys = peers.all::<dyn AccessKeyAccounts>();
            tables.peers = Some(peers);
            tables
        })
    }

    /// Service names, in registry order; no service is built to answer this.
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The services, if they have been built: nothing else has state to reset.
    pub fn built(&self) -> Option<&[Arc<dyn Service>]> {
        self.tables.get().map(|t| t.services.as_slice())
    }

    pub fn service(&self, index: usize) -> &Arc<dyn Service> {
        &self.tables().services[index]
    }

    pub fn schema(&self, index: usize) -> &'static Schema {
        self.service(index).schema()
    }

    pub fn by_target_prefix(&self, prefix: &str) -> Option<usize> {
        self.tables().by_target_prefix.get(prefix).copied()
    }

    pub fn by_shape_name(&self, name: &str) -> Option<usize> {
        self.tables().by_shape_name.get(name).copied()
    }

    pub fn by_signing_name(&self, name: &str) -> &[usize] {
        self.tables().by_signing_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn by_query_version(&self, version: &str) -> &[usize] {
        self.tables().by_query_version.get(version).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every service serving awsQuery, for requests that name no version.
    pub fn query_services(&self) -> impl Iterator<Item = usize> + '_ {
        self.tables().by_query_version.values().flatten().copied()
    }

    pub fn rest_services(&self) -> &[usize] {
        &self.tables().rest
    }

    pub fn s3(&self) -> Option<usize> {
        self.tables().s3
    }

    /// The handlers of a catalog-built registry (built now if they were not).
    pub fn peers(&self) -> Option<&Arc<Peers>> {
        self.tables().peers.as_ref()
    }

    /// What the service that issued `access_key_id` (STS for ASIA keys, IAM for AKIA ones)
    /// says of it, presented with `session_token`; `Unknown` when no service issued it.
    pub fn key_standing(&self, access_key_id: &str, session_token: Option<&str>) -> KeyStanding {
        self.tables()
            .access_keys
            .iter()
            .map(|keys| keys.standing(access_key_id, session_token))
            .find(|standing| *standing != KeyStanding::Unknown)
            .unwrap_or(KeyStanding::Unknown)
    }

    /// Whether `label` (a host's first label) names a registered service rather than a
    /// bucket, as in `sqs.us-east-1.localhost.localstack.cloud`.
    pub fn is_service_label(&self, label: &str) -> bool {
        label != "s3" && self.tables().by_signing_name.contains_key(label)
    }

    pub fn mark_used(&self, index: usize) {
        let used = &self.tables().used[index];
        // Read first: after the first request this is a shared cache line nobody writes.
        if !used.load(Ordering::Relaxed) {
            used.store(true, Ordering::Relaxed);
        }
    }

    pub fn was_used(&self, index: usize) -> bool {
        self.tables.get().is_some_and(|t| t.used[index].load(Ordering::Relaxed))
    }
}

impl Tables {
    fn new(services: Vec<Arc<dyn Service>>) -> Tables {
        let mut tables = Tables {
            used: services.iter().map(|_| AtomicBool::new(false)).collect(),
            by_target_prefix: Names::default(),
            by_shape_name: Names::default(),
            by_signing_name: Names::default(),
            by_query_version: Names::default(),
            rest: Vec::new(),
            s3: None,
            access_keys: Vec::new(),
            peers: None,
            services,
        };
        for (index, service) in tables.services.iter().enumerate() {
            let schema = service.schema();
            let info = &schema.service;
            let serves_json = schema.has_protocol(Protocol::AwsJson1_0) || schema.has_protocol(Protocol::AwsJson1_1);
            if serves_json && !info.target_prefix.is_empty() {
                tables.by_target_prefix.entry(info.target_prefix).or_insert(index);
            }
            if !info.shape_name.is_empty() {
                tables.by_shape_name.entry(info.shape_name).or_insert(index);
            }
            if !info.signing_name.is_empty() {
                tables.by_signing_name.entry(info.signing_name).or_default().push(index);
            }
            if schema.has_protocol(Protocol::AwsQuery) && !info.version.is_empty() {
                tables.by_query_version.entry(info.version).or_default().push(index);
            }
            if is_s3(schema) {
                tables.s3.get_or_insert(index);
            } else if rest_protocol(schema).is_some() {
                tables.rest.push(index);
            }
        }
        tables
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
