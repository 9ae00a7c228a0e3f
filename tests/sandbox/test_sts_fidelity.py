"""STS AssumeRole SourceIdentity: moto alone drops it; the sandbox validates it, returns it, and
CloudTrail records it in both documented places. End to end over HTTP: Studio credentials -> a
SageMaker call through aiobotocore -> LookupEvents through smtui's AwsSession.

The sessions and records made here live in a region of this module's own (CloudTrail is regional), so the seeded
us-east-1 history other tests read keeps only its own identities."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from smtui.aws.session import AwsSession
from smtui.sandbox.fidelity_sts import validate
from smtui.sandbox.server import ACCOUNT_ID

from ._moto_alone import moto_alone

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"


@pytest.fixture(scope="module")
def sandbox(module_sandbox):
    """This module's own sandbox (shadows the shared one; the ``aws`` fixture then opens its session on it)."""
    return module_sandbox


def test_moto_alone_drops_and_does_not_validate_source_identity():
    alone = moto_alone()
    assert "SourceIdentity" not in alone["assume_role_keys"]
    assert alone["invalid_source_identity"] == "accepted"


async def test_source_identity_reaches_cloudtrail_end_to_end(sandbox, aws):
    creds = sandbox.studio_credentials("alice")
    job = f"si-e2e-{uuid.uuid4().hex[:8]}"
    studio = AwsSession(sandbox.target(creds))
    try:
        created = await studio.call(
            "sagemaker",
            "create_training_job",
            TrainingJobName=job,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=ROLE_ARN,
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
    finally:
        await studio.close()
    arn = created["TrainingJobArn"]

    found = await aws.call(
        "cloudtrail",
        "lookup_events",
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": arn}],
    )
    (event,) = found["Events"]
    assert event["EventName"] == "CreateTrainingJob"
    assert event["Username"] == "alice"  # the session name, for an assumed role
    assert event["AccessKeyId"] == creds["aws_access_key_id"]
    record = json.loads(event["CloudTrailEvent"])
    identity = record["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/SageMakerExecutionRole/alice"
    assert identity["principalId"].endswith(":alice")
    assert identity["sessionContext"]["sourceIdentity"] == "alice"
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert issuer == {
        "type": "Role",
        "principalId": issuer["principalId"],
        "arn": ROLE_ARN,
        "accountId": ACCOUNT_ID,
        "userName": "SageMakerExecutionRole",
    }
    assert identity["sessionContext"]["attributes"]["mfaAuthenticated"] == "false"
    assert record["responseElements"] == {"trainingJobArn": arn}

    # the AssumeRole call itself carries requestParameters.sourceIdentity
    assume = [
        e
        for e in sandbox.recorder.events
        if e.get("eventName") == "AssumeRole"
        and (e.get("responseElements") or {}).get("credentials", {}).get("accessKeyId")
        == creds["aws_access_key_id"]
    ]
    (assume,) = assume
    assert assume["eventSource"] == "sts.amazonaws.com"
    assert assume["requestParameters"] == {
        "roleArn": ROLE_ARN,
        "roleSessionName": "alice",
        "sourceIdentity": "alice",
    }
    assert assume["responseElements"]["sourceIdentity"] == "alice"
    assert "sessionToken" not in json.dumps(assume)


#: a role the account's own principals may assume, setting a SourceIdentity
TEAM_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        }
    ],
}


def test_assume_role_returns_source_identity(sandbox):
    team = sandbox.ensure_role("TeamRole", TEAM_TRUST)
    sts = sandbox.boto3_client("sts")
    answer = sts.assume_role(RoleArn=team, RoleSessionName="bob", SourceIdentity="bob@example.com")
    assert answer["SourceIdentity"] == "bob@example.com"
    plain = sts.assume_role(RoleArn=team, RoleSessionName="nobody")
    assert "SourceIdentity" not in plain


@pytest.mark.parametrize("value", ["a b", "aws:alice", "x" * 65, "é!"])
def test_invalid_source_identity_is_a_validation_error(sandbox, value):
    sts = sandbox.boto3_client("sts")
    with pytest.raises(ClientError) as raised:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="carol", SourceIdentity=value)
    assert raised.value.response["Error"]["Code"] == "ValidationError"


def test_one_character_source_identity_is_refused_by_the_server_too(sandbox):
    import boto3
    from botocore.config import Config

    # botocore checks the minimum length itself; switch that off to reach the server
    sts = boto3.client(
        "sts",
        region_name=sandbox.region,
        endpoint_url=sandbox.url,
        aws_access_key_id="AKIAX",
        aws_secret_access_key="x",
        config=Config(parameter_validation=False),
    )
    with pytest.raises(ClientError) as raised:
        sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="carol", SourceIdentity="a")
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "greater than or equal to 2" in raised.value.response["Error"]["Message"]


def test_validate_rules():
    assert validate("alice@example.com") is None
    assert validate("a_b+c=d,e.f@g-h") is None
    assert validate("ab") is None and validate("x" * 64) is None
    assert validate("a") and validate("x" * 65) and validate("aws:me") and validate("a/b")


