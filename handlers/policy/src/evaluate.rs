//! The decision: explicit Deny wins, then an Allow (inside the permissions boundary, for
//! identity policies), else the implicit deny.

use crate::condition::{substitute, Context};
use crate::document::{Effect, Policy, Position, Principal, Statement, ValueSet};
use crate::wildcard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    ExplicitDeny,
    ImplicitDeny,
}

/// Which role a policy plays in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Attached to (or inline in) the principal, or passed to SimulateCustomPolicy.
    Identity,
    /// A permissions boundary: caps what identity policies can allow.
    Boundary,
    /// Attached to the resource (bucket policy, key policy, ...): names its principals.
    Resource,
}

/// One policy taking part, with the caller's name for it (reported back in matches).
pub struct PolicySet<'a> {
    pub id: String,
    pub source: Source,
    pub policy: &'a Policy,
}

pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    /// The caller's ARN, which resource-policy principals are matched against.
    pub principal: Option<&'a str>,
    pub context: &'a Context,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchedStatement {
    pub policy_id: String,
    pub source: Source,
    /// Index of the statement in its policy.
    pub index: usize,
    pub span: Option<(Position, Position)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub decision: Decision,
    /// The statements that decided: the Deny statements for an explicit deny, the Allow
    /// statements for an allow, none for an implicit deny.
    pub matched: Vec<MatchedStatement>,
    /// Context keys that conditions of otherwise matching statements asked for but the
    /// request lacked.
    pub missing_context: Vec<String>,
    /// Whether the permissions boundary allows the request, when there is one.
    pub allowed_by_boundary: Option<bool>,
}

fn action_matches(set: &Option<ValueSet>, action: &str) -> bool {
    match set {
        None => false,
        Some(ValueSet::Listed(p)) => p.iter().any(|p| wildcard::matches(p, action, true)),
        Some(ValueSet::AllBut(p)) => !p.iter().any(|p| wildcard::matches(p, action, true)),
    }
}

fn resource_matches(set: &Option<ValueSet>, resource: &str, context: &Context) -> bool {
    let hit = |p: &String| substitute(p, context).is_some_and(|p| wildcard::matches(&p, resource, false));
    match set {
        // Trust and resource policies may leave Resource out: the policy's own resource.
        None => true,
        Some(ValueSet::Listed(p)) => p.iter().any(hit),
        Some(ValueSet::AllBut(p)) => !p.iter().any(hit),
    }
}

fn principal_matches(statement: &Statement, caller: Option<&str>) -> bool {
    let listed = match &statement.principal {
        None => return true,
        Some(Principal::Anyone) => true,
        Some(Principal::Listed(kinds)) => caller.is_some_and(|caller| {
            kinds.iter().flat_map(|(_, values)| values).any(|p| {
                p == "*"
                    || p == caller
                    || same_role(p, caller)
                    // An account (id or root ARN) stands for every principal in it.
                    || account_of(p).is_some_and(|a| caller.split(':').nth(4) == Some(a))
            })
        }),
    };
    listed != statement.not_principal
}

/// A role's ARN names the sessions of that role too
/// (`arn:aws:sts::{account}:assumed-role/{name}/{session}`).
fn same_role(principal: &str, caller: &str) -> bool {
    let Some(rest) = caller.strip_prefix("arn:aws:sts::") else { return false };
    let Some((account, session)) = rest.split_once(":assumed-role/") else { return false };
    let Some((role, _)) = session.split_once('/') else { return false };
    principal
        .strip_prefix("arn:aws:iam::")
        .and_then(|p| p.split_once(":role/"))
        .is_some_and(|(acct, path_and_name)| acct == account && path_and_name.rsplit('/').next() == Some(role))
}

fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    principal.strip_prefix("arn:aws:iam::")?.strip_suffix(":root")
}

