//! AssumeRoot: short-term credentials of a member account's root user, scoped to one
//! privileged task.
//!
//! AWS allows it only from an Organizations management (or delegated administrator)
//! account with centralized root access enabled. This emulator has no Organizations, so
//! every caller may call it; the rest is as AWS documents: the target is an account id (or
//! that account's root ARN), the task policy is one of the five AWS-managed root-task
//! policies, and the session lasts at most 15 minutes (900 s by default).

use ferrostack_runtime as rt;

use crate::validation::violation;

/// The AWS-managed policies a root session may be scoped to.
pub const TASK_POLICIES: [&str; 5] = [
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
];

/// 15 minutes, the longest (and default) root session.
pub const MAX_DURATION: i32 = 900;

/// The account a `TargetPrincipal` names: a 12-digit account id, or
/// `arn:<partition>:iam::<account>:root`.
pub fn target_account(principal: &str) -> Result<String, rt::CommonError> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(principal) {
        return Ok(principal.to_owned());
    }
    let from_arn = principal
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":iam::"))
        .filter(|(partition, _)| matches!(*partition, "aws" | "aws-cn" | "aws-us-gov"))
        .and_then(|(_, rest)| rest.strip_suffix(":root"))
        .filter(|account| is_account(account));
    from_arn.map(str::to_owned).ok_or_else(|| {
        rt::CommonError::validation(format!(
            "The TargetPrincipal {principal} is invalid. Specify a 12-digit account ID or the ARN of the account's \
             root user."
        ))
    })
}

/// `arn:<partition>:iam::aws:policy/root-task/<one of TASK_POLICIES>`.
pub fn check_task_policy(arn: Option<&str>) -> Result<(), rt::CommonError> {
    let Some(arn) = arn else {
        return Err(violation("null", "taskPolicyArn.arn", "Member must not be null"));
    };
    let known = arn.strip_prefix("arn:").and_then(|rest| rest.split_once(":iam::aws:policy/root-task/")).is_some_and(
        |(partition, name)| matches!(partition, "aws" | "aws-cn" | "aws-us-gov") && TASK_POLICIES.contains(&name),
    );
    if known {
        Ok(())
    } else {
        Err(rt::CommonError::validation(format!(
            "The TaskPolicyArn {arn} is invalid. Specify one of the AWS managed root task policies: {}.",
            TASK_POLICIES.map(|name| format!("arn:aws:iam::aws:policy/root-task/{name}")).join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(target_account("111122223333").unwrap(), "111122223333");
        assert_eq!(target_account("arn:aws:iam::111122223333:root").unwrap(), "111122223333");
        for bad in ["1111", "11112222333x", "arn:aws:iam::111122223333:user/x", "arn:aws:iam::1:root"] {
            assert!(target_account(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn task_policies() {
        for name in TASK_POLICIES {
            assert!(check_task_policy(Some(&format!("arn:aws:iam::aws:policy/root-task/{name}"))).is_ok());
        }
        for bad in [
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/root-task/Other",
            "arn:aws:iam::123456789012:policy/root-task/S3UnlockBucketPolicy",
        ] {
            assert!(check_task_policy(Some(bad)).is_err(), "{bad}");
        }
        assert!(check_task_policy(None).is_err());
    }
}
