//! Where handlers keep their state.
//!
//! AWS scopes almost every resource to an account and a region; [`RegionalStore`] holds
//! one state value per `(account, region)` pair and hands out a lock on it. Handlers
//! never reach around it, so persistence (snapshots of each state value) can be added
//! here later without rewriting them.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use fnv::FnvHashMap;

use ferrostack_runtime::RequestContext;

mod peers;
pub use peers::{AccessKeyAccounts, KeyStanding, Peers};

/// One account's states by region.
type Regions<T> = FnvHashMap<String, Arc<Mutex<T>>>;

/// An account id and a region.
pub type Scope = (String, String);

/// One `T` per account and region, created on first use.
pub struct RegionalStore<T> {
    /// account → region → state. Nested rather than keyed by a pair so that a lookup
    /// borrows the caller's strings instead of allocating a key on every request. FNV
    /// rather than SipHash: the keys are short, few and the caller's own, and every
    /// request hashes two of them.
    scopes: RwLock<FnvHashMap<String, Regions<T>>>,
}

impl<T: Default> Default for RegionalStore<T> {
    fn default() -> Self {
        RegionalStore { scopes: RwLock::new(FnvHashMap::default()) }
    }
}

impl<T: Default> RegionalStore<T> {
    /// The state of the caller's account and region.
    pub fn scope(&self, ctx: &RequestContext) -> Arc<Mutex<T>> {
        self.scope_of(&ctx.account_id, &ctx.region)
    }

    pub fn scope_of(&self, account: &str, region: &str) -> Arc<Mutex<T>> {
        if let Some(s) = self.scopes.read().unwrap_or_else(|e| e.into_inner()).get(account).and_then(|r| r.get(region))
        {
            return s.clone();
        }
        let mut scopes = self.scopes.write().unwrap_or_else(|e| e.into_inner());
        scopes.entry(account.to_owned()).or_default().entry(region.to_owned()).or_default().clone()
    }

    /// Runs `f` on the caller's state under its lock.
    pub fn with<R>(&self, ctx: &RequestContext, f: impl FnOnce(&mut T) -> R) -> R {
        let scope = self.scope(ctx);
        let mut guard = lock(&scope);
        f(&mut guard)
    }

    /// Every scope that exists, for background work (expiry, delivery).
    pub fn all(&self) -> Vec<(Scope, Arc<Mutex<T>>)> {
        let scopes = self.scopes.read().unwrap_or_else(|e| e.into_inner());
        let regions = scopes.iter().flat_map(|(account, regions)| regions.iter().map(move |r| (account, r)));
        regions.map(|(account, (region, state))| ((account.clone(), region.clone()), state.clone())).collect()
    }

    /// Drops all state.
    pub fn reset(&self) {
        self.scopes.write().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Locks a state value; a panic in another request never poisons the store for good.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// One `T` for the whole partition (S3 bucket names, for instance, are global).
pub struct GlobalStore<T> {
    state: Mutex<T>,
}

impl<T: Default> Default for GlobalStore<T> {
    fn default() -> Self {
        GlobalStore { state: Mutex::new(T::default()) }
    }
}

impl<T: Default> GlobalStore<T> {
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut lock(&self.state))
    }

    pub fn reset(&self) {
        *lock(&self.state) = T::default();
    }
}
