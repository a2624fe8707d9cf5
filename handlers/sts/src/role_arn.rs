//! Reading the role out of an AssumeRole `RoleArn`.

use ferrostack_runtime as rt;

/// The parts of `arn:<partition>:iam::<account>:role/<path/><name>` STS needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleArn {
    pub partition: String,
    pub account: String,
    /// The last path segment: assumed-role ARNs name the role without its path.
    pub name: String,
}

impl RoleArn {
    /// AWS answers a malformed ARN with `ValidationError: Request ARN is invalid`.
    pub fn parse(arn: &str) -> Result<RoleArn, rt::CommonError> {
        let invalid = || rt::CommonError::validation("Request ARN is invalid");
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(invalid());
        };
        if *prefix != "arn" || partition.is_empty() || *service != "iam" || !region.is_empty() {
            return Err(invalid());
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let Some(path_and_name) = resource.strip_prefix("role/") else {
            return Err(invalid());
        };
        let name = path_and_name.rsplit('/').next().unwrap_or_default();
        if name.is_empty() {
            return Err(invalid());
        }
        Ok(RoleArn { partition: partition.to_string(), account: account.to_string(), name: name.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roles_with_paths() {
        let r = RoleArn::parse("arn:aws:iam::123456789012:role/service/app/MyRole").unwrap();
        assert_eq!(r.account, "123456789012");
        assert_eq!(r.name, "MyRole");
        assert_eq!(r.partition, "aws");
    }

    #[test]
    fn rejects_other_arns() {
        for bad in [
            "arn:aws:iam::123456789012:user/bob",
            "arn:aws:iam::12345:role/x",
            "arn:aws:s3:::bucket/role/x",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "not an arn at all, really",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(RoleArn::parse(bad).is_err(), "{bad}");
        }
    }
}
