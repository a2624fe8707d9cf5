//! The open connections, so that a stop can ask each to finish its request and close.
//!
//! hyper-util's `GracefulShutdown` does the same through a watch channel that every
//! connection polls again on each of its wake-ups, a few hundred instructions per request.
//! Here a connection leaves its task's waker once, on its first poll, and afterwards only
//! reads one flag; a stop sets the flag and wakes them all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Waker};

use tokio::sync::Notify;

/// Every connection the server has accepted and not yet dropped.
#[derive(Default)]
pub struct Connections {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    stopping: AtomicBool,
    /// A connection's task waker, from its first poll on; `None` before that.
    open: Mutex<Open>,
    /// Told when the last connection goes after a stop began.
    all_closed: Notify,
}

#[derive(Default)]
struct Open {
    wakers: HashMap<u64, Option<Waker>>,
    next_id: u64,
}

impl Shared {
    fn open(&self) -> MutexGuard<'_, Open> {
        // A panic while holding the lock leaves the map itself intact.
        self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Connections {
    /// Counts a newly accepted connection; it is no longer counted once the returned
    /// watch is dropped.
    pub fn watch(&self) -> Watch {
        let mut open = self.shared.open();
        let id = open.next_id;
        open.next_id += 1;
        open.wakers.insert(id, None);
        Watch { shared: self.shared.clone(), id, registered: false, asked: false }
    }

    pub fn count(&self) -> usize {
        self.shared.open().wakers.len()
    }

    /// Asks every connection, open now or accepted later, to finish and close, and
    /// completes once all of them have been dropped.
    pub async fn shutdown(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        for waker in self.shared.open().wakers.values().flatten() {
            waker.wake_by_ref();
        }
        loop {
            // A permit left by a drop between this check and the wait is kept by `Notify`.
            let notified = self.shared.all_closed.notified();
            if self.shared.open().wakers.is_empty() {
                return;
            }
            notified.await;
        }
    }
}

/// One connection's place among the open ones.
pub struct Watch {
    shared: Arc<Shared>,
    id: u64,
    registered: bool,
    asked: bool,
}

impl Watch {
    /// To be called at the start of each poll of the connection, from the task that owns
    /// it (whose waker stays the same from poll to poll). Runs `stop` once, on the first
    /// poll after a stop began.
    pub fn check(&mut self, cx: &Context<'_>, stop: impl FnOnce()) {
        if self.asked {
            return;
        }
        if !self.registered {
            // Left before the flag is read: a stop that comes later will find the waker,
            // and one that came earlier has already set the flag.
            if let Some(slot) = self.shared.open().wakers.get_mut(&self.id) {
                *slot = Some(cx.waker().clone());
            }
            self.registered = true;
        }
        if self.shared.stopping.load(Ordering::SeqCst) {
            self.asked = true;
            stop();
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let mut open = self.shared.open();
        open.wakers.remove(&self.id);
        if open.wakers.is_empty() && self.shared.stopping.load(Ordering::SeqCst) {
            self.shared.all_closed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::{poll_fn, Future};
    use std::task::Poll;
    use std::time::Duration;

    /// A connection that ends only when asked to stop.
    fn connection(connections: &Connections) -> impl Future<Output = ()> + Send + 'static {
        let mut watch = connections.watch();
        let mut stop_asked = false;
        poll_fn(move |cx| {
            watch.check(cx, || stop_asked = true);
            if stop_asked {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
    }

    #[tokio::test]
    async fn a_stop_reaches_connections_polled_before_and_after_it() {
        let connections = Connections::default();
        let early = tokio::spawn(connection(&connections));
        tokio::task::yield_now().await; // `early` has been polled and is waiting
        let late = connection(&connections); // accepted, not yet polled
        assert_eq!(connections.count(), 2);
        let stopped = tokio::time::timeout(Duration::from_secs(5), async {
            let late = tokio::spawn(late);
            connections.shutdown().await;
            early.await.unwrap();
            late.await.unwrap();
        });
        stopped.await.expect("every connection stopped");
        assert_eq!(connections.count(), 0);
    }

    #[tokio::test]
    async fn shutdown_with_nothing_open_returns_at_once() {
        let connections = Connections::default();
        tokio::time::timeout(Duration::from_secs(1), connections.shutdown()).await.unwrap();
    }
}
