//! Delivery of published messages to subscribers, off the request path.
//!
//! Publish queues one [`Job`] per matching subscription on a channel; a single worker task
//! takes them in order. SQS deliveries run inline in that worker: they are in-process calls
//! of microseconds, and running them in order keeps FIFO topics FIFO. HTTP and Lambda
//! deliveries (which wait on the network or a function) each get a task of their own, so
//! a slow endpoint never holds up the queue. A delivery that fails for good goes to the
//! subscription's dead-letter queue when its RedrivePolicy names one.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use rt::IndexMap;
use tokio::sync::mpsc;

use crate::arn;
use crate::envelope::{self, Notification};
use crate::http_client;

/// Where and how one subscription receives one message.
#[derive(Debug, Clone)]
pub struct Target {
    pub subscription_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub raw: bool,
    /// The message text for this protocol (MessageStructure=json picks per protocol).
    pub message: String,
    pub dead_letter_arn: Option<String>,
    pub http_retries: u32,
}

pub enum Job {
    Deliver {
        notification: Arc<Notification>,
        target: Target,
        endpoint: Arc<rt::Endpoint>,
    },
    /// A handshake POST (SubscriptionConfirmation, UnsubscribeConfirmation) to an HTTP/S
    /// subscriber.
    Handshake {
        kind: envelope::Handshake,
        url: String,
        topic_arn: String,
        subscription_arn: String,
        message_id: String,
        body: String,
    },
}

pub struct Dispatcher {
    peers: Arc<Peers>,
    sender: OnceLock<mpsc::UnboundedSender<Job>>,
}

impl Dispatcher {
    pub fn new(peers: Arc<Peers>) -> Dispatcher {
        Dispatcher { peers, sender: OnceLock::new() }
    }

    /// Queues `job`; the worker starts on first use, inside the server's runtime.
    pub fn send(&self, job: Job) {
        if tokio::runtime::Handle::try_current().is_err() {
            tracing::warn!("sns: no async runtime, delivery dropped");
            return;
        }
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(worker(rx, self.peers.clone()));
            tx
        });
        if sender.send(job).is_err() {
            tracing::warn!("sns: delivery worker gone, delivery dropped");
        }
    }
}

async fn worker(mut jobs: mpsc::UnboundedReceiver<Job>, peers: Arc<Peers>) {
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Deliver { notification, target, endpoint } if target.protocol == "sqs" => {
                deliver(&peers, &notification, &target, &endpoint).await;
            }
            Job::Deliver { notification, target, endpoint } => {
                let peers = peers.clone();
                tokio::spawn(async move { deliver(&peers, &notification, &target, &endpoint).await });
            }
            Job::Handshake { kind, url, topic_arn, subscription_arn, message_id, body } => {
                tokio::spawn(async move {
                    let headers = sns_headers(kind.as_str(), &message_id, &topic_arn, None);
                    match http_client::post(&url, &headers, &body).await {
                        Ok(status) if (200..300).contains(&status) => {}
                        Ok(status) => {
                            tracing::info!(%subscription_arn, status, kind = kind.as_str(), "sns: handshake refused")
                        }
                        Err(e) => {
                            tracing::info!(%subscription_arn, error = %e, kind = kind.as_str(), "sns: handshake not delivered")
                        }
                    }
                });
            }
        }
    }
}

/// Delivers one message, then redrives it to the dead-letter queue if that failed.
async fn deliver(peers: &Peers, n: &Notification, target: &Target, endpoint: &rt::Endpoint) {
    let result = match target.protocol.as_str() {
        "sqs" => {
            let (body, attributes) = sqs_body(n, target, endpoint);
            send_to_queue(peers, &target.endpoint, body, attributes, n, endpoint).await
        }
        "http" | "https" => deliver_http(n, target, endpoint).await,
        "lambda" => invoke_lambda(peers, n, target, endpoint).await,
        other => Err(format!("no {other} service to deliver to in this emulator")),
    };
    let Err(error) = result else { return };
    tracing::info!(subscription = %target.subscription_arn, error = %error, "sns: delivery failed");
    if let Some(dlq) = &target.dead_letter_arn {
        let (body, attributes) = sqs_body(n, target, endpoint);
        if let Err(e) = send_to_queue(peers, dlq, body, attributes, n, endpoint).await {
            tracing::warn!(subscription = %target.subscription_arn, dlq = %dlq, error = %e, "sns: redrive to dead-letter queue failed");
        }
    }
}