pub fn evaluate(policies: &[PolicySet<'_>], request: &Request<'_>) -> Evaluation {
    let mut denies = Vec::new();
    let mut identity_allows = Vec::new();
    let mut boundary_allows = Vec::new();
    let mut resource_allows = Vec::new();
    let mut missing = Vec::new();
    let has_boundary = policies.iter().any(|p| p.source == Source::Boundary);
    for set in policies {
        for (index, statement) in set.policy.statements.iter().enumerate() {
            if !action_matches(&statement.action, request.action)
                || !resource_matches(&statement.resource, request.resource, request.context)
            {
                continue;
            }
            if set.source == Source::Resource && !principal_matches(statement, request.principal) {
                continue;
            }
            for c in &statement.conditions {
                if c.missing_in(request.context) && !missing.contains(&c.key) {
                    missing.push(c.key.clone());
                }
            }
            if !statement.conditions.iter().all(|c| c.holds(request.context)) {
                continue;
            }
            let m = MatchedStatement { policy_id: set.id.clone(), source: set.source, index, span: statement.span };
            match (statement.effect, set.source) {
                (Effect::Deny, _) => denies.push(m),
                (Effect::Allow, Source::Identity) => identity_allows.push(m),
                (Effect::Allow, Source::Boundary) => boundary_allows.push(m),
                (Effect::Allow, Source::Resource) => resource_allows.push(m),
            }
        }
    }
    let allowed_by_boundary = has_boundary.then_some(!boundary_allows.is_empty());
    let (decision, matched) = if !denies.is_empty() {
        (Decision::ExplicitDeny, denies)
    } else {
        let identity_ok = !identity_allows.is_empty() && allowed_by_boundary != Some(false);
        if identity_ok || !resource_allows.is_empty() {
            let mut matched = if identity_ok { identity_allows } else { Vec::new() };
            matched.extend(resource_allows);
            (Decision::Allowed, matched)
        } else {
            (Decision::ImplicitDeny, Vec::new())
        }
    };
    missing.sort();
    Evaluation { decision, matched, missing_context: missing, allowed_by_boundary }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(text: &str) -> Policy {
        Policy::parse(text).unwrap()
    }

    fn decide(policies: &[(Source, &Policy)], action: &str, resource: &str, context: &Context) -> Evaluation {
        let sets: Vec<PolicySet> = policies
            .iter()
            .enumerate()
            .map(|(i, (source, policy))| PolicySet { id: format!("p{i}"), source: *source, policy })
            .collect();
        evaluate(&sets, &Request { action, resource, principal: Some("arn:aws:iam::123456789012:user/alice"), context })
    }

    const S3_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::bucket/*"}]}"#;

    #[test]
    fn allow_implicit_and_explicit_deny() {
        let ctx = Context::new();
        let read = policy(S3_READ);
        let e = decide(&[(Source::Identity, &read)], "s3:GetObject", "arn:aws:s3:::bucket/key", &ctx);
        assert_eq!(e.decision, Decision::Allowed);
        assert_eq!(e.matched[0].policy_id, "p0");
        let e = decide(&[(Source::Identity, &read)], "S3:getobject", "arn:aws:s3:::bucket/key", &ctx);
        assert_eq!(e.decision, Decision::Allowed, "actions ignore case");
        let e = decide(&[(Source::Identity, &read)], "s3:GetObject", "arn:aws:s3:::BUCKET/key", &ctx);
        assert_eq!(e.decision, Decision::ImplicitDeny, "resources do not");
        let e = decide(&[(Source::Identity, &read)], "s3:PutObject", "arn:aws:s3:::bucket/key", &ctx);
        assert_eq!(e.decision, Decision::ImplicitDeny);
        assert!(e.matched.is_empty());
        let deny = policy(r#"{"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#);
        let e = decide(
            &[(Source::Identity, &read), (Source::Identity, &deny)],
            "s3:GetObject",
            "arn:aws:s3:::bucket/k",
            &ctx,
        );
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert_eq!(e.matched.len(), 1);
        assert_eq!(e.matched[0].policy_id, "p1");
    }

    #[test]
    fn not_action_and_not_resource() {
        let ctx = Context::new();
        let p = policy(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}}"#);
        assert_eq!(
            decide(&[(Source::Identity, &p)], "s3:GetObject", "arn:aws:s3:::b/k", &ctx).decision,
            Decision::Allowed
        );
        assert_eq!(decide(&[(Source::Identity, &p)], "iam:CreateUser", "*", &ctx).decision, Decision::ImplicitDeny);
        assert_eq!(
            decide(&[(Source::Identity, &p)], "s3:GetObject", "arn:aws:s3:::secret/k", &ctx).decision,
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn boundary_caps_identity_allows() {
        let ctx = Context::new();
        let admin = policy(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
        let boundary = policy(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        let e = decide(&[(Source::Identity, &admin), (Source::Boundary, &boundary)], "s3:ListBucket", "*", &ctx);
        assert_eq!((e.decision, e.allowed_by_boundary), (Decision::Allowed, Some(true)));
        let e = decide(&[(Source::Identity, &admin), (Source::Boundary, &boundary)], "ec2:RunInstances", "*", &ctx);
        assert_eq!((e.decision, e.allowed_by_boundary), (Decision::ImplicitDeny, Some(false)));
    }

    #[test]
    fn resource_policy_principals() {
        let ctx = Context::new();
        let bucket = policy(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        );
        assert_eq!(
            decide(&[(Source::Resource, &bucket)], "s3:GetObject", "arn:aws:s3:::b/k", &ctx).decision,
            Decision::Allowed
        );
        let other = policy(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:GetObject","Resource":"*"}}"#,
        );
        assert_eq!(decide(&[(Source::Resource, &other)], "s3:GetObject", "x", &ctx).decision, Decision::ImplicitDeny);
        let account = policy(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}}"#,
        );
        assert_eq!(decide(&[(Source::Resource, &account)], "s3:GetObject", "x", &ctx).decision, Decision::Allowed);
        let role = policy(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app/worker"},"Action":"sqs:*","Resource":"*"}}"#,
        );
        let sets = [PolicySet { id: "r".into(), source: Source::Resource, policy: &role }];
        let session = "arn:aws:sts::123456789012:assumed-role/worker/job-1";
        let request = Request { action: "sqs:SendMessage", resource: "q", principal: Some(session), context: &ctx };
        assert_eq!(evaluate(&sets, &request).decision, Decision::Allowed, "a role's sessions are the role");
        let other = Request { principal: Some("arn:aws:sts::123456789012:assumed-role/other/job-1"), ..request };
        assert_eq!(evaluate(&sets, &other).decision, Decision::ImplicitDeny);
    }

    #[test]
    fn conditions_and_variables_and_missing_keys() {
        let p = policy(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
        );
        let mut ctx = Context::new();
        ctx.insert("aws:username", vec!["alice".into()]);
        let e = decide(&[(Source::Identity, &p)], "s3:GetObject", "arn:aws:s3:::home/alice/f", &ctx);
        assert_eq!(e.decision, Decision::ImplicitDeny);
        assert_eq!(e.missing_context, vec!["aws:SourceIp".to_string()]);
        ctx.insert("aws:SourceIp", vec!["10.9.9.9".into()]);
        assert_eq!(
            decide(&[(Source::Identity, &p)], "s3:GetObject", "arn:aws:s3:::home/alice/f", &ctx).decision,
            Decision::Allowed
        );
        assert_eq!(
            decide(&[(Source::Identity, &p)], "s3:GetObject", "arn:aws:s3:::home/bob/f", &ctx).decision,
            Decision::ImplicitDeny
        );
    }

    /// Properties over generated policy sets: a matching Deny always wins, and statement
    /// order never changes the decision.
    #[test]
    fn deny_wins_and_order_does_not_matter() {
        let actions = ["s3:GetObject", "s3:PutObject", "iam:CreateUser", "ec2:RunInstances"];
        let patterns = ["*", "s3:*", "s3:Get*", "iam:?reateUser", "ec2:*", "sqs:*"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        let ctx = Context::new();
        for _ in 0..300 {
            let n = 1 + next() % 4;
            let statements: Vec<String> = (0..n)
                .map(|_| {
                    let effect = if next() % 3 == 0 { "Deny" } else { "Allow" };
                    let pattern = patterns[next() % patterns.len()];
                    format!(r#"{{"Effect":"{effect}","Action":"{pattern}","Resource":"*"}}"#)
                })
                .collect();
            let forward = policy(&format!(r#"{{"Statement":[{}]}}"#, statements.join(",")));
            let mut reversed_list = statements.clone();
            reversed_list.reverse();
            let backward = policy(&format!(r#"{{"Statement":[{}]}}"#, reversed_list.join(",")));
            let deny_all = policy(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#);
            for action in actions {
                let a = decide(&[(Source::Identity, &forward)], action, "r", &ctx).decision;
                let b = decide(&[(Source::Identity, &backward)], action, "r", &ctx).decision;
                assert_eq!(a, b);
                let d = decide(&[(Source::Identity, &forward), (Source::Identity, &deny_all)], action, "r", &ctx);
                assert_eq!(d.decision, Decision::ExplicitDeny);
            }
        }
    }
}

impl Policy {
    /// Whether some Allow statement could allow an action of service `namespace` (`s3`,
    /// `iam`, ...), conditions aside: what ListPoliciesGrantingServiceAccess reports.
    pub fn allows_any_action_in(&self, namespace: &str) -> bool {
        let covers = |pattern: &str| match pattern.split_once(':') {
            Some((service, _)) => wildcard::matches(service, namespace, true),
            None => wildcard::matches(pattern, &format!("{namespace}:"), true),
        };
        let covers_all = |pattern: &str| match pattern.split_once(':') {
            Some((service, action)) => wildcard::matches(service, namespace, true) && action == "*",
            None => pattern == "*",
        };
        self.statements.iter().filter(|s| s.effect == Effect::Allow).any(|s| match &s.action {
            Some(ValueSet::Listed(p)) => p.iter().any(|p| covers(p)),
            Some(ValueSet::AllBut(p)) => !p.iter().any(|p| covers_all(p)),
            None => false,
        })
    }
}

#[cfg(test)]
mod service_access_tests {
    use crate::Policy;

    #[test]
    fn finds_the_services_a_policy_grants() {
        let p = Policy::parse(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get*","SQS:*"],"Resource":"*"},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(p.allows_any_action_in("s3"));
        assert!(p.allows_any_action_in("sqs"));
        assert!(!p.allows_any_action_in("ec2"));
        let not = Policy::parse(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#).unwrap();
        assert!(not.allows_any_action_in("s3"));
        assert!(!not.allows_any_action_in("iam"));
        let all = Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        assert!(all.allows_any_action_in("kms"));
    }
}