def test_source_identity_survives_role_chaining_and_cannot_change(sandbox):
    sandbox.ensure_role("Other", TEAM_TRUST)
    creds = sandbox.studio_credentials("dave")
    sts = sandbox.boto3_client("sts", **creds)
    chained = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Other", RoleSessionName="chained")
    assert chained["SourceIdentity"] == "dave"
    with pytest.raises(ClientError) as raised:
        sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/Other",
            RoleSessionName="chained",
            SourceIdentity="mallory",
        )
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    c = chained["Credentials"]
    sandbox.boto3_client(
        "sagemaker",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
    ).list_training_jobs(MaxResults=1)
    last = [
        e
        for e in sandbox.recorder.events
        if (e.get("userIdentity") or {}).get("accessKeyId") == c["AccessKeyId"]
    ][-1]
    assert last["userIdentity"]["sessionContext"]["sourceIdentity"] == "dave"
    assert last["userIdentity"]["arn"].endswith("assumed-role/Other/chained")


# ---------------------------------------------------------------------------------------------- trust


def _denied(call) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    return raised.value.response["Error"]["Message"]


def test_moto_alone_lets_anyone_assume_any_role_for_ever():
    alone = moto_alone()
    assert alone["other_account_role"] == "assumed"
    assert alone["untrusted_role"] == "assumed"  # a role that trusts only sagemaker.amazonaws.com
    assert alone["expired_session"] == "works"


def test_the_role_must_exist_and_trust_the_caller(sandbox):
    sts = sandbox.boto3_client("sts")
    message = _denied(
        lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/NoSuchRole", RoleSessionName="me")
    )
    assert message == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/sandbox-admin is not authorized to perform: sts:AssumeRole "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:role/NoSuchRole"
    )
    _denied(lambda: sts.assume_role(RoleArn="arn:aws:iam::999999999999:role/Theirs", RoleSessionName="me"))
    # the Studio execution role trusts SageMaker only: the admin may not assume it, SageMaker may
    sandbox.studio_credentials("erin")
    _denied(lambda: sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="me"))


def test_setting_a_source_identity_needs_set_source_identity_in_the_trust_policy(sandbox):
    arn = sandbox.ensure_role(
        "NoSourceIdentity",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID}, "Action": "sts:AssumeRole"},
            ],
        },
    )
    sts = sandbox.boto3_client("sts")
    assert sts.assume_role(RoleArn=arn, RoleSessionName="plain")["Credentials"]["AccessKeyId"]
    message = _denied(lambda: sts.assume_role(RoleArn=arn, RoleSessionName="si", SourceIdentity="frank"))
    assert "sts:SetSourceIdentity" in message
    # a session that carries one cannot chain into that role either: the identity would be set there
    chained = sandbox.boto3_client("sts", **sandbox.studio_credentials("frank"))
    assert "sts:SetSourceIdentity" in _denied(
        lambda: chained.assume_role(RoleArn=arn, RoleSessionName="chain")
    )


def test_a_deny_statement_wins(sandbox):
    arn = sandbox.ensure_role(
        "Denied",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:*"},
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/sandbox-admin"},
                    "Action": "sts:AssumeRole",
                },
            ],
        },
    )
    _denied(lambda: sandbox.boto3_client("sts").assume_role(RoleArn=arn, RoleSessionName="d1"))


def test_a_session_expires_after_its_duration(own_sandbox):
    sb = own_sandbox("expiry")
    sb.clock.freeze()  # only advance() moves it: how long the calls take on a loaded machine does not count
    arn = sb.ensure_role("ShortLived", TEAM_TRUST)
    c = sb.boto3_client("sts").assume_role(RoleArn=arn, RoleSessionName="brief", DurationSeconds=900)
    creds = {
        "aws_access_key_id": c["Credentials"]["AccessKeyId"],
        "aws_secret_access_key": c["Credentials"]["SecretAccessKey"],
        "aws_session_token": c["Credentials"]["SessionToken"],
    }
    sm = sb.boto3_client("sagemaker", **creds)
    sts = sb.boto3_client("sts", **creds)
    sm.list_training_jobs(MaxResults=1)
    sb.clock.advance(899)
    assert sts.get_caller_identity()["Arn"].endswith("assumed-role/ShortLived/brief")
    sb.clock.advance(2)  # past the 15 minutes it was given
    for client, code in ((sm, "ExpiredTokenException"), (sts, "ExpiredToken")):
        with pytest.raises(ClientError) as raised:
            client.list_training_jobs(MaxResults=1) if client is sm else client.get_caller_identity()
        assert raised.value.response["Error"]["Code"] == code
        assert (
            raised.value.response["Error"]["Message"]
            == "The security token included in the request is expired"
        )
    sb.boto3_client("sagemaker").list_training_jobs(MaxResults=1)  # the admin's keys do not expire
    with pytest.raises(ClientError) as raised:  # longer than the role allows (MaxSessionDuration 1 h)
        sb.boto3_client("sts").assume_role(RoleArn=arn, RoleSessionName="long", DurationSeconds=7200)
    assert raised.value.response["Error"]["Code"] == "ValidationError"
