"""S3 takes values outside its model's enums, as the real service does."""


def test_capitalised_filter_rule_names(client):
    s3, sqs = client("s3"), client("sqs")
    s3.create_bucket(Bucket="open-enums")
    queue = sqs.create_queue(QueueName="open-enums-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket="open-enums",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    # AWS answers with `Prefix`/`Suffix` and takes them back as sent.
                    "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "logs/"}]}},
                }
            ]
        },
    )
    rules = s3.get_bucket_notification_configuration(Bucket="open-enums")["QueueConfigurations"][0]["Filter"]
    assert rules["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "logs/"}]
