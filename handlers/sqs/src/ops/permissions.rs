//! AddPermission and RemovePermission, which edit the queue's stored Policy.

use ferrostack_runtime as rt;
use sqs_api::types::*;

use crate::clock::now_millis;
use crate::error::SqsError;
use crate::permissions::{self, Grant};
use crate::Handler;

impl Handler {
    pub(crate) fn add_permission_now(
        &self,
        ctx: &rt::RequestContext,
        input: AddPermissionRequest,
    ) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            let grant = Grant { label: &input.label, account_ids: &input.aws_account_ids, actions: &input.actions };
            let policy = permissions::add(queue.settings.policy.as_deref(), &queue.arn, grant)?;
            queue.settings.policy = Some(policy);
            queue.last_modified_at = now_millis();
            Ok(())
        })
    }

    pub(crate) fn remove_permission_now(
        &self,
        ctx: &rt::RequestContext,
        input: RemovePermissionRequest,
    ) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            queue.settings.policy = permissions::remove(queue.settings.policy.as_deref(), &queue.arn, &input.label)?;
            queue.last_modified_at = now_millis();
            Ok(())
        })
    }
}
