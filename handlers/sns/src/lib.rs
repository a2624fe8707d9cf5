//! Behaviour of `sns` (AmazonSimpleNotificationService): topics (standard and FIFO),
//! subscriptions with filter policies, Publish/PublishBatch, and real delivery to SQS
//! queues, HTTP/S endpoints and Lambda functions, with dead-letter redrive. Email, SMS and
//! mobile push deliveries are kept in an outbox ([`Handler::outbox`]).
//!
//! State is one [`state::RegionState`] per account and region, locked briefly per
//! operation and never across an await; delivery runs on a worker task (see `delivery`).

mod arn;
mod delivery;
mod envelope;
mod error;
pub mod filter_policy;
mod http_client;
mod inspect;
mod paging;
mod platform;
mod publish;
mod sms;
mod state;
mod subscriptions;
mod tls;
mod topics;

use std::sync::{Arc, Mutex};

use ferrostack_runtime as rt;
use ferrostack_store::{lock, Peers, RegionalStore};
use sns_api::error::*;
use sns_api::types::*;

use delivery::Dispatcher;
use error::{wire, SnsError};
pub use state::OutboxMessage;
use state::RegionState;

pub struct Handler {
    regions: RegionalStore<RegionState>,
    dispatcher: Dispatcher,
}

impl Handler {
    /// A handler that delivers through `peers` (SQS, Lambda).
    pub fn new(peers: Arc<Peers>) -> Handler {
        Handler { regions: RegionalStore::default(), dispatcher: Dispatcher::new(peers) }
    }

    /// The messages sent to email, SMS and mobile push destinations of an account and
    /// region, oldest first.
    pub fn outbox(&self, account: &str, region: &str) -> Vec<OutboxMessage> {
        lock(&self.regions.scope_of(account, region)).outbox.iter().cloned().collect()
    }

    /// Runs `f` on the state of the account and region an ARN names: topics,
    /// subscriptions and endpoints are found where their ARN says they live.
    fn with_arn_scope<R>(&self, arn: &str, f: impl FnOnce(&mut RegionState) -> error::Result<R>) -> error::Result<R> {
        let parsed = arn::Arn::parse(arn).ok_or_else(|| {
            let elements = arn.split(':').count();
            SnsError::invalid(format!("Reason: An ARN must have at least 6 elements, not {elements}"))
        })?;
        let scope: Arc<Mutex<RegionState>> = self.regions.scope_of(&parsed.account, &parsed.region);
        let mut state = lock(&scope);
        f(&mut state)
    }
}

#[rt::async_trait]
impl sns_api::Handler for Handler {
    async fn create_topic(
        &self,
        ctx: &rt::RequestContext,
        input: CreateTopicInput,
    ) -> Result<CreateTopicResponse, CreateTopicError> {
        Ok(self.create_topic_now(ctx, input).map_err(wire)?)
    }

    async fn delete_topic(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteTopicInput,
    ) -> Result<rt::Unit, DeleteTopicError> {
        self.delete_topic_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn list_topics(
        &self,
        ctx: &rt::RequestContext,
        input: ListTopicsInput,
    ) -> Result<ListTopicsResponse, ListTopicsError> {
        Ok(self.list_topics_now(ctx, input).map_err(wire)?)
    }

    async fn get_topic_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: GetTopicAttributesInput,
    ) -> Result<GetTopicAttributesResponse, GetTopicAttributesError> {
        Ok(self.get_topic_attributes_now(input).map_err(wire)?)
    }

