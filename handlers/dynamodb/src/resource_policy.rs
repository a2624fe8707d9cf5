//! Resource-based policies on tables and streams (PutResourcePolicy, GetResourcePolicy,
//! DeleteResourcePolicy, and CreateTable's `ResourcePolicy`). The document is checked as
//! IAM's grammar and size limit would check it, stored with a revision id, and returned
//! verbatim; it is not enforced (no request here is authorized against it).

use dynamodb_api::types::*;

use crate::extras::{Extras, Policy};
use crate::state::Tables;
use crate::table_name;

/// DynamoDB counts whitespace: the limit is on the document as sent.
const MAX_BYTES: usize = 20 * 1024;
/// ExpectedRevisionId meaning "only if the resource has no policy yet".
const NO_POLICY: &str = "NO_POLICY";

pub enum Failure {
    NoResource(String),
    NoPolicy(String),
    Invalid(String),
}

/// The resource must be an existing table of this account and region, or one of its streams.
fn check_resource(t: &Tables, arn: &str) -> Result<(), Failure> {
    let missing = || Failure::NoResource(format!("Requested resource not found: ResourceArn: {arn} not found"));
    if !arn.starts_with("arn:") {
        return Err(Failure::Invalid(format!("Invalid ResourceArn provided as input {arn}")));
    }
    let name = table_name::resolve(arn);
    let table = t.by_name.get(name).ok_or_else(missing)?;
    let is_table = table.arn == arn;
    let is_stream = t.streams.contains_key(arn) && arn.starts_with(&format!("{}/stream/", table.arn));
    if is_table || is_stream {
        Ok(())
    } else {
        Err(missing())
    }
}

/// IAM's grammar, and the size limit.
pub fn check_document(document: &str) -> Result<(), String> {
    if document.len() > MAX_BYTES {
        return Err(format!(
            "Policy document size {} exceeds the maximum allowed size of {MAX_BYTES} bytes",
            document.len()
        ));
    }
    ferrostack_policy::Policy::parse(document).map(|_| ()).map_err(|e| format!("Invalid policy document: {e}"))
}

fn not_found(arn: &str) -> Failure {
    Failure::NoPolicy(format!("Resource-based policy not found for the provided ResourceArn: {arn}"))
}

fn mismatch(arn: &str, expected: &str, current: Option<&Policy>) -> Failure {
    Failure::NoPolicy(match current {
        Some(p) => format!(
            "Resource-based policy not found for the provided ResourceArn: Requested update for policy revision id {expected}, but the policy associated to target resource {arn} has revision id {}.",
            p.revision
        ),
        None => format!(
            "Resource-based policy not found for the provided ResourceArn: Requested update for policy revision id {expected}, but no policy is associated to target resource {arn}."
        ),
    })
}

/// A revision id: the time in milliseconds, kept increasing per resource.
fn next_revision(previous: Option<&Policy>) -> String {
    let now = ferrostack_runtime::DateTime::now().as_millis();
    let floor = previous.and_then(|p| p.revision.parse::<i64>().ok()).map_or(0, |r| r + 1);
    now.max(floor).to_string()
}

pub fn put(t: &Tables, x: &mut Extras, input: PutResourcePolicyInput) -> Result<String, Failure> {
    let arn = input.resource_arn;
    check_resource(t, &arn)?;
    check_document(&input.policy).map_err(Failure::Invalid)?;
    let current = x.policies.get(&arn);
    match (input.expected_revision_id.as_deref(), current) {
        (None, _) => {}
        (Some(NO_POLICY), None) => {}
        (Some(expected), Some(p)) if p.revision == expected => {}
        (Some(expected), current) => return Err(mismatch(&arn, expected, current)),
    }
    // Putting the same document again is idempotent: same revision.
    if let Some(p) = current.filter(|p| p.document == input.policy) {
        return Ok(p.revision.clone());
    }
    let revision = next_revision(current);
    x.policies.insert(arn, Policy { document: input.policy, revision: revision.clone() });
    Ok(revision)
}

pub fn get(t: &Tables, x: &Extras, arn: &str) -> Result<Policy, Failure> {
    check_resource(t, arn)?;
    x.policies.get(arn).cloned().ok_or_else(|| not_found(arn))
}

pub fn delete(t: &Tables, x: &mut Extras, arn: &str, expected: Option<&str>) -> Result<String, Failure> {
    check_resource(t, arn)?;
    let current = x.policies.get(arn).ok_or_else(|| not_found(arn))?;
    if let Some(expected) = expected {
        if current.revision != expected {
            return Err(mismatch(arn, expected, Some(current)));
        }
    }
    Ok(x.policies.remove(arn).map(|p| p.revision).unwrap_or_default())
}
