//! SMS: account attributes, the opt-out list, and the SMS sandbox's destination numbers
//! with their one-time-password verification. Messages are not sent to phones; they land
//! in the outbox, the verification code included, so a local flow can read and enter it.

use ferrostack_runtime as rt;
use rt::IndexMap;
use sns_api::types::*;

use crate::error::{Kind, Result, SnsError};
use crate::paging;
use crate::state::{OutboxMessage, SandboxNumber};
use crate::Handler;

fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn check_sms_attribute(name: &str, value: &str) -> Result<()> {
    let ok = match name {
        "DefaultSMSType" => matches!(value, "Promotional" | "Transactional"),
        "MonthlySpendLimit" => value.parse::<u64>().is_ok(),
        "DeliveryStatusSuccessSamplingRate" => value.parse::<u8>().is_ok_and(|n| n <= 100),
        "DefaultSenderID" => {
            (1..=11).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
        "DeliveryStatusIAMRole" | "UsageReportS3Bucket" => true,
        _ => return Err(SnsError::invalid(name)),
    };
    if ok {
        Ok(())
    } else {
        Err(SnsError::invalid(format!("{name} Reason: Invalid value {value}")))
    }
}

fn number_not_found() -> SnsError {
    SnsError::new(Kind::ResourceNotFound, "Phone number does not exist")
}

impl Handler {
    pub(crate) fn set_sms_attributes_now(&self, ctx: &rt::RequestContext, input: SetSMSAttributesInput) -> Result<()> {
        for (k, v) in &input.attributes {
            check_sms_attribute(k, v)?;
        }
        self.regions.with(ctx, |state| state.sms_attributes.extend(input.attributes));
        Ok(())
    }

    pub(crate) fn get_sms_attributes_now(
        &self,
        ctx: &rt::RequestContext,
        input: GetSMSAttributesInput,
    ) -> Result<GetSMSAttributesResponse> {
        let attributes: IndexMap<String, String> = self.regions.with(ctx, |state| match &input.attributes {
            Some(names) if !names.is_empty() => state
                .sms_attributes
                .iter()
                .filter(|(k, _)| names.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => state.sms_attributes.clone(),
        });
        Ok(GetSMSAttributesResponse { attributes: Some(attributes) })
    }

    /// Nothing opts out of a local emulator, so no number ever is.
    pub(crate) fn check_if_phone_number_is_opted_out_now(
        &self,
        input: CheckIfPhoneNumberIsOptedOutInput,
    ) -> Result<CheckIfPhoneNumberIsOptedOutResponse> {
        if !is_e164(&input.phone_number) {
            return Err(SnsError::invalid("PhoneNumber Reason: input incorrectly formatted"));
        }
        Ok(CheckIfPhoneNumberIsOptedOutResponse { is_opted_out: false })
    }

    pub(crate) fn create_sms_sandbox_phone_number_now(
        &self,
        ctx: &rt::RequestContext,
        input: CreateSMSSandboxPhoneNumberInput,
    ) -> Result<()> {
        if !is_e164(&input.phone_number) {
            return Err(SnsError::invalid("PhoneNumber Reason: input incorrectly formatted"));
        }
        let digits: String = rt::request_id().bytes().filter(u8::is_ascii_digit).map(char::from).collect();
        let code = format!("{:0>6}", &digits[..digits.len().min(6)]);
        self.regions.with(ctx, |state| {
            state.record(OutboxMessage {
                protocol: "sms".into(),
                destination: input.phone_number.clone(),
                message_id: rt::request_id(),
                subject: None,
                message: format!("Your Amazon SNS verification code is: {code}"),
                subscription_arn: None,
                topic_arn: None,
            });
            state
                .sandbox_numbers
                .insert(input.phone_number, SandboxNumber { verified: false, one_time_password: code });
        });
        Ok(())
    }

    pub(crate) fn verify_sms_sandbox_phone_number_now(
        &self,
        ctx: &rt::RequestContext,
        input: VerifySMSSandboxPhoneNumberInput,
    ) -> Result<()> {
        self.regions.with(ctx, |state| {
            let number = state.sandbox_numbers.get_mut(&input.phone_number).ok_or_else(number_not_found)?;
            if number.one_time_password != input.one_time_password {
                return Err(SnsError::new(Kind::Verification, "Invalid one-time password"));
            }
            number.verified = true;
            Ok(())
        })
    }

    pub(crate) fn delete_sms_sandbox_phone_number_now(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteSMSSandboxPhoneNumberInput,
    ) -> Result<()> {
        self.regions.with(ctx, |state| {
            state.sandbox_numbers.shift_remove(&input.phone_number).map(|_| ()).ok_or_else(number_not_found)
        })
    }

    pub(crate) fn list_sms_sandbox_phone_numbers_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListSMSSandboxPhoneNumbersInput,
    ) -> Result<ListSMSSandboxPhoneNumbersResult> {
        let all: Vec<SMSSandboxPhoneNumber> = self.regions.with(ctx, |state| {
            state
                .sandbox_numbers
                .iter()
                .map(|(number, n)| SMSSandboxPhoneNumber {
                    phone_number: Some(number.clone()),
                    status: Some(if n.verified {
                        SMSSandboxPhoneNumberVerificationStatus::Verified
                    } else {
                        SMSSandboxPhoneNumberVerificationStatus::Pending
                    }),
                })
                .collect()
        });
        let size = input.max_results.map_or(paging::PAGE_SIZE, |n| n.clamp(1, 100) as usize);
        let (page, next_token) = paging::page(all, input.next_token.as_deref(), size)?;
        Ok(ListSMSSandboxPhoneNumbersResult { phone_numbers: page, next_token })
    }
}