/// What an SQS queue receives: the envelope, or with raw delivery the bare message and the
/// message attributes as SQS attributes.
fn sqs_body(
    n: &Notification,
    target: &Target,
    endpoint: &rt::Endpoint,
) -> (String, Option<IndexMap<String, sqs_api::types::MessageAttributeValue>>) {
    if !target.raw {
        return (envelope::notification(n, &target.message, &target.subscription_arn, endpoint), None);
    }
    let attributes: IndexMap<_, _> = n
        .attributes
        .iter()
        .map(|(name, a)| {
            let value = sqs_api::types::MessageAttributeValue {
                string_value: a.string_value.clone(),
                binary_value: a.binary_value.clone(),
                string_list_values: None,
                binary_list_values: None,
                data_type: a.data_type.clone(),
            };
            (name.clone(), value)
        })
        .collect();
    (target.message.clone(), Some(attributes).filter(|a| !a.is_empty()))
}

async fn send_to_queue(
    peers: &Peers,
    queue_arn: &str,
    body: String,
    attributes: Option<IndexMap<String, sqs_api::types::MessageAttributeValue>>,
    n: &Notification,
    endpoint: &rt::Endpoint,
) -> Result<(), String> {
    let queue = arn::sqs_queue(queue_arn).ok_or_else(|| format!("not an SQS queue ARN: {queue_arn}"))?;
    let sqs = peers.get::<dyn sqs_api::Handler>().ok_or("SQS is not served")?;
    let mut ctx = rt::RequestContext::internal(&queue.account, &queue.region);
    ctx.endpoint = Arc::new(endpoint.clone());
    let fifo_queue = queue.resource.ends_with(".fifo");
    let input = sqs_api::types::SendMessageRequest {
        queue_url: format!("{}/{}/{}", endpoint.url(), queue.account, queue.resource),
        message_body: body,
        delay_seconds: None,
        message_attributes: attributes,
        message_system_attributes: None,
        message_deduplication_id: n.deduplication_id.clone().filter(|_| fifo_queue),
        message_group_id: n.group_id.clone().filter(|_| fifo_queue),
    };
    sqs.send_message(&ctx, input).await.map(|_| ()).map_err(|e| format!("{e:?}"))
}

fn sns_headers(
    kind: &str,
    message_id: &str,
    topic_arn: &str,
    subscription_arn: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("Content-Type", "text/plain; charset=UTF-8".to_owned()),
        ("User-Agent", "Amazon Simple Notification Service Agent".to_owned()),
        ("x-amz-sns-message-type", kind.to_owned()),
        ("x-amz-sns-message-id", message_id.to_owned()),
        ("x-amz-sns-topic-arn", topic_arn.to_owned()),
    ];
    if let Some(arn) = subscription_arn {
        headers.push(("x-amz-sns-subscription-arn", arn.to_owned()));
    }
    headers
}

/// A POST (HTTP or HTTPS), retried `http_retries` times on errors and non-2xx answers. AWS spaces its
/// retries by the delivery policy (20 s by default); here they follow quickly, so tests
/// and local loops see the outcome in well under a second.
async fn deliver_http(n: &Notification, target: &Target, endpoint: &rt::Endpoint) -> Result<(), String> {
    let mut headers = sns_headers("Notification", &n.message_id, &n.topic_arn, Some(&target.subscription_arn));
    let body = if target.raw {
        headers.push(("x-amz-sns-rawdelivery", "true".to_owned()));
        target.message.clone()
    } else {
        envelope::notification(n, &target.message, &target.subscription_arn, endpoint)
    };
    let mut last = String::new();
    for attempt in 0..=target.http_retries {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt.min(10)))).await;
        }
        match http_client::post(&target.endpoint, &headers, &body).await {
            Ok(status) if (200..300).contains(&status) => return Ok(()),
            Ok(status) => last = format!("HTTP status {status}"),
            // Refused connections and failed TLS handshakes (an untrusted certificate
            // included) are failed attempts like any other: retried, then redriven.
            Err(e) => last = e,
        }
    }
    Err(last)
}

async fn invoke_lambda(
    peers: &Peers,
    n: &Notification,
    target: &Target,
    endpoint: &rt::Endpoint,
) -> Result<(), String> {
    let lambda = peers.get::<dyn lambda_api::Handler>().ok_or("Lambda is not served")?;
    let function = arn::Arn::parse(&target.endpoint).ok_or("not a Lambda ARN")?;
    let ctx = rt::RequestContext::internal(&function.account, &function.region);
    let payload = envelope::lambda_event(n, &target.message, &target.subscription_arn, endpoint);
    let input = lambda_api::types::InvocationRequest {
        function_name: target.endpoint.clone(),
        invocation_type: Some(lambda_api::types::InvocationType::Event),
        log_type: None,
        client_context: None,
        payload: Some(rt::Bytes::from(payload)),
        qualifier: None,
    };
    let response = lambda.invoke(&ctx, input).await.map_err(|e| format!("{e:?}"))?;
    match response.function_error {
        Some(error) => Err(format!("function error: {error}")),
        None => Ok(()),
    }
}
