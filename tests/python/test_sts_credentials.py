"""STS as AWS behaves: who the caller is, temporary credentials of every kind (ASIA keys
with session tokens) that later calls are recognised by, and the odd helpers."""

import base64
import json
import re
import time

import boto3
import pytest
from botocore.exceptions import ClientError

import harness

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/service/app-role"
OTHER_ACCOUNT_ROLE = "arn:aws:iam::111122223333:role/cross"


@pytest.fixture
def sts(client):
    return client("sts")


@pytest.fixture
def as_credentials(endpoint):
    """as_credentials(service, creds) -> a client signing with the given credentials."""

    def make(service, key, secret, token=None):
        return boto3.Session().client(
            service,
            endpoint_url=endpoint,
            config=harness.BASE_CONFIG,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
        )

    return make


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def check_temporary(creds):
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"])
    assert len(creds["SecretAccessKey"]) == 40
    assert creds["SessionToken"]
    assert creds["Expiration"].timestamp() > time.time()


def jwt(claims):
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'RS256', 'kid': 'k'})}.{enc(claims)}.c2lnbmF0dXJl"


def test_default_caller_is_root(sts):
    identity = sts.get_caller_identity()
    assert identity == {**identity, "Account": ACCOUNT, "UserId": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:root"}


def test_assume_role_credentials_are_recognised(sts, as_credentials):
    out = sts.assume_role(RoleArn=ROLE, RoleSessionName="my-session", DurationSeconds=900)
    check_temporary(out["Credentials"])
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app-role/my-session"
    assert re.fullmatch(r"AROA[A-Z0-9]{17}:my-session", out["AssumedRoleUser"]["AssumedRoleId"])
    c = out["Credentials"]
    role_sts = as_credentials("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    identity = role_sts.get_caller_identity()
    assert identity["Arn"] == out["AssumedRoleUser"]["Arn"]
    assert identity["UserId"] == out["AssumedRoleUser"]["AssumedRoleId"]
    # Cross-account roles act in the role's account.
    cross = sts.assume_role(RoleArn=OTHER_ACCOUNT_ROLE, RoleSessionName="x1")["Credentials"]
    cross_sts = as_credentials("sts", cross["AccessKeyId"], cross["SecretAccessKey"], cross["SessionToken"])
    assert cross_sts.get_caller_identity()["Account"] == "111122223333"
    assert sts.get_access_key_info(AccessKeyId=cross["AccessKeyId"])["Account"] == "111122223333"
    # Role chaining is limited to an hour.
    with pytest.raises(ClientError) as e:
        role_sts.assume_role(RoleArn=ROLE, RoleSessionName="chained", DurationSeconds=7200)
    assert error(e)[0] == "ValidationError"


def test_assume_role_validation(sts):
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn="arn:aws:iam::000000000000:user/bob", RoleSessionName="s1")
    assert error(e) == ("ValidationError", "Request ARN is invalid")
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="bad name")
    assert error(e)[0] == "ValidationError"
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=ROLE, RoleSessionName="s1", DurationSeconds=43201)
    assert error(e)[0] == "ValidationError"


