//! TagQueue, UntagQueue, ListQueueTags.

use ferrostack_runtime as rt;
use sqs_api::types::*;

use crate::error::SqsError;
use crate::Handler;

impl Handler {
    pub(crate) fn tag_queue_now(&self, ctx: &rt::RequestContext, input: TagQueueRequest) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            queue.tags.extend(input.tags);
            Ok(())
        })
    }

    pub(crate) fn untag_queue_now(&self, ctx: &rt::RequestContext, input: UntagQueueRequest) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            for key in &input.tag_keys {
                queue.tags.shift_remove(key);
            }
            Ok(())
        })
    }

    pub(crate) fn list_queue_tags_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListQueueTagsRequest,
    ) -> Result<ListQueueTagsResult, SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            // AWS leaves `Tags` out when a queue has none.
            Ok(ListQueueTagsResult { tags: (!queue.tags.is_empty()).then(|| queue.tags.clone()) })
        })
    }
}