    async fn set_topic_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: SetTopicAttributesInput,
    ) -> Result<rt::Unit, SetTopicAttributesError> {
        self.set_topic_attributes_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn tag_resource(
        &self,
        _ctx: &rt::RequestContext,
        input: TagResourceRequest,
    ) -> Result<TagResourceResponse, TagResourceError> {
        self.tag_resource_now(input).map_err(wire)?;
        Ok(TagResourceResponse {})
    }

    async fn untag_resource(
        &self,
        _ctx: &rt::RequestContext,
        input: UntagResourceRequest,
    ) -> Result<UntagResourceResponse, UntagResourceError> {
        self.untag_resource_now(input).map_err(wire)?;
        Ok(UntagResourceResponse {})
    }

    async fn list_tags_for_resource(
        &self,
        _ctx: &rt::RequestContext,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        Ok(self.list_tags_for_resource_now(input).map_err(wire)?)
    }

    async fn put_data_protection_policy(
        &self,
        _ctx: &rt::RequestContext,
        input: PutDataProtectionPolicyInput,
    ) -> Result<rt::Unit, PutDataProtectionPolicyError> {
        self.put_data_protection_policy_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn get_data_protection_policy(
        &self,
        _ctx: &rt::RequestContext,
        input: GetDataProtectionPolicyInput,
    ) -> Result<GetDataProtectionPolicyResponse, GetDataProtectionPolicyError> {
        Ok(self.get_data_protection_policy_now(input).map_err(wire)?)
    }

    async fn add_permission(
        &self,
        _ctx: &rt::RequestContext,
        input: AddPermissionInput,
    ) -> Result<rt::Unit, AddPermissionError> {
        self.add_permission_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn remove_permission(
        &self,
        _ctx: &rt::RequestContext,
        input: RemovePermissionInput,
    ) -> Result<rt::Unit, RemovePermissionError> {
        self.remove_permission_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn subscribe(
        &self,
        ctx: &rt::RequestContext,
        input: SubscribeInput,
    ) -> Result<SubscribeResponse, SubscribeError> {
        Ok(self.subscribe_now(ctx, input).map_err(wire)?)
    }

    async fn confirm_subscription(
        &self,
        _ctx: &rt::RequestContext,
        input: ConfirmSubscriptionInput,
    ) -> Result<ConfirmSubscriptionResponse, ConfirmSubscriptionError> {
        Ok(self.confirm_subscription_now(input).map_err(wire)?)
    }

    async fn unsubscribe(
        &self,
        ctx: &rt::RequestContext,
        input: UnsubscribeInput,
    ) -> Result<rt::Unit, UnsubscribeError> {
        self.unsubscribe_now(ctx, input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn get_subscription_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: GetSubscriptionAttributesInput,
    ) -> Result<GetSubscriptionAttributesResponse, GetSubscriptionAttributesError> {
        Ok(self.get_subscription_attributes_now(input).map_err(wire)?)
    }

    async fn set_subscription_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: SetSubscriptionAttributesInput,
    ) -> Result<rt::Unit, SetSubscriptionAttributesError> {
        self.set_subscription_attributes_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn list_subscriptions(
        &self,
        ctx: &rt::RequestContext,
        input: ListSubscriptionsInput,
    ) -> Result<ListSubscriptionsResponse, ListSubscriptionsError> {
        Ok(self.list_subscriptions_now(ctx, input).map_err(wire)?)
    }

    async fn list_subscriptions_by_topic(
        &self,
        _ctx: &rt::RequestContext,
        input: ListSubscriptionsByTopicInput,
    ) -> Result<ListSubscriptionsByTopicResponse, ListSubscriptionsByTopicError> {
        Ok(self.list_subscriptions_by_topic_now(input).map_err(wire)?)
    }

    async fn publish(&self, ctx: &rt::RequestContext, input: PublishInput) -> Result<PublishResponse, PublishError> {
        Ok(self.publish_now(ctx, input).map_err(wire)?)
    }

    async fn publish_batch(
        &self,
        ctx: &rt::RequestContext,
        input: PublishBatchInput,
    ) -> Result<PublishBatchResponse, PublishBatchError> {
        Ok(self.publish_batch_now(ctx, input).map_err(wire)?)
    }

    async fn create_platform_application(
        &self,
        ctx: &rt::RequestContext,
        input: CreatePlatformApplicationInput,
    ) -> Result<CreatePlatformApplicationResponse, CreatePlatformApplicationError> {
        Ok(self.create_platform_application_now(ctx, input).map_err(wire)?)
    }

    async fn get_platform_application_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: GetPlatformApplicationAttributesInput,
    ) -> Result<GetPlatformApplicationAttributesResponse, GetPlatformApplicationAttributesError> {
        Ok(self.get_platform_application_attributes_now(input).map_err(wire)?)
    }

    async fn set_platform_application_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: SetPlatformApplicationAttributesInput,
    ) -> Result<rt::Unit, SetPlatformApplicationAttributesError> {
        self.set_platform_application_attributes_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn delete_platform_application(
        &self,
        _ctx: &rt::RequestContext,
        input: DeletePlatformApplicationInput,
    ) -> Result<rt::Unit, DeletePlatformApplicationError> {
        self.delete_platform_application_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn list_platform_applications(
        &self,
        ctx: &rt::RequestContext,
        input: ListPlatformApplicationsInput,
    ) -> Result<ListPlatformApplicationsResponse, ListPlatformApplicationsError> {
        Ok(self.list_platform_applications_now(ctx, input).map_err(wire)?)
    }

    async fn create_platform_endpoint(
        &self,
        _ctx: &rt::RequestContext,
        input: CreatePlatformEndpointInput,
    ) -> Result<CreateEndpointResponse, CreatePlatformEndpointError> {
        Ok(self.create_platform_endpoint_now(input).map_err(wire)?)
    }

    async fn get_endpoint_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: GetEndpointAttributesInput,
    ) -> Result<GetEndpointAttributesResponse, GetEndpointAttributesError> {
        Ok(self.get_endpoint_attributes_now(input).map_err(wire)?)
    }

    async fn set_endpoint_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: SetEndpointAttributesInput,
    ) -> Result<rt::Unit, SetEndpointAttributesError> {
        self.set_endpoint_attributes_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn delete_endpoint(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteEndpointInput,
    ) -> Result<rt::Unit, DeleteEndpointError> {
        self.delete_endpoint_now(input).map_err(wire)?;
        Ok(rt::Unit)
    }

    async fn list_endpoints_by_platform_application(
        &self,
        _ctx: &rt::RequestContext,
        input: ListEndpointsByPlatformApplicationInput,
    ) -> Result<ListEndpointsByPlatformApplicationResponse, ListEndpointsByPlatformApplicationError> {
        Ok(self.list_endpoints_by_platform_application_now(input).map_err(wire)?)
    }

    async fn set_sms_attributes(
        &self,
        ctx: &rt::RequestContext,
        input: SetSMSAttributesInput,
    ) -> Result<SetSMSAttributesResponse, SetSMSAttributesError> {
        self.set_sms_attributes_now(ctx, input).map_err(wire)?;
        Ok(SetSMSAttributesResponse {})
    }

    async fn get_sms_attributes(
        &self,
        ctx: &rt::RequestContext,
        input: GetSMSAttributesInput,
    ) -> Result<GetSMSAttributesResponse, GetSMSAttributesError> {
        Ok(self.get_sms_attributes_now(ctx, input).map_err(wire)?)
    }

    async fn check_if_phone_number_is_opted_out(
        &self,
        _ctx: &rt::RequestContext,
        input: CheckIfPhoneNumberIsOptedOutInput,
    ) -> Result<CheckIfPhoneNumberIsOptedOutResponse, CheckIfPhoneNumberIsOptedOutError> {
        Ok(self.check_if_phone_number_is_opted_out_now(input).map_err(wire)?)
    }

    async fn list_phone_numbers_opted_out(
        &self,
        _ctx: &rt::RequestContext,
        input: ListPhoneNumbersOptedOutInput,
    ) -> Result<ListPhoneNumbersOptedOutResponse, ListPhoneNumbersOptedOutError> {
        // No number opts out locally (see `sms`), so every page is empty.
        let (phone_numbers, next_token) =
            paging::page(Vec::<String>::new(), input.next_token.as_deref(), paging::PAGE_SIZE).map_err(wire)?;
        Ok(ListPhoneNumbersOptedOutResponse { phone_numbers: Some(phone_numbers), next_token })
    }

    async fn opt_in_phone_number(
        &self,
        _ctx: &rt::RequestContext,
        input: OptInPhoneNumberInput,
    ) -> Result<OptInPhoneNumberResponse, OptInPhoneNumberError> {
        self.check_if_phone_number_is_opted_out_now(CheckIfPhoneNumberIsOptedOutInput {
            phone_number: input.phone_number,
        })
        .map_err(wire)?;
        Ok(OptInPhoneNumberResponse {})
    }

    async fn get_sms_sandbox_account_status(
        &self,
        _ctx: &rt::RequestContext,
        _input: GetSMSSandboxAccountStatusInput,
    ) -> Result<GetSMSSandboxAccountStatusResult, GetSMSSandboxAccountStatusError> {
        // New AWS accounts start in the SMS sandbox; the sandbox operations below work on it.
        Ok(GetSMSSandboxAccountStatusResult { is_in_sandbox: true })
    }

    async fn create_sms_sandbox_phone_number(
        &self,
        ctx: &rt::RequestContext,
        input: CreateSMSSandboxPhoneNumberInput,
    ) -> Result<CreateSMSSandboxPhoneNumberResult, CreateSMSSandboxPhoneNumberError> {
        self.create_sms_sandbox_phone_number_now(ctx, input).map_err(wire)?;
        Ok(CreateSMSSandboxPhoneNumberResult {})
    }

    async fn verify_sms_sandbox_phone_number(
        &self,
        ctx: &rt::RequestContext,
        input: VerifySMSSandboxPhoneNumberInput,
    ) -> Result<VerifySMSSandboxPhoneNumberResult, VerifySMSSandboxPhoneNumberError> {
        self.verify_sms_sandbox_phone_number_now(ctx, input).map_err(wire)?;
        Ok(VerifySMSSandboxPhoneNumberResult {})
    }

    async fn delete_sms_sandbox_phone_number(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteSMSSandboxPhoneNumberInput,
    ) -> Result<DeleteSMSSandboxPhoneNumberResult, DeleteSMSSandboxPhoneNumberError> {
        self.delete_sms_sandbox_phone_number_now(ctx, input).map_err(wire)?;
        Ok(DeleteSMSSandboxPhoneNumberResult {})
    }

    async fn list_sms_sandbox_phone_numbers(
        &self,
        ctx: &rt::RequestContext,
        input: ListSMSSandboxPhoneNumbersInput,
    ) -> Result<ListSMSSandboxPhoneNumbersResult, ListSMSSandboxPhoneNumbersError> {
        Ok(self.list_sms_sandbox_phone_numbers_now(ctx, input).map_err(wire)?)
    }

    async fn list_origination_numbers(
        &self,
        _ctx: &rt::RequestContext,
        input: ListOriginationNumbersRequest,
    ) -> Result<ListOriginationNumbersResult, ListOriginationNumbersError> {
        // No origination numbers are provisioned in a local account.
        let (phone_numbers, next_token) =
            paging::page(Vec::<PhoneNumberInformation>::new(), input.next_token.as_deref(), 30).map_err(wire)?;
        Ok(ListOriginationNumbersResult { next_token, phone_numbers: Some(phone_numbers) })
    }

    fn reset(&self) {
        self.regions.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process, and delivering through them.
pub fn serve(peers: &Arc<Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::new(peers.clone()));
    peers.register::<dyn sns_api::Handler>(handler.clone());
    // The concrete handler too, for the gateway's `/_aws/sns/` developer endpoints.
    peers.register::<Handler>(handler.clone());
    sns_api::service(handler)
}
