"""SNS mobile push (platform applications and endpoints), SMS (attributes, sandbox numbers,
direct publishes) and email subscriptions: stored and inspectable through the API."""

import pytest
from botocore.exceptions import ClientError


ACCOUNT = "000000000000"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def sns(client):
    # A plain client: botocore's own model, result wrappers and all.
    return client("sns")


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_platform_application_lifecycle(sns):
    app = sns.create_platform_application(
        Name="ios-app", Platform="APNS", Attributes={"PlatformCredential": "secret", "PlatformPrincipal": "cert"}
    )["PlatformApplicationArn"]
    assert app == f"arn:aws:sns:{REGION}:{ACCOUNT}:app/APNS/ios-app"
    attrs = sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    assert attrs["Enabled"] == "true" and "PlatformCredential" not in attrs
    sns.set_platform_application_attributes(PlatformApplicationArn=app, Attributes={"EventEndpointCreated": "arn:x"})
    assert sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]["EventEndpointCreated"] == "arn:x"
    apps = sns.list_platform_applications()["PlatformApplications"]
    assert [a["PlatformApplicationArn"] for a in apps] == [app]
    with pytest.raises(ClientError) as e:
        sns.create_platform_application(Name="x", Platform="PIGEON", Attributes={"PlatformCredential": "c"})
    assert error_of(e)[0] == "InvalidParameter"
    sns.delete_platform_application(PlatformApplicationArn=app)
    with pytest.raises(ClientError) as e:
        sns.get_platform_application_attributes(PlatformApplicationArn=app)
    assert error_of(e)[0] == "NotFound"


def test_platform_endpoints_and_direct_publish(sns):
    app = sns.create_platform_application(Name="droid", Platform="GCM", Attributes={"PlatformCredential": "key"})[
        "PlatformApplicationArn"
    ]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="user-7")[
        "EndpointArn"
    ]
    assert endpoint.startswith(f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/droid/")
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="user-7")[
        "EndpointArn"
    ] == endpoint
    with pytest.raises(ClientError) as e:
        sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-1", CustomUserData="other")
    assert "already exists with the same Token, but different attributes" in error_of(e)[1]
    attrs = sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]
    assert attrs == {"CustomUserData": "user-7", "Token": "device-1", "Enabled": "true"}
    listed = sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]
    assert [e["EndpointArn"] for e in listed] == [endpoint]
    assert sns.publish(TargetArn=endpoint, Message="push!")["MessageId"]
    topic = sns.create_topic(Name="push-topic")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
    assert sub.startswith(topic)
    assert sns.publish(TopicArn=topic, Message="to every device")["MessageId"]
    sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
    with pytest.raises(ClientError) as e:
        sns.publish(TargetArn=endpoint, Message="push!")
    assert error_of(e) == ("EndpointDisabled", "Endpoint is disabled", 400)
    sns.delete_endpoint(EndpointArn=endpoint)
    sns.delete_endpoint(EndpointArn=endpoint)
    with pytest.raises(ClientError) as e:
        sns.get_endpoint_attributes(EndpointArn=endpoint)
    assert error_of(e) == ("NotFound", "Endpoint does not exist", 404)


def test_sms_attributes(sns):
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "MonthlySpendLimit": "5"})
    assert sns.get_sms_attributes()["attributes"] == {"DefaultSMSType": "Transactional", "MonthlySpendLimit": "5"}
    assert sns.get_sms_attributes(attributes=["MonthlySpendLimit"])["attributes"] == {"MonthlySpendLimit": "5"}
    with pytest.raises(ClientError) as e:
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert error_of(e)[0] == "InvalidParameter"


def test_sms_publish_and_opt_out(sns):
    assert sns.publish(PhoneNumber="+15555550100", Message="hi by sms")["MessageId"]
    with pytest.raises(ClientError) as e:
        sns.publish(PhoneNumber="555", Message="x")
    assert error_of(e)[0] == "InvalidParameter"
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15555550100")["isOptedOut"] is False
    assert sns.list_phone_numbers_opted_out()["phoneNumbers"] == []
    sns.opt_in_phone_number(phoneNumber="+15555550100")


def test_sms_sandbox_numbers(sns):
    assert sns.get_sms_sandbox_account_status()["IsInSandbox"] is True
    sns.create_sms_sandbox_phone_number(PhoneNumber="+15555550101")
    listed = sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"]
    assert listed == [{"PhoneNumber": "+15555550101", "Status": "Pending"}]
    with pytest.raises(ClientError) as e:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550101", OneTimePassword="0000000")
    assert error_of(e)[0] == "VerificationException"
    with pytest.raises(ClientError) as e:
        sns.verify_sms_sandbox_phone_number(PhoneNumber="+15555550199", OneTimePassword="123456")
    assert error_of(e)[0] == "ResourceNotFound"
    sns.delete_sms_sandbox_phone_number(PhoneNumber="+15555550101")
    assert sns.list_sms_sandbox_phone_numbers()["PhoneNumbers"] == []


def test_email_subscription_confirmed_by_token_gets_messages(sns):
    topic = sns.create_topic(Name="mails")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="ops@example.com", ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "true" and attrs["Protocol"] == "email-json"
    assert sns.publish(TopicArn=topic, Message="to the inbox")["MessageId"]
    sms = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550102")["SubscriptionArn"]
    assert sms.startswith(topic)  # SMS subscriptions need no confirmation
