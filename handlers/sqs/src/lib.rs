//! Behaviour of `sqs` (AmazonSQS): queues, their attributes and tags, and messages with
//! visibility timeouts, delays and long polling. Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! State is one [`RegionState`] per account and region. Each operation takes that lock
//! once, briefly, and never across an await; ReceiveMessage's long poll waits outside it
//! on the queue's change notification (see `ops::receive`).

mod attributes;
mod batch;
mod clock;
mod config;
mod content;
mod error;
mod fifo;
mod md5;
mod message;
mod message_attributes;
mod move_tasks;
mod ops;
mod permissions;
mod queue;
mod queue_name;
mod queue_url;
mod receipt;
mod redrive;
mod state;

use std::sync::{Arc, Mutex};

use ferrostack_runtime as rt;
use ferrostack_store::{lock, RegionalStore};
use sqs_api::error::*;
use sqs_api::types::*;

pub use config::Config;
use error::SqsError;
use queue::Queue;
use state::RegionState;

pub struct Handler {
    regions: RegionalStore<RegionState>,
    config: Config,
}

impl Default for Handler {
    fn default() -> Self {
        Handler::new(Config::default())
    }
}

impl Handler {
    pub fn new(config: Config) -> Handler {
        Handler { regions: RegionalStore::default(), config }
    }

    /// The state holding the queue `queue_url` names, and the queue's name. The URL's
    /// account decides where to look, so queues of other accounts are reachable by URL.
    fn locate<'u>(
        &self,
        ctx: &rt::RequestContext,
        queue_url: &'u str,
    ) -> Result<(Arc<Mutex<RegionState>>, &'u str), SqsError> {
        let address = queue_url::parse_queue_url(queue_url)?;
        Ok((self.regions.scope_of(address.account_id, &ctx.region), address.name))
    }

    /// Runs `f` on the queue `queue_url` names, under its region's lock.
    fn with_queue<R>(
        &self,
        ctx: &rt::RequestContext,
        queue_url: &str,
        f: impl FnOnce(&mut Queue) -> Result<R, SqsError>,
    ) -> Result<R, SqsError> {
        let (scope, name) = self.locate(ctx, queue_url)?;
        let mut state = lock(&scope);
        let queue = state.queue_mut(name, || queue_does_not_exist(ctx))?;
        f(queue)
    }
}

/// AWS words this differently for the query protocol.
fn queue_does_not_exist(ctx: &rt::RequestContext) -> SqsError {
    let message = match ctx.protocol {
        rt::Protocol::AwsQuery => "The specified queue does not exist for this wsdl version.",
        _ => "The specified queue does not exist.",
    };
    SqsError::QueueDoesNotExist(message.to_owned())
}

#[rt::async_trait]
impl sqs_api::Handler for Handler {
    async fn create_queue(
        &self,
        ctx: &rt::RequestContext,
        input: CreateQueueRequest,
    ) -> Result<CreateQueueResult, CreateQueueError> {
        Ok(self.create_queue_now(ctx, input)?)
    }

    async fn get_queue_url(
        &self,
        ctx: &rt::RequestContext,
        input: GetQueueUrlRequest,
    ) -> Result<GetQueueUrlResult, GetQueueUrlError> {
        Ok(self.get_queue_url_now(ctx, input)?)
    }

    async fn list_queues(
        &self,
        ctx: &rt::RequestContext,
        input: ListQueuesRequest,
    ) -> Result<ListQueuesResult, ListQueuesError> {
        Ok(self.list_queues_now(ctx, input)?)
    }

