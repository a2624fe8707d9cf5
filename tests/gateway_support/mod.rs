//! Fake services with hand-made schemas, and small helpers, for the gateway tests.
//!
//! The fakes mirror the shapes of real AWS services where routing cares: an awsJson +
//! awsQuery service (like SQS), a query-only one (like IAM), one with RPC v2 CBOR (like
//! CloudWatch), two services sharing a signing name over different protocols (like SES
//! v1/v2), a REST service (like Lambda) and S3.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ferrostack::config::BodyLimits;
use ferrostack::{Gateway, Registry};
use ferrostack_runtime::schema::*;
use ferrostack_runtime::{BoxFuture, Endpoint, RequestContext, Service, Value, WireError};

static UNIT_SHAPES: [Shape; 1] = [Shape { name: "Unit", ..Shape::DEFAULT }];

const fn info(
    name: &'static str,
    shape_name: &'static str,
    signing_name: &'static str,
    version: &'static str,
    target_prefix: &'static str,
    protocols: &'static [Protocol],
) -> ServiceInfo {
    ServiceInfo {
        name,
        shape_name,
        namespace: "com.example",
        version,
        signing_name,
        target_prefix,
        protocols,
        query_compatible: false,
        xml_namespace: Some("https://example.com/doc/"),
        xml_no_error_wrapping: false,
        validation: ValidationStyle::Aws,
        validation_code: "ValidationException",
    }
}

const fn rpc_op(name: &'static str) -> Operation {
    Operation { name, input: 0, output: 0, errors: &[], http: None, unit_input: true, unit_output: true }
}

const fn rest_op(name: &'static str, method: &'static str, uri: &'static str) -> Operation {
    Operation {
        name,
        input: 0,
        output: 0,
        errors: &[],
        http: Some(HttpTrait { method, uri, code: 200 }),
        unit_input: true,
        unit_output: true,
    }
}

/// awsJson 1.0 first, awsQuery too (SQS's shape). `Boom` panics.
pub static JSON_QUERY: Schema = Schema {
    service: info(
        "jsonquery",
        "JsonQueryService",
        "jsonquery",
        "2012-11-05",
        "JsonQuery_2012",
        &[Protocol::AwsJson1_0, Protocol::AwsQuery],
    ),
    shapes: &UNIT_SHAPES,
    operations: &[rpc_op("Boom"), rpc_op("ListQueues")],
    derived: Derived::new(),
};

/// awsQuery only (IAM's shape).
pub static QUERY_ONLY: Schema = Schema {
    service: info("queryonly", "QueryOnlyService", "queryonly", "2010-05-08", "QueryOnlyV2010", &[Protocol::AwsQuery]),
    shapes: &UNIT_SHAPES,
    operations: &[rpc_op("ListUsers")],
    derived: Derived::new(),
};

/// awsQuery, awsJson 1.0 and RPC v2 CBOR (CloudWatch's shape).
pub static CBOR: Schema = Schema {
    service: info(
        "cbor",
        "GraniteLike20100801",
        "monitoring",
        "2010-08-01",
        "GraniteLike20100801",
        &[Protocol::AwsQuery, Protocol::AwsJson1_0, Protocol::RpcV2Cbor],
    ),
    shapes: &UNIT_SHAPES,
    operations: &[rpc_op("Boom"), rpc_op("GetMetricData")],
    derived: Derived::new(),
};

/// Shares the signing name `mail` with [`SHARED_REST`] (SES v1 and v2).
pub static SHARED_QUERY: Schema = Schema {
    service: info("mailv1", "MailV1", "mail", "2010-12-01", "MailV1", &[Protocol::AwsQuery]),
    shapes: &UNIT_SHAPES,
    operations: &[rpc_op("SendEmail")],
    derived: Derived::new(),
};

pub static SHARED_REST: Schema = Schema {
    service: info("mailv2", "MailV2", "mail", "2019-09-27", "MailV2", &[Protocol::RestJson1]),
    shapes: &UNIT_SHAPES,
    operations: &[
        rest_op("CreateEmailIdentity", "POST", "/v2/email/identities"),
        rest_op("SendEmail", "POST", "/v2/email/outbound-emails"),
    ],
    derived: Derived::new(),
};

/// restJson1 routes (Lambda's shape).
pub static REST: Schema = Schema {
    service: info("restfn", "RestFunctions", "lambda", "2015-03-31", "RestFunctions", &[Protocol::RestJson1]),
    shapes: &UNIT_SHAPES,
    operations: &[
        rest_op("Boom", "GET", "/boom"),
        rest_op("Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations"),
        rest_op("ListFunctions", "GET", "/2015-03-31/functions"),
    ],
    derived: Derived::new(),
};

/// restXml with unwrapped errors, signing as `s3`.
pub static S3: Schema = Schema {
    service: ServiceInfo {
        xml_no_error_wrapping: true,
        xml_namespace: Some("http://s3.amazonaws.com/doc/2006-03-01/"),
        ..info("s3", "AmazonS3", "s3", "2006-03-01", "AmazonS3", &[Protocol::RestXml])
    },
    shapes: &UNIT_SHAPES,
    operations: &[rest_op("GetObject", "GET", "/{Bucket}/{Key+}"), rest_op("ListObjects", "GET", "/{Bucket}")],
    derived: Derived::new(),
};

/// A service over a static schema that counts resets and panics on any operation named
/// `Boom`.
pub struct Fake {
    pub schema: &'static Schema,
    pub resets: AtomicUsize,
    pub calls: AtomicUsize,
}

impl Fake {
    pub fn new(schema: &'static Schema) -> Arc<Fake> {
        Arc::new(Fake { schema, resets: AtomicUsize::new(0), calls: AtomicUsize::new(0) })
    }
}

impl Service for Fake {
    fn schema(&self) -> &'static Schema {
        self.schema
    }

    fn call<'a>(
        &'a self,
        _ctx: &'a RequestContext,
        op: usize,
        _input: Value,
    ) -> BoxFuture<'a, Result<Value, WireError>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let name = self.schema.operations[op].name;
        Box::pin(async move {
            if name == "Boom" {
                panic!("boom from a fake handler");
            }
            Ok(Value::Struct(Vec::new()))
        })
    }

    fn reset(&self) {
        self.resets.fetch_add(1, Ordering::Relaxed);
    }
}

/// All fakes, S3 last as in the real registry's order.
pub fn all_fakes() -> Vec<Arc<Fake>> {
    [&JSON_QUERY, &QUERY_ONLY, &CBOR, &SHARED_QUERY, &SHARED_REST, &REST, &S3].into_iter().map(Fake::new).collect()
}

pub fn registry(fakes: &[Arc<Fake>]) -> Registry {
    Registry::new(fakes.iter().map(|f| f.clone() as Arc<dyn Service>).collect())
}

pub fn gateway(fakes: &[Arc<Fake>], limits: BodyLimits) -> Gateway {
    Gateway::new(registry(fakes), Endpoint::default(), limits)
}

/// `Authorization` of an SDK signing for `service` in `region` with key `akid`.
pub fn sigv4(akid: &str, region: &str, service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential={akid}/20240101/{region}/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd")
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}