def test_session_and_federation_tokens(sts, as_credentials):
    session = sts.get_session_token(DurationSeconds=900)["Credentials"]
    check_temporary(session)
    via_session = as_credentials("sts", session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert via_session.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    with pytest.raises(ClientError) as e:
        via_session.get_session_token()
    assert error(e)[0] == "AccessDenied"
    fed = sts.get_federation_token(Name="bob", Policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
    check_temporary(fed["Credentials"])
    assert fed["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    assert fed["PackedPolicySize"] > 0
    c = fed["Credentials"]
    fed_sts = as_credentials("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert fed_sts.get_caller_identity()["UserId"] == f"{ACCOUNT}:bob"


def test_assume_role_with_web_identity(sts, as_credentials):
    token = jwt({"sub": "user-42", "aud": "my-client", "iss": "https://idp.example.com", "exp": int(time.time()) + 600})
    # AssumeRoleWithWebIdentity needs no AWS credentials at all.
    out = sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="web", WebIdentityToken=token)
    check_temporary(out["Credentials"])
    assert out["SubjectFromWebIdentityToken"] == "user-42"
    assert out["Audience"] == "my-client"
    assert out["Provider"] == "idp.example.com"
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app-role/web"
    c = out["Credentials"]
    web_sts = as_credentials("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert web_sts.get_caller_identity()["Arn"] == out["AssumedRoleUser"]["Arn"]
    # OAuth 2.0 access tokens are not JWTs; the provider comes from ProviderId.
    oauth = sts.assume_role_with_web_identity(
        RoleArn=ROLE, RoleSessionName="fb", WebIdentityToken="opaque-access-token", ProviderId="graph.facebook.com"
    )
    assert oauth["Provider"] == "graph.facebook.com" and oauth["SubjectFromWebIdentityToken"]
    expired = jwt({"sub": "u", "aud": "a", "iss": "https://idp.example.com", "exp": 1000})
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="web", WebIdentityToken=expired)
    assert error(e)[0] == "ExpiredTokenException"


def test_assume_role_with_web_identity_unsigned(endpoint):
    from botocore import UNSIGNED
    from botocore.config import Config

    anonymous = boto3.Session().client(
        "sts", endpoint_url=endpoint, config=harness.BASE_CONFIG.merge(Config(signature_version=UNSIGNED))
    )
    token = jwt({"sub": "anon", "aud": "c", "iss": "https://idp.example.com", "exp": int(time.time()) + 600})
    out = anonymous.assume_role_with_web_identity(RoleArn=ROLE, RoleSessionName="anon", WebIdentityToken=token)
    assert out["SubjectFromWebIdentityToken"] == "anon"


SAML = """<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">
<saml:Issuer>https://idp.example.com/saml</saml:Issuer>
<saml:Assertion><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">alice@example.com</saml:NameID></saml:Subject>
<saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions>
<saml:AttributeStatement>
<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement></saml:Assertion></samlp:Response>"""


def test_assume_role_with_saml(sts, as_credentials):
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/MyIdP"
    out = sts.assume_role_with_saml(
        RoleArn=ROLE, PrincipalArn=provider, SAMLAssertion=base64.b64encode(SAML.encode()).decode()
    )
    check_temporary(out["Credentials"])
    assert out["Subject"] == "alice@example.com"
    assert out["SubjectType"] == "persistent"
    assert out["Issuer"] == "https://idp.example.com/saml"
    assert out["Audience"] == "https://signin.aws.amazon.com/saml"
    assert base64.b64decode(out["NameQualifier"])  # BASE64(SHA1(issuer + account + "/MyIdP"))
    import hashlib

    expected = base64.b64encode(hashlib.sha1(f"https://idp.example.com/saml{ACCOUNT}/MyIdP".encode()).digest())
    assert out["NameQualifier"] == expected.decode()
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/app-role/alice"
    c = out["Credentials"]
    saml_sts = as_credentials("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert saml_sts.get_caller_identity()["Arn"].endswith("assumed-role/app-role/alice")
    # An assertion that is not base64 XML still yields a session, with defaults.
    plain = sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=provider, SAMLAssertion="x" * 8)
    assert plain["Subject"] and plain["Issuer"]
    with pytest.raises(ClientError) as e:
        sts.assume_role_with_saml(RoleArn=ROLE, PrincipalArn=f"arn:aws:iam::{ACCOUNT}:user/nope", SAMLAssertion="x" * 8)
    assert error(e)[0] == "ValidationError"


def test_get_access_key_info(sts):
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == ACCOUNT


def test_decode_authorization_message(sts):
    message = {"allowed": False, "explicitDeny": False, "context": {"action": "s3:GetObject"}}
    encoded = base64.b64encode(json.dumps(message).encode()).decode()
    assert json.loads(sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]) == message
    with pytest.raises(ClientError) as e:
        sts.decode_authorization_message(EncodedMessage="not-an-encoded-message")
    assert error(e)[0] == "InvalidAuthorizationMessageException"


def test_cli_get_caller_identity(aws_cli):
    out = aws_cli("sts", "get-caller-identity")
    assert out["Account"] == ACCOUNT and out["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_iam_user_access_key_is_recognised(client, as_credentials):
    iam = client("iam")
    user = iam.create_user(UserName="sts-caller")["User"]
    key = iam.create_access_key(UserName="sts-caller")["AccessKey"]
    user_sts = as_credentials("sts", key["AccessKeyId"], key["SecretAccessKey"])
    identity = user_sts.get_caller_identity()
    assert identity["Arn"] == user["Arn"]
    assert identity["UserId"] == user["UserId"]
    assert identity["Account"] == ACCOUNT
    # A session token keeps the user's identity, and the user's (not root's) duration limits.
    session = user_sts.get_session_token(DurationSeconds=7200)["Credentials"]
    assert session["Expiration"].timestamp() - time.time() > 3600
    session_sts = as_credentials("sts", session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert session_sts.get_caller_identity()["Arn"] == user["Arn"]
    fed = user_sts.get_federation_token(Name="fed-user", DurationSeconds=7200)["Credentials"]
    assert fed["Expiration"].timestamp() - time.time() > 3600


def test_assume_iam_role_uses_its_id_and_max_session_duration(client, sts):
    iam = client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="sts-iam-role", AssumeRolePolicyDocument=json.dumps(trust), MaxSessionDuration=3600)["Role"]
    out = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert out["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:s1"
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7200)
    assert error(e) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
