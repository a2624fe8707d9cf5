//! The public `/aws/service/…` namespace: read-only parameters AWS publishes in every
//! account (latest AMI ids, the list of Regions and services). A handful of the commonly
//! read ones are served here. AMI ids are stand-ins, stable per Region and name, since
//! no real AMI exists locally.

use ferrostack_runtime as rt;
use ssm_api::types::{ParameterTier, ParameterType};

use crate::state::{Parameter, Version};

pub const PREFIX: &str = "/aws/service/";

const AMIS: &[&str] = &[
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64",
    "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64",
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-arm64-gp2",
    "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2",
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id",
    "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id",
    "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
];

pub const REGIONS: &[(&str, &str)] = &[
    ("af-south-1", "Africa (Cape Town)"),
    ("ap-east-1", "Asia Pacific (Hong Kong)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "Asia Pacific (Seoul)"),
    ("ap-northeast-3", "Asia Pacific (Osaka)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-south-2", "Asia Pacific (Hyderabad)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-southeast-3", "Asia Pacific (Jakarta)"),
    ("ap-southeast-4", "Asia Pacific (Melbourne)"),
    ("ca-central-1", "Canada (Central)"),
    ("ca-west-1", "Canada West (Calgary)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("eu-south-1", "Europe (Milan)"),
    ("eu-south-2", "Europe (Spain)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-west-3", "Europe (Paris)"),
    ("il-central-1", "Israel (Tel Aviv)"),
    ("me-central-1", "Middle East (UAE)"),
    ("me-south-1", "Middle East (Bahrain)"),
    ("sa-east-1", "South America (Sao Paulo)"),
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
];

const SERVICES: &[(&str, &str)] = &[
    ("cloudwatch", "Amazon CloudWatch"),
    ("dynamodb", "Amazon DynamoDB"),
    ("ec2", "Amazon Elastic Compute Cloud (EC2)"),
    ("iam", "AWS Identity and Access Management (IAM)"),
    ("kinesis", "Amazon Kinesis"),
    ("lambda", "AWS Lambda"),
    ("s3", "Amazon Simple Storage Service (S3)"),
    ("secretsmanager", "AWS Secrets Manager"),
    ("sns", "Amazon Simple Notification Service (SNS)"),
    ("sqs", "Amazon Simple Queue Service (SQS)"),
    ("ssm", "AWS Systems Manager"),
    ("sts", "AWS Security Token Service (STS)"),
];

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// `ami-` and 17 hex digits, the same for a given Region and parameter every time.
fn ami_id(region: &str, name: &str) -> String {
    let a = fnv(&format!("{region}{name}"));
    let b = fnv(&format!("{name}{region}"));
    format!("ami-{:016x}{:x}", a, b & 0xf)
}

/// Every public parameter as `(name, value, data type)`, for the caller's Region.
fn all(region: &str) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for name in AMIS {
        out.push((name.to_string(), ami_id(region, name), "aws:ec2:image"));
    }
    let regions = "/aws/service/global-infrastructure/regions";
    for (code, long) in REGIONS {
        out.push((format!("{regions}/{code}"), code.to_string(), "text"));
        out.push((format!("{regions}/{code}/longName"), long.to_string(), "text"));
        out.push((format!("{regions}/{code}/partition"), "aws".to_string(), "text"));
        out.push((format!("{regions}/{code}/domain"), "amazonaws.com".to_string(), "text"));
    }
    let services = "/aws/service/global-infrastructure/services";
    for (code, long) in SERVICES {
        out.push((format!("{services}/{code}"), code.to_string(), "text"));
        out.push((format!("{services}/{code}/longName"), long.to_string(), "text"));
    }
    out.sort();
    out
}

fn as_parameter(name: String, value: String, data_type: &str) -> Parameter {
    Parameter {
        name,
        versions: vec![Version {
            version: 1,
            value,
            r#type: ParameterType::String,
            key_id: None,
            description: None,
            allowed_pattern: None,
            tier: ParameterTier::Standard,
            policies: None,
            data_type: data_type.to_string(),
            labels: Vec::new(),
            // A fixed publication date keeps answers stable.
            last_modified: rt::DateTime::from_secs(1_767_225_600),
            last_modified_user: String::new(),
        }],
        tags: Vec::new(),
    }
}

pub fn is_public(name: &str) -> bool {
    name.starts_with(PREFIX)
}

pub fn find(region: &str, name: &str) -> Option<Parameter> {
    all(region).into_iter().find(|(n, _, _)| n == name).map(|(n, v, d)| as_parameter(n, v, d))
}

/// Every public parameter, in name order.
pub fn parameters(region: &str) -> Vec<Parameter> {
    all(region).into_iter().map(|(n, v, d)| as_parameter(n, v, d)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_ami_ids() {
        let name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
        let a = super::find("us-east-1", name).unwrap();
        let b = super::find("us-east-1", name).unwrap();
        assert_eq!(a.versions[0].value, b.versions[0].value);
        assert_eq!(a.versions[0].value.len(), 21);
        assert_ne!(a.versions[0].value, super::find("eu-west-1", name).unwrap().versions[0].value);
        assert_eq!(
            super::find("us-east-1", "/aws/service/global-infrastructure/regions/eu-west-1/longName").unwrap().versions
                [0]
            .value,
            "Europe (Ireland)"
        );
    }
}
