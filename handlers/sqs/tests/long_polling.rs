//! Long polling and concurrent consumers.

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use sqs_api::types::*;
use sqs_api::Handler as _;

fn long_poll(queue_url: &str, wait_seconds: i32) -> ReceiveMessageRequest {
    ReceiveMessageRequest { wait_time_seconds: Some(wait_seconds), ..receive_request(queue_url, 10) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_poll_wakes_on_send() {
    let h = Arc::new(Handler::default());
    let url = create(&h, "wake", &[]).await;
    let started = Instant::now();
    let waiter = {
        let (h, url) = (h.clone(), url.clone());
        tokio::spawn(async move { receive(&h, long_poll(&url, 10)).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    send(&h, &url, "ping").await;
    let got = tokio::time::timeout(Duration::from_secs(3), waiter).await.expect("woken, not timed out").unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body.as_deref(), Some("ping"));
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn long_poll_waits_out_its_time_on_an_empty_queue() {
    let h = Handler::default();
    let url = create(&h, "empty", &[]).await;
    let started = Instant::now();
    assert!(receive(&h, long_poll(&url, 1)).await.is_empty());
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950) && waited < Duration::from_secs(3), "{waited:?}");

    // Short polling answers at once.
    let started = Instant::now();
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn queue_wait_time_applies_when_the_call_names_none() {
    let h = Handler::default();
    let url = create(&h, "queue-wait", &[("ReceiveMessageWaitTimeSeconds", "1")]).await;
    let started = Instant::now();
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(950));
    // WaitTimeSeconds=0 overrides it.
    let started = Instant::now();
    assert!(receive(&h, long_poll(&url, 0)).await.is_empty());
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[tokio::test]
async fn long_poll_wakes_when_a_delayed_message_comes_due() {
    let h = Handler::default();
    let url = create(&h, "due", &[]).await;
    let delayed = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "soon".into(),
        delay_seconds: Some(1),
        ..Default::default()
    };
    h.send_message(&ctx(), delayed).await.unwrap();
    let started = Instant::now();
    let got = receive(&h, long_poll(&url, 10)).await;
    assert_eq!(got.len(), 1);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(3), "{waited:?}");
}

#[tokio::test]
async fn long_poll_wakes_when_a_visibility_timeout_ends() {
    let h = Handler::default();
    let url = create(&h, "reappear", &[]).await;
    send(&h, &url, "again").await;
    let input = ReceiveMessageRequest { visibility_timeout: Some(1), ..receive_request(&url, 1) };
    assert_eq!(receive(&h, input).await.len(), 1);
    let started = Instant::now();
    let got = receive(&h, long_poll(&url, 10)).await;
    assert_eq!(got.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_poll_wakes_on_visibility_reset() {
    let h = Arc::new(Handler::default());
    let url = create(&h, "reset-vis", &[]).await;
    send(&h, &url, "m").await;
    let handle = receive(&h, receive_request(&url, 1)).await[0].receipt_handle.clone().unwrap();
    let waiter = {
        let (h, url) = (h.clone(), url.clone());
        tokio::spawn(async move { receive(&h, long_poll(&url, 10)).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let change = ChangeMessageVisibilityRequest { queue_url: url, receipt_handle: handle, visibility_timeout: 0 };
    h.change_message_visibility(&ctx(), change).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(3), waiter).await.expect("woken").unwrap();
    assert_eq!(got.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn long_poll_returns_when_the_queue_is_deleted() {
    let h = Arc::new(Handler::default());
    let url = create(&h, "doomed", &[]).await;
    let waiter = {
        let (h, url) = (h.clone(), url.clone());
        tokio::spawn(async move { h.receive_message(&ctx(), long_poll(&url, 20)).await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    h.delete_queue(&ctx(), DeleteQueueRequest { queue_url: url.clone() }).await.unwrap();
    // A new queue of the same name is not the one the poller was waiting on.
    create(&h, "doomed", &[]).await;
    send(&h, &url, "for the new queue").await;
    let result = tokio::time::timeout(Duration::from_secs(3), waiter).await.expect("woken").unwrap().unwrap();
    assert_eq!(result.messages, None);
    assert_eq!(receive(&h, receive_request(&url, 1)).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_message_wakes_many_pollers_but_reaches_one() {
    let h = Arc::new(Handler::default());
    let url = create(&h, "crowd", &[]).await;
    let pollers: Vec<_> = (0..5)
        .map(|_| {
            let (h, url) = (h.clone(), url.clone());
            tokio::spawn(async move { receive(&h, long_poll(&url, 2)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    send(&h, &url, "only one").await;
    let mut received = 0;
    for poller in pollers {
        received += poller.await.unwrap().len();
    }
    assert_eq!(received, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_consumers_never_share_a_message() {
    const MESSAGES: usize = 200;
    const CONSUMERS: usize = 8;
    let h = Arc::new(Handler::default());
    let url = create(&h, "shared", &[]).await;

    // Producers and consumers run at the same time.
    let producer = {
        let (h, url) = (h.clone(), url.clone());
        tokio::spawn(async move {
            for i in 0..MESSAGES {
                send(&h, &url, &format!("message {i}")).await;
                if i % 20 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        })
    };
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let (h, url) = (h.clone(), url.clone());
            tokio::spawn(async move {
                let mut ids = Vec::new();
                // The queue's 30-second visibility timeout outlasts the test, so a second
                // delivery of any message would be a bug.
                loop {
                    let got = receive(&h, long_poll(&url, 1)).await;
                    if got.is_empty() {
                        return ids;
                    }
                    ids.extend(got.into_iter().map(|m| m.message_id.unwrap()));
                }
            })
        })
        .collect();
    producer.await.unwrap();

    let mut all = Vec::new();
    for consumer in consumers {
        all.extend(consumer.await.unwrap());
    }
    let distinct: HashSet<&String> = all.iter().collect();
    assert_eq!(distinct.len(), all.len(), "a message was delivered twice");
    assert_eq!(all.len(), MESSAGES);
}
