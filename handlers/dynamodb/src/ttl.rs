//! The TTL reaper: a background task that deletes items whose TTL attribute (a Number of
//! epoch seconds) lies in the past, as DynamoDB's TTL process does. Deletions go through the
//! normal write path, so indexes follow and streams get a REMOVE record marked as made by
//! the service. Like AWS, values more than five years in the past are ignored, as are
//! non-numbers.

use std::sync::Arc;
use std::time::Duration;

use ferrostack_runtime as rt;
use ferrostack_store::{lock, RegionalStore};

use crate::item::Item;
use crate::state::Tables;
use crate::write;

/// How often the reaper looks (AWS gives no promise beyond "within a few days").
pub const INTERVAL: Duration = Duration::from_secs(2);
const FIVE_YEARS_SECS: i64 = 5 * 365 * 24 * 3600;

/// Deletes every expired item of every table; returns how many.
pub fn reap(tables: &mut Tables, now_secs: i64) -> usize {
    let names: Vec<String> =
        tables.by_name.values().filter(|t| t.items.ttl.is_some()).map(|t| t.name.clone()).collect();
    let mut deleted = 0;
    for name in names {
        let Some((table, mut log)) = tables.table_and_stream(&name) else { continue };
        for skey in table.items.expired(now_secs - FIVE_YEARS_SECS, now_secs) {
            let Some(old) = table.items.get_raw(&skey) else { continue };
            let key: Item = table.items.key.key_of(&old);
            write::commit(table, log.as_deref_mut(), &key, Some(old), None, true);
            deleted += 1;
        }
    }
    deleted
}

/// Starts the reaper on the current tokio runtime, if there is one.
pub fn spawn(store: Arc<RegionalStore<Tables>>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let weak = Arc::downgrade(&store);
    drop(store);
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(INTERVAL).await;
            let Some(store) = weak.upgrade() else { return };
            let now = rt::DateTime::now().as_millis() / 1000;
            for (_, scope) in store.all() {
                reap(&mut lock(&scope), now);
            }
        }
    });
}
