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
    """This module's own sandbox (shadows the shared one)."""
    return module_sandbox


@pytest.fixture
async def aws(sandbox):
    session = AwsSession(sandbox.target())
    yield session
    await session.close()


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


def test_assume_role_returns_source_identity(sandbox):
    sts = sandbox.boto3_client("sts")
    answer = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="bob", SourceIdentity="bob@example.com")
    assert answer["SourceIdentity"] == "bob@example.com"
    plain = sts.assume_role(RoleArn=ROLE_ARN, RoleSessionName="nobody")
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
