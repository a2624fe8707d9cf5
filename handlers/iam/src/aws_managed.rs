//! A few AWS managed policies (`arn:aws:iam::aws:policy/...`) that templates and tests
//! attach all the time. They exist in every account, cannot be changed, and carry the
//! documents AWS publishes for them (AWS revises some over time; these are recent
//! versions). Any other AWS managed policy ARN is unknown here and answers NoSuchEntity.

pub struct AwsPolicy {
    pub name: &'static str,
    pub path: &'static str,
    pub description: &'static str,
    pub document: &'static str,
}

pub const POLICIES: &[AwsPolicy] = &[
    AwsPolicy {
        name: "AdministratorAccess",
        path: "/",
        description: "Provides full access to AWS services and resources.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonS3FullAccess",
        path: "/",
        description: "Provides full access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonSQSFullAccess",
        path: "/",
        description: "Provides full access to Amazon SQS via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonSNSFullAccess",
        path: "/",
        description: "Provides full access to Amazon SNS via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Action":["sns:*"],"Effect":"Allow","Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaBasicExecutionRole",
        path: "/service-role/",
        description: "Provides write permissions to CloudWatch Logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaSQSQueueExecutionRole",
        path: "/service-role/",
        description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "PowerUserAccess",
        path: "/",
        description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "IAMFullAccess",
        path: "/",
        description: "Provides full access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "IAMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonKinesisFullAccess",
        path: "/",
        description: "Provides full access to all streams via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AmazonSSMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon SSM.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaExecute",
        path: "/",
        description: "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaRole",
        path: "/service-role/",
        description: "Default policy for AWS Lambda service role.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaDynamoDBExecutionRole",
        path: "/service-role/",
        description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    AwsPolicy {
        name: "AWSLambdaKinesisExecutionRole",
        path: "/service-role/",
        description: "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kinesis:DescribeStream","kinesis:DescribeStreamSummary","kinesis:GetRecords","kinesis:GetShardIterator","kinesis:ListShards","kinesis:ListStreams","kinesis:SubscribeToShard","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
];

pub fn arn(p: &AwsPolicy) -> String {
    format!("arn:aws:iam::aws:policy{}{}", p.path, p.name)
}

pub fn find(arn_text: &str) -> Option<&'static AwsPolicy> {
    POLICIES.iter().find(|p| arn(p) == arn_text)
}

/// AWS managed policies keep one id for ever: derive it from the name.
pub fn id(p: &AwsPolicy) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut out = String::from("ANPA");
    for b in p.name.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    for _ in 0..17 {
        h = h.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        out.push(alphabet[((h >> 33) % 36) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_is_a_valid_identity_policy_with_a_stable_id() {
        for p in POLICIES {
            crate::docs::check(p.document, crate::docs::Kind::Identity).unwrap_or_else(|e| panic!("{}: {e:?}", p.name));
            assert_eq!(id(p), id(p));
            assert_eq!(id(p).len(), 21);
            assert_eq!(find(&arn(p)).map(|f| f.name), Some(p.name));
        }
    }
}