    async fn delete_queue(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteQueueRequest,
    ) -> Result<rt::Unit, DeleteQueueError> {
        self.delete_queue_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn purge_queue(
        &self,
        ctx: &rt::RequestContext,
        input: PurgeQueueRequest,
    ) -> Result<rt::Unit, PurgeQueueError> {
        self.purge_queue_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn get_queue_attributes(
        &self,
        ctx: &rt::RequestContext,
        input: GetQueueAttributesRequest,
    ) -> Result<GetQueueAttributesResult, GetQueueAttributesError> {
        Ok(self.get_queue_attributes_now(ctx, input)?)
    }

    async fn set_queue_attributes(
        &self,
        ctx: &rt::RequestContext,
        input: SetQueueAttributesRequest,
    ) -> Result<rt::Unit, SetQueueAttributesError> {
        self.set_queue_attributes_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn send_message(
        &self,
        ctx: &rt::RequestContext,
        input: SendMessageRequest,
    ) -> Result<SendMessageResult, SendMessageError> {
        Ok(self.send_message_now(ctx, input)?)
    }

    async fn send_message_batch(
        &self,
        ctx: &rt::RequestContext,
        input: SendMessageBatchRequest,
    ) -> Result<SendMessageBatchResult, SendMessageBatchError> {
        Ok(self.send_message_batch_now(ctx, input)?)
    }

    async fn receive_message(
        &self,
        ctx: &rt::RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        Ok(self.receive_message_polling(ctx, input).await?)
    }

    async fn delete_message(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteMessageRequest,
    ) -> Result<rt::Unit, DeleteMessageError> {
        self.delete_message_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn delete_message_batch(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteMessageBatchRequest,
    ) -> Result<DeleteMessageBatchResult, DeleteMessageBatchError> {
        Ok(self.delete_message_batch_now(ctx, input)?)
    }

    async fn change_message_visibility(
        &self,
        ctx: &rt::RequestContext,
        input: ChangeMessageVisibilityRequest,
    ) -> Result<rt::Unit, ChangeMessageVisibilityError> {
        self.change_message_visibility_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn change_message_visibility_batch(
        &self,
        ctx: &rt::RequestContext,
        input: ChangeMessageVisibilityBatchRequest,
    ) -> Result<ChangeMessageVisibilityBatchResult, ChangeMessageVisibilityBatchError> {
        Ok(self.change_message_visibility_batch_now(ctx, input)?)
    }

    async fn tag_queue(&self, ctx: &rt::RequestContext, input: TagQueueRequest) -> Result<rt::Unit, TagQueueError> {
        self.tag_queue_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn untag_queue(
        &self,
        ctx: &rt::RequestContext,
        input: UntagQueueRequest,
    ) -> Result<rt::Unit, UntagQueueError> {
        self.untag_queue_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn list_queue_tags(
        &self,
        ctx: &rt::RequestContext,
        input: ListQueueTagsRequest,
    ) -> Result<ListQueueTagsResult, ListQueueTagsError> {
        Ok(self.list_queue_tags_now(ctx, input)?)
    }

    async fn list_dead_letter_source_queues(
        &self,
        ctx: &rt::RequestContext,
        input: ListDeadLetterSourceQueuesRequest,
    ) -> Result<ListDeadLetterSourceQueuesResult, ListDeadLetterSourceQueuesError> {
        Ok(self.list_dead_letter_source_queues_now(ctx, input)?)
    }

    async fn add_permission(
        &self,
        ctx: &rt::RequestContext,
        input: AddPermissionRequest,
    ) -> Result<rt::Unit, AddPermissionError> {
        self.add_permission_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn remove_permission(
        &self,
        ctx: &rt::RequestContext,
        input: RemovePermissionRequest,
    ) -> Result<rt::Unit, RemovePermissionError> {
        self.remove_permission_now(ctx, input)?;
        Ok(rt::Unit)
    }

    async fn start_message_move_task(
        &self,
        _ctx: &rt::RequestContext,
        input: StartMessageMoveTaskRequest,
    ) -> Result<StartMessageMoveTaskResult, StartMessageMoveTaskError> {
        Ok(self.start_message_move_task_now(input)?)
    }

    async fn list_message_move_tasks(
        &self,
        _ctx: &rt::RequestContext,
        input: ListMessageMoveTasksRequest,
    ) -> Result<ListMessageMoveTasksResult, ListMessageMoveTasksError> {
        Ok(self.list_message_move_tasks_now(input)?)
    }

    async fn cancel_message_move_task(
        &self,
        _ctx: &rt::RequestContext,
        input: CancelMessageMoveTaskRequest,
    ) -> Result<CancelMessageMoveTaskResult, CancelMessageMoveTaskError> {
        Ok(self.cancel_message_move_task_now(input)?)
    }

    fn reset(&self) {
        // Long pollers hold only the queue's notifier; wake them so they find their queue
        // gone and return, rather than sleeping out their wait on dropped state.
        for (_, scope) in self.regions.all() {
            for queue in lock(&scope).queues.values() {
                queue.wake_waiters();
            }
        }
        self.regions.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::new(Config::from_env()));
    peers.register::<dyn sqs_api::Handler>(handler.clone());
    sqs_api::service(handler)
}
