//! Temporary credentials this emulator has issued, so that requests signed with them can
//! later be traced back to the identity they stand for (GetCallerIdentity), and refused
//! when their session token is missing or wrong, or they have expired.

use std::collections::HashMap;

use ferrostack_runtime as rt;
use ferrostack_store::KeyStanding;

/// Who a set of temporary credentials belongs to.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// GetSessionToken: the same identity as the long-term credentials that asked for it.
    Root,
    /// GetSessionToken called with an IAM user's access key.
    User {
        /// `AIDA…`
        user_id: String,
        /// `arn:aws:iam::<account>:user/<path><name>`
        arn: String,
    },
    /// AssumeRole: a role session.
    AssumedRole {
        role_arn: String,
        /// `AROA…:<session name>`
        assumed_role_id: String,
        /// `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`
        arn: String,
        source_identity: Option<String>,
    },
    /// GetFederationToken: a federated user.
    FederatedUser {
        /// `<account>:<name>`
        federated_user_id: String,
        /// `arn:aws:sts::<account>:federated-user/<name>`
        arn: String,
    },
}

/// One issued credential set.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account the credentials act in (the role's account for AssumeRole).
    pub account: String,
    pub principal: Principal,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: rt::DateTime,
    /// Session tags as given to AssumeRole / GetFederationToken, in order.
    pub tags: Vec<(String, String)>,
}

impl Session {
    /// Past its expiration at `now` (epoch seconds): AWS refuses credentials from their
    /// expiration instant on.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expiration.secs() <= now
    }

    /// The `(UserId, Arn)` pair GetCallerIdentity reports for these credentials.
    pub fn caller_identity(&self) -> (String, String) {
        match &self.principal {
            Principal::Root => (self.account.clone(), root_arn(&self.account)),
            Principal::User { user_id, arn } => (user_id.clone(), arn.clone()),
            Principal::AssumedRole { assumed_role_id, arn, .. } => (assumed_role_id.clone(), arn.clone()),
            Principal::FederatedUser { federated_user_id, arn } => (federated_user_id.clone(), arn.clone()),
        }
    }
}

/// Every issued session, by access key id. Access key ids are globally unique, so this is
/// one map for the whole partition rather than per account and region.
#[derive(Default)]
pub struct Sessions {
    by_access_key: HashMap<String, Session>,
}

impl Sessions {
    pub fn insert(&mut self, session: Session) {
        self.by_access_key.insert(session.access_key_id.clone(), session);
    }

    pub fn get(&self, access_key_id: &str) -> Option<&Session> {
        self.by_access_key.get(access_key_id)
    }

    /// What a request signed with `access_key_id` and carrying `session_token` may do, at
    /// `now` (epoch seconds; a parameter so tests can move the clock). Keys we did not
    /// issue are `Unknown`: the caller decides what to make of them.
    pub fn standing(&self, access_key_id: &str, session_token: Option<&str>, now: i64) -> KeyStanding {
        let Some(session) = self.by_access_key.get(access_key_id) else { return KeyStanding::Unknown };
        match session_token {
            // Without its token an ASIA key is, to AWS, a key it never issued.
            None => KeyStanding::NotRecognised,
            Some(token) if token != session.session_token => KeyStanding::WrongToken,
            Some(_) if session.is_expired(now) => KeyStanding::Expired,
            Some(_) => KeyStanding::Valid { account: session.account.clone() },
        }
    }

    pub fn len(&self) -> usize {
        self.by_access_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_access_key.is_empty()
    }
}

/// `arn:aws:iam::<account>:root`
pub fn root_arn(account: &str) -> String {
    // Concatenated rather than formatted: GetCallerIdentity builds one per call.
    ["arn:aws:iam::", account, ":root"].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(key: &str, token: &str, expires_at: i64) -> Session {
        Session {
            account: "111111111111".into(),
            principal: Principal::Root,
            access_key_id: key.into(),
            secret_access_key: "s".repeat(40),
            session_token: token.into(),
            expiration: rt::DateTime::from_secs(expires_at),
            tags: Vec::new(),
        }
    }

    #[test]
    fn standing_checks_token_then_expiry() {
        let mut sessions = Sessions::default();
        sessions.insert(session("ASIAAAAAAAAAAAAAAAAA", "tok", 1_000));
        let key = "ASIAAAAAAAAAAAAAAAAA";
        let valid = KeyStanding::Valid { account: "111111111111".into() };
        assert_eq!(sessions.standing(key, Some("tok"), 999), valid);
        assert_eq!(sessions.standing(key, None, 999), KeyStanding::NotRecognised);
        assert_eq!(sessions.standing(key, Some("other"), 999), KeyStanding::WrongToken);
        // Expiry, with the clock moved past the 15-minute minimum nobody waits for in a test.
        assert_eq!(sessions.standing(key, Some("tok"), 1_000), KeyStanding::Expired);
        assert_eq!(sessions.standing(key, Some("tok"), 1_000 + 900), KeyStanding::Expired);
        // A wrong token is reported as such even once the credentials have expired.
        assert_eq!(sessions.standing(key, Some("other"), 2_000), KeyStanding::WrongToken);
        assert_eq!(sessions.standing("ASIABBBBBBBBBBBBBBBB", Some("tok"), 0), KeyStanding::Unknown);
    }
}
