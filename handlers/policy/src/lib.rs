//! IAM policy documents: what they say and what they decide.
//!
//! [`Policy::parse`] reads a JSON policy document (the grammar IAM accepts: `Statement`
//! as one object or a list, `Action`/`NotAction`, `Resource`/`NotResource`, `Principal`/
//! `NotPrincipal`, `Effect`, `Condition`), and [`evaluate`] decides a request against a
//! set of policies the way AWS's evaluation logic does within one account: an explicit
//! Deny anywhere wins, otherwise an Allow from an identity policy (within the permissions
//! boundary, when there is one) or from a resource policy allows, otherwise the request is
//! implicitly denied.
//!
//! This crate knows nothing about IAM's entities: callers hand it documents and a request.
//! IAM's SimulatePrincipalPolicy/SimulateCustomPolicy use it today, and request
//! enforcement can use the same code later.
//!
//! ```
//! use ferrostack_policy::{evaluate, Context, Decision, Policy, PolicySet, Request, Source};
//!
//! let identity = Policy::parse(
//!     r#"{"Version":"2012-10-17","Statement":[
//!         {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::photos/*"},
//!         {"Effect":"Deny","Action":"s3:*","Resource":"*",
//!          "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
//! )
//! .unwrap();
//! let mut context = Context::new();
//! context.insert("aws:SecureTransport", vec!["true".into()]);
//! let policies = [PolicySet { id: "photos-read".into(), source: Source::Identity, policy: &identity }];
//! let request = Request {
//!     action: "s3:GetObject",
//!     resource: "arn:aws:s3:::photos/cat.jpg",
//!     principal: Some("arn:aws:iam::123456789012:user/alice"),
//!     context: &context,
//! };
//! let answer = evaluate(&policies, &request);
//! assert_eq!(answer.decision, Decision::Allowed);
//! assert_eq!(answer.matched[0].index, 0);
//! ```

mod condition;
mod document;
mod evaluate;
mod wildcard;

pub use condition::{Condition, Context};
pub use document::{Effect, ParseError, Policy, Position, Principal, Statement, ValueSet};
pub use evaluate::{evaluate, Decision, Evaluation, MatchedStatement, PolicySet, Request, Source};
pub use wildcard::matches as wildcard_matches;
