//! Queue lifecycle and configuration: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue,
//! PurgeQueue, GetQueueAttributes, SetQueueAttributes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ferrostack_runtime as rt;
use ferrostack_store::lock;
use sqs_api::types::*;

use crate::attributes::{self as attr, QueueSettings};
use crate::clock::now_millis;
use crate::error::SqsError;
use crate::queue::Queue;
use crate::queue_url::queue_url;
use crate::{queue_does_not_exist, queue_name, redrive, Handler};

/// ListQueues' page size when the caller does not ask for pagination.
const MAX_LIST_RESULTS: usize = 1_000;

impl Handler {
    pub(crate) fn create_queue_now(
        &self,
        ctx: &rt::RequestContext,
        input: CreateQueueRequest,
    ) -> Result<CreateQueueResult, SqsError> {
        let requested = input.attributes.unwrap_or_default();
        let fifo = attr::requested_fifo(&input.queue_name, requested.get(attr::FIFO_QUEUE).map(String::as_str))?;
        queue_name::validate(&input.queue_name, fifo)?;
        let mut settings = QueueSettings::defaults(fifo);
        for (name, value) in &requested {
            settings.apply(name, value)?;
        }

        let now = now_millis();
        let scope = self.regions.scope(ctx);
        let mut state = lock(&scope);
        if let Some(existing) = state.queues.get(&input.queue_name) {
            // Idempotent when every attribute the request names matches; attributes it
            // leaves out are not compared.
            if let Some(name) = requested.keys().find(|name| existing.settings.render(name) != settings.render(name)) {
                return Err(SqsError::QueueNameExists(format!(
                    "A queue already exists with the same name and a different value for attribute {name}"
                )));
            }
            return Ok(CreateQueueResult { queue_url: Some(queue_url(ctx, &existing.account_id, &existing.name)) });
        }
        if let (Some(delay), Some(deleted_at)) = (self.config.recreate_delay, state.deleted_at.get(&input.queue_name)) {
            if now < deleted_at + delay.as_millis() as i64 {
                return Err(SqsError::QueueDeletedRecently(format!(
                    "You must wait {} seconds after deleting a queue before you can create another with the same name.",
                    delay.as_secs()
                )));
            }
        }
        let queue =
            Queue::new(&input.queue_name, &ctx.account_id, &ctx.region, settings, input.tags.unwrap_or_default(), now);
        if let Some(policy) = &queue.settings.redrive_policy {
            redrive::check_target(&state, &queue.arn, queue.settings.is_fifo(), policy)?;
        }
        let url = queue_url(ctx, &queue.account_id, &queue.name);
        state.queues.insert(input.queue_name, queue);
        Ok(CreateQueueResult { queue_url: Some(url) })
    }

    pub(crate) fn get_queue_url_now(
        &self,
        ctx: &rt::RequestContext,
        input: GetQueueUrlRequest,
    ) -> Result<GetQueueUrlResult, SqsError> {
        let account_id = input.queue_owner_aws_account_id.as_deref().unwrap_or(&ctx.account_id);
        let scope = self.regions.scope_of(account_id, &ctx.region);
        let state = lock(&scope);
        let queue = state.queue(&input.queue_name, || queue_does_not_exist(ctx))?;
        Ok(GetQueueUrlResult { queue_url: Some(queue_url(ctx, &queue.account_id, &queue.name)) })
    }

