//! How one service reaches another in-process.
//!
//! SNS delivers to SQS, S3 notifies SQS/SNS/Lambda, STS asks IAM about access keys: each
//! through the other service's generated `Handler` trait, exactly as a request from the
//! wire would arrive, never over HTTP. The registry builds every handler with one shared
//! [`Peers`], and each handler registers itself there (`peers.register::<dyn sqs_api::Handler>(…)`)
//! and looks up the ones it calls when it needs them (`peers.get::<dyn sqs_api::Handler>()`).
//!
//! The table is keyed by the handle's type, so this crate depends on no service crate:
//! a handler depends on the API crates of just the services it calls.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// The handlers of one gateway, by their trait object type.
#[derive(Default)]
pub struct Peers {
    handles: RwLock<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl Peers {
    pub fn new() -> Arc<Peers> {
        Arc::new(Peers::default())
    }

    /// Makes `handle` the one `get::<T>()` returns; a later registration replaces it.
    pub fn register<T: ?Sized + Send + Sync + 'static>(&self, handle: Arc<T>) {
        let mut handles = self.handles.write().unwrap_or_else(|e| e.into_inner());
        handles.insert(TypeId::of::<Arc<T>>(), Box::new(handle));
    }

    /// Adds `handle` to the `T`s that several services provide (see [`Peers::all`]).
    pub fn add<T: ?Sized + Send + Sync + 'static>(&self, handle: Arc<T>) {
        let mut handles = self.handles.write().unwrap_or_else(|e| e.into_inner());
        let slot = handles.entry(TypeId::of::<Vec<Arc<T>>>()).or_insert_with(|| Box::new(Vec::<Arc<T>>::new()));
        if let Some(list) = slot.downcast_mut::<Vec<Arc<T>>>() {
            list.push(handle);
        }
    }

    /// Every `T` added, in the order the services were built.
    pub fn all<T: ?Sized + Send + Sync + 'static>(&self) -> Vec<Arc<T>> {
        let handles = self.handles.read().unwrap_or_else(|e| e.into_inner());
        handles
            .get(&TypeId::of::<Vec<Arc<T>>>())
            .and_then(|h| h.downcast_ref::<Vec<Arc<T>>>())
            .cloned()
            .unwrap_or_default()
    }

    /// The registered `T`, if its service is part of this gateway.
    pub fn get<T: ?Sized + Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let handles = self.handles.read().unwrap_or_else(|e| e.into_inner());
        handles.get(&TypeId::of::<Arc<T>>()).and_then(|h| h.downcast_ref::<Arc<T>>()).cloned()
    }
}

/// What a service that issues access keys (STS's temporary credentials, IAM users' keys)
/// knows of the key a request was signed with; each such service `add`s itself. The
/// gateway asks before building a request's context, so a role assumed into another
/// account acts there in every service, and credentials AWS would refuse are refused in
/// every service, in that service's protocol, as on AWS.
pub trait AccessKeyAccounts: Send + Sync {
    /// The standing of `access_key_id` presented with `session_token` (the request's
    /// `X-Amz-Security-Token`, header or presigned query parameter).
    fn standing(&self, access_key_id: &str, session_token: Option<&str>) -> KeyStanding;
}

/// One service's verdict on an access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStanding {
    /// This service did not issue the key; the gateway derives the account from the key
    /// itself.
    Unknown,
    /// Issued here and good: the request acts in this account.
    Valid { account: String },
    /// Issued here but not usable as presented: temporary credentials sent without their
    /// session token, or a key its user deactivated. AWS treats the key as unknown (S3:
    /// `InvalidAccessKeyId`; other services: `InvalidClientTokenId` or alike).
    NotRecognised,
    /// Temporary credentials sent with a session token other than the one issued with
    /// them (S3: `InvalidToken`; other services: `InvalidClientTokenId` or alike).
    WrongToken,
    /// Temporary credentials past their expiration (`ExpiredToken` or alike).
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn hello(&self) -> &'static str;
    }
    struct English;
    impl Greeter for English {
        fn hello(&self) -> &'static str {
            "hello"
        }
    }

    #[test]
    fn finds_what_was_registered_by_trait_type() {
        let peers = Peers::new();
        assert!(peers.get::<dyn Greeter>().is_none());
        peers.register::<dyn Greeter>(Arc::new(English));
        assert_eq!(peers.get::<dyn Greeter>().unwrap().hello(), "hello");
        assert!(peers.get::<English>().is_none(), "a concrete type is a different key");
    }

    #[test]
    fn collects_what_several_services_add() {
        let peers = Peers::new();
        assert!(peers.all::<dyn Greeter>().is_empty());
        peers.add::<dyn Greeter>(Arc::new(English));
        peers.add::<dyn Greeter>(Arc::new(English));
        assert_eq!(peers.all::<dyn Greeter>().len(), 2);
        assert!(peers.get::<dyn Greeter>().is_none(), "added handles are not the registered one");
    }
}
