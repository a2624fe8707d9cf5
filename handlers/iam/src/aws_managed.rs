//! AWS managed policies (`arn:aws:iam::aws:policy/...`): they exist in every account and
//! cannot be changed. The catalogue is AWS's own list — name, path, default version, dates
//! and default document of each of them — compressed in `data/` (written by
//! `data/aws_managed_policies.py`) and unpacked on first use, so an idle server never
//! pays for it. An ARN outside it answers NoSuchEntity, as on AWS.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

pub struct AwsPolicy {
    pub name: &'static str,
    pub path: &'static str,
    pub description: Option<&'static str>,
    pub document: &'static str,
    pub default_version: &'static str,
    /// Epoch seconds.
    pub created: i64,
    pub updated: i64,
}

struct Curated {
    name: &'static str,
    path: &'static str,
    description: &'static str,
    document: &'static str,
}

const CATALOGUE: &[u8] = include_bytes!("../data/aws-managed-policies.tsv.gz");

/// Before any account: the date of policies the catalogue does not date.
const AWS_EPOCH: i64 = 1_423_000_000;

struct Catalogue {
    policies: Vec<AwsPolicy>,
    by_arn: HashMap<String, usize>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE_ONCE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE_ONCE.get_or_init(|| {
        let mut text = String::new();
        if let Err(e) = flate2::read::GzDecoder::new(CATALOGUE).read_to_string(&mut text) {
            // Only a broken build could get here; the curated policies still work.
            tracing::error!(error = %e, "AWS managed policy catalogue unreadable");
            text.clear();
        }
        // Lives as long as the process: the policies borrow their text from it.
        let text: &'static str = Box::leak(text.into_boxed_str());
        let mut policies: Vec<AwsPolicy> = text.lines().filter_map(parse_line).collect();
        for c in CURATED {
            match policies.iter_mut().find(|p| p.name == c.name && p.path == c.path) {
                Some(p) => p.description = Some(c.description),
                None => policies.push(AwsPolicy {
                    name: c.name,
                    path: c.path,
                    description: Some(c.description),
                    document: c.document,
                    default_version: "v1",
                    created: AWS_EPOCH,
                    updated: AWS_EPOCH,
                }),
            }
        }
        policies.sort_by(|a, b| a.name.cmp(b.name));
        let by_arn = policies.iter().enumerate().map(|(i, p)| (arn(p), i)).collect();
        Catalogue { policies, by_arn }
    })
}

/// `name \t path \t version \t created \t updated \t document`
fn parse_line(line: &'static str) -> Option<AwsPolicy> {
    let mut f = line.split('\t');
    let (name, path, version) = (f.next()?, f.next()?, f.next()?);
    let (created, updated) = (f.next()?.parse().ok()?, f.next()?.parse().ok()?);
    let document = f.next()?;
    Some(AwsPolicy { name, path, description: None, document, default_version: version, created, updated })
}

/// Every AWS managed policy, by name.
pub fn all() -> &'static [AwsPolicy] {
    &catalogue().policies
}

/// Policies templates attach all the time, with the descriptions AWS gives them (the
/// catalogue has no descriptions). Their documents are used when the catalogue lacks them.
const CURATED: &[Curated] = &[
    Curated {
        name: "AdministratorAccess",
        path: "/",
        description: "Provides full access to AWS services and resources.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonS3FullAccess",
        path: "/",
        description: "Provides full access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonSQSFullAccess",
        path: "/",
        description: "Provides full access to Amazon SQS via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:*"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonSNSFullAccess",
        path: "/",
        description: "Provides full access to Amazon SNS via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Action":["sns:*"],"Effect":"Allow","Resource":"*"}]}"#,
    },
    Curated {
        name: "AWSLambdaBasicExecutionRole",
        path: "/service-role/",
        description: "Provides write permissions to CloudWatch Logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AWSLambdaSQSQueueExecutionRole",
        path: "/service-role/",
        description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "PowerUserAccess",
        path: "/",
        description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "IAMFullAccess",
        path: "/",
        description: "Provides full access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "IAMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonKinesisFullAccess",
        path: "/",
        description: "Provides full access to all streams via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*","Resource":"*"}]}"#,
    },
    Curated {
        name: "AmazonSSMReadOnlyAccess",
        path: "/",
        description: "Provides read only access to Amazon SSM.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:Describe*","ssm:Get*","ssm:List*"],"Resource":"*"}]}"#,
    },
    Curated {
        name: "AWSLambdaExecute",
        path: "/",
        description: "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"arn:aws:logs:*:*:*"},{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::*"}]}"#,
    },
    Curated {
        name: "AWSLambdaRole",
        path: "/service-role/",
        description: "Default policy for AWS Lambda service role.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":["*"]}]}"#,
    },
    Curated {
        name: "AWSLambdaDynamoDBExecutionRole",
        path: "/service-role/",
        description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:DescribeStream","dynamodb:GetRecords","dynamodb:GetShardIterator","dynamodb:ListStreams","logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
    },
    Curated {
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
    // Every AWS managed ARN starts so; customer policies never unpack the catalogue.
    if !arn_text.starts_with("arn:aws:iam::aws:policy/") {
        return None;
    }
    let catalogue = catalogue();
    catalogue.by_arn.get(arn_text).map(|&i| &catalogue.policies[i])
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
        assert!(all().len() > 1_000, "{} policies", all().len());
        for p in all() {
            crate::docs::check(p.document, crate::docs::Kind::Identity).unwrap_or_else(|e| panic!("{}: {e:?}", p.name));
            assert_eq!(id(p), id(p));
            assert_eq!(id(p).len(), 21);
            assert_eq!(find(&arn(p)).map(|f| f.name), Some(p.name));
        }
    }

    #[test]
    fn curated_policies_keep_their_descriptions() {
        for c in CURATED {
            let p = find(&format!("arn:aws:iam::aws:policy{}{}", c.path, c.name)).expect(c.name);
            assert_eq!(p.description, Some(c.description));
        }
        assert!(find("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere").is_none());
    }
}
