"""Throttling at AWS's quotas, answered as AWS does, and smtui's AwsSession riding it out.

Each test starts its own ``Sandbox(throttle=True)`` in a region of this module's own (moto's state is shared with the
session sandbox, but regional; the request log and the token buckets are per sandbox), so the shared
sandbox never throttles other tests and its CloudTrail history is left alone."""

from __future__ import annotations

import asyncio

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from smtui.aws.session import AwsSession
from smtui.sandbox.middleware import throttle_rate
from smtui.sandbox.server import ADMIN_KEY


@pytest.fixture
def throttled(own_sandbox):
    return own_sandbox(throttle=True)


def _client(sb, service):
    return boto3.client(
        service,
        region_name=sb.region,
        endpoint_url=sb.url,
        aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_quotas():
    assert throttle_rate("logs", "FilterLogEvents") == 5
    assert throttle_rate("logs", "GetLogEvents") == 10
    assert throttle_rate("logs", "DescribeLogStreams") == 25
    assert throttle_rate("cloudtrail", "LookupEvents") == 2
    assert throttle_rate("sagemaker", "ListTrainingJobs") == 2
    assert throttle_rate("sagemaker", "ListEndpoints") == 2
    assert throttle_rate("sagemaker", "DescribeTrainingJob") is None
    assert throttle_rate("logs", "PutLogEvents") is None


def test_throttling_answer_is_what_aws_sends(throttled):
    ct = _client(throttled, "cloudtrail")
    errors = []
    for _ in range(5):  # 2/s with no burst: back-to-back calls cannot all pass
        try:
            ct.lookup_events(MaxResults=1)
        except ClientError as exc:
            errors.append(exc)
    assert errors
    response = errors[0].response
    assert response["Error"] == {"Code": "ThrottlingException", "Message": "Rate exceeded"}
    meta = response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    assert meta["RequestId"]
    assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert throttled.count("cloudtrail", "LookupEvents", throttled=True) == len(errors)
    assert throttled.requests[-1].status in (200, 400)
    # unthrottled operations are never throttled
    logs = _client(throttled, "logs")
    for _ in range(8):
        logs.describe_log_groups(limit=1)
    assert throttled.count("logs", "DescribeLogGroups", throttled=True) == 0


def test_botocore_retries_a_throttle_by_itself(throttled):
    ct = boto3.client(
        "cloudtrail",
        region_name=throttled.region,
        endpoint_url=throttled.url,
        aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key="x",
        config=Config(retries={"mode": "standard", "total_max_attempts": 5}),
    )
    ct.lookup_events(MaxResults=1)
    answer = ct.lookup_events(MaxResults=1)  # throttled at first, then retried by botocore
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


async def test_awssession_survives_a_throttled_burst(throttled):
    aws = AwsSession(throttled.target())
    try:
        pages = await asyncio.gather(
            *(aws.call("sagemaker", "list_training_jobs", MaxResults=1) for _ in range(12))
        )
    finally:
        await aws.close()
    assert all("TrainingJobSummaries" in p for p in pages)
    assert throttled.count("sagemaker", "ListTrainingJobs", throttled=False) == 12
    assert throttled.max_per_second("sagemaker", "ListTrainingJobs") <= 2


def test_set_throttle_at_runtime(throttled):
    throttled.set_throttle(False)
    ct = _client(throttled, "cloudtrail")
    for _ in range(6):
        ct.lookup_events(MaxResults=1)
    throttled.set_throttle(True)
    with pytest.raises(ClientError) as raised:
        for _ in range(6):
            ct.lookup_events(MaxResults=1)
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"


def test_max_per_second_counts_a_sliding_window():
    from smtui.sandbox.middleware import RequestRecord, max_per_second

    log = [
        RequestRecord(0, "logs", "GetLogEvents", "k", 200, None, "", t)
        for t in (0.0, 0.5, 0.9, 1.0, 1.6, 2.7)
    ]
    assert max_per_second(log, "logs", "GetLogEvents") == 3  # 0.0, 0.5, 0.9
    log.append(RequestRecord(0, "logs", "GetLogEvents", "k", 400, "ThrottlingException", "", 0.95))
    assert max_per_second(log, "logs", "GetLogEvents") == 3
    assert max_per_second(log, "logs", "GetLogEvents", include_throttled=True) == 4
