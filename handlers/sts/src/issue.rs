//! Minting a credential set and remembering it.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use sts_api::types::Credentials;

use crate::credentials;
use crate::random::Random;
use crate::sessions::{Principal, Session, Sessions};

/// What a new session is for; the credentials themselves are generated here.
pub struct Grant {
    pub account: String,
    pub principal: Principal,
    pub duration_seconds: i32,
    pub tags: Vec<(String, String)>,
}

/// Generates credentials for `grant`, records them and returns them as STS renders them.
pub fn issue(store: &GlobalStore<Sessions>, grant: Grant) -> Credentials {
    let mut rng = Random::new();
    let now = rt::DateTime::now();
    // AWS reports expirations to the second.
    let expiration = rt::DateTime::from_secs(now.secs() + grant.duration_seconds as i64);
    let session = Session {
        account: grant.account,
        principal: grant.principal,
        access_key_id: credentials::access_key_id(&mut rng),
        secret_access_key: credentials::secret_access_key(&mut rng),
        session_token: credentials::session_token(&mut rng),
        expiration,
        tags: grant.tags,
    };
    let out = Credentials {
        access_key_id: session.access_key_id.clone(),
        secret_access_key: session.secret_access_key.clone(),
        session_token: session.session_token.clone(),
        expiration,
    };
    store.with(|sessions| sessions.insert(session));
    out
}