    pub(crate) fn list_queues_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListQueuesRequest,
    ) -> Result<ListQueuesResult, SqsError> {
        let page_size = match input.max_results {
            None => MAX_LIST_RESULTS,
            Some(n) if (1..=MAX_LIST_RESULTS as i32).contains(&n) => n as usize,
            Some(_) => return Err(SqsError::invalid_parameter_value(
                "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.",
            )),
        };
        let start_after = input.next_token.as_deref().map(decode_list_token).transpose()?;
        let prefix = input.queue_name_prefix.as_deref().unwrap_or("");

        let scope = self.regions.scope(ctx);
        let state = lock(&scope);
        let mut matching = state
            .queues
            .values()
            .filter(|q| q.name.starts_with(prefix))
            .filter(|q| start_after.as_deref().is_none_or(|after| q.name.as_str() > after));
        let page: Vec<&Queue> = matching.by_ref().take(page_size).collect();
        // Tokens are only handed out to callers that paginate.
        let next_token = match (input.max_results, matching.next(), page.last()) {
            (Some(_), Some(_), Some(last)) => Some(URL_SAFE_NO_PAD.encode(&last.name)),
            _ => None,
        };
        let urls: Vec<String> = page.iter().map(|q| queue_url(ctx, &q.account_id, &q.name)).collect();
        Ok(ListQueuesResult { queue_urls: (!urls.is_empty()).then_some(urls), next_token })
    }

    pub(crate) fn delete_queue_now(&self, ctx: &rt::RequestContext, input: DeleteQueueRequest) -> Result<(), SqsError> {
        let (scope, name) = self.locate(ctx, &input.queue_url)?;
        let mut state = lock(&scope);
        let queue = state.queues.remove(name).ok_or_else(|| queue_does_not_exist(ctx))?;
        // Long pollers on the queue return now instead of at the end of their wait.
        queue.wake_waiters();
        state.deleted_at.insert(name.to_owned(), now_millis());
        Ok(())
    }

    pub(crate) fn purge_queue_now(&self, ctx: &rt::RequestContext, input: PurgeQueueRequest) -> Result<(), SqsError> {
        let purge_interval = self.config.purge_interval;
        self.with_queue(ctx, &input.queue_url, |queue| {
            let now = now_millis();
            if let (Some(interval), Some(last)) = (purge_interval, queue.last_purged_at) {
                if now < last + interval.as_millis() as i64 {
                    return Err(SqsError::PurgeQueueInProgress(format!(
                        "Only one PurgeQueue operation on {} is allowed every {} seconds.",
                        queue.name,
                        interval.as_secs()
                    )));
                }
            }
            queue.purge(now);
            Ok(())
        })
    }

    pub(crate) fn get_queue_attributes_now(
        &self,
        ctx: &rt::RequestContext,
        input: GetQueueAttributesRequest,
    ) -> Result<GetQueueAttributesResult, SqsError> {
        let requested: Vec<String> =
            input.attribute_names.unwrap_or_default().iter().map(|n| n.as_str().to_owned()).collect();
        self.with_queue(ctx, &input.queue_url, |queue| {
            let unknown_here = |n: &str| {
                n != attr::ALL
                    && (!attr::is_known(n) || (!queue.settings.is_fifo() && attr::unknown_to_standard_queues(n)))
            };
            if let Some(unknown) = requested.iter().find(|n| unknown_here(n)) {
                return Err(SqsError::InvalidAttributeName(format!("Unknown Attribute {unknown}.")));
            }
            let names: Vec<&str> = if requested.iter().any(|n| n == attr::ALL) {
                attr::ALL_IN_ORDER.to_vec()
            } else {
                requested.iter().map(String::as_str).collect()
            };
            let now = now_millis();
            let mut attributes = rt::IndexMap::new();
            for name in names {
                if let Some(value) = queue.attribute(name, now) {
                    attributes.insert(name.to_owned(), value);
                }
            }
            Ok(GetQueueAttributesResult { attributes: (!attributes.is_empty()).then_some(attributes) })
        })
    }

    pub(crate) fn set_queue_attributes_now(
        &self,
        ctx: &rt::RequestContext,
        input: SetQueueAttributesRequest,
    ) -> Result<(), SqsError> {
        let (scope, name) = self.locate(ctx, &input.queue_url)?;
        let mut state = lock(&scope);
        let queue = state.queue(name, || queue_does_not_exist(ctx))?;
        // All or nothing: a bad attribute leaves the queue as it was.
        let mut settings = queue.settings.clone();
        for (attribute, value) in &input.attributes {
            settings.apply(attribute, value)?;
        }
        if let Some(policy) =
            settings.redrive_policy.as_ref().filter(|p| Some(*p) != queue.settings.redrive_policy.as_ref())
        {
            redrive::check_target(&state, &queue.arn, settings.is_fifo(), policy)?;
        }
        let queue = state.queue_mut(name, || queue_does_not_exist(ctx))?;
        queue.settings = settings;
        queue.last_modified_at = now_millis();
        Ok(())
    }

    pub(crate) fn list_dead_letter_source_queues_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListDeadLetterSourceQueuesRequest,
    ) -> Result<ListDeadLetterSourceQueuesResult, SqsError> {
        let page_size = match input.max_results {
            None => MAX_LIST_RESULTS,
            Some(n) if (1..=MAX_LIST_RESULTS as i32).contains(&n) => n as usize,
            Some(_) => return Err(SqsError::invalid_parameter_value(
                "Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.",
            )),
        };
        let start_after = input.next_token.as_deref().map(decode_list_token).transpose()?;
        let (scope, name) = self.locate(ctx, &input.queue_url)?;
        let state = lock(&scope);
        let queue = state.queue(name, || queue_does_not_exist(ctx))?;
        let mut sources = redrive::sources_of(&state, &queue.arn)
            .filter(|q| start_after.as_deref().is_none_or(|after| q.name.as_str() > after));
        let page: Vec<&Queue> = sources.by_ref().take(page_size).collect();
        let next_token = match (input.max_results, sources.next(), page.last()) {
            (Some(_), Some(_), Some(last)) => Some(URL_SAFE_NO_PAD.encode(&last.name)),
            _ => None,
        };
        let queue_urls = page.iter().map(|q| queue_url(ctx, &q.account_id, &q.name)).collect();
        Ok(ListDeadLetterSourceQueuesResult { queue_urls, next_token })
    }
}

/// ListQueues tokens carry the last name of the previous page, so a page boundary survives
/// queues being created or deleted between calls.
fn decode_list_token(token: &str) -> Result<String, SqsError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| SqsError::invalid_parameter_value("Invalid NextToken value."))
}
