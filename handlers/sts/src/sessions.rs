//! Temporary credentials this emulator has issued, so that requests signed with them can
//! later be traced back to the identity they stand for (GetCallerIdentity today; request
//! authorisation and expiry checks later).

use std::collections::HashMap;

use ferrostack_runtime as rt;

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

    pub fn len(&self) -> usize {
        self.by_access_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_access_key.is_empty()
    }
}

/// `arn:aws:iam::<account>:root`
pub fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}
