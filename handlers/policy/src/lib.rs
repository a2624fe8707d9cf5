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

mod condition;
mod document;
mod evaluate;
mod wildcard;

pub use condition::{Condition, Context};
pub use document::{Effect, ParseError, Policy, Position, Principal, Statement, ValueSet};
pub use evaluate::{evaluate, Decision, Evaluation, MatchedStatement, PolicySet, Request, Source};
pub use wildcard::matches as wildcard_matches;
