"""The AWS access layer against the sandbox, over HTTP through aiobotocore."""

from __future__ import annotations

import asyncio
import time

import pytest

from smtui.aws.errors import AwsError
from smtui.aws.ratelimit import RateLimiter, RateWindow
from smtui.aws.resources import TRAINING


async def test_one_cached_client_per_service(aws):
    a = await aws.client("sagemaker")
    b = await aws.client("sagemaker")
    assert a is b
    assert await aws.client("logs") is not a


async def test_timestamps_are_utc_and_share_one_tzinfo(aws):
    """A 10,000-job listing holds 30,000 timestamps: each must not carry a tzinfo object of its own."""
    from datetime import UTC

    jobs = (await aws.call("sagemaker", "list_training_jobs", MaxResults=20))["TrainingJobSummaries"]
    stamps = [j[k] for j in jobs for k in ("CreationTime", "LastModifiedTime") if k in j]
    assert len(stamps) >= 20
    assert all(t.tzinfo is UTC for t in stamps)
    # the same instants as botocore's own parser gives (which makes a tzlocal() per timestamp)
    from botocore.utils import parse_timestamp

    assert parse_timestamp(stamps[0].timestamp()) == stamps[0]


async def test_refresh_ends_a_retry_pause_at_once(aws):
    """A log follow waiting out expired credentials (up to 30 s of backoff) tries again as soon as the user
    has refreshed them, not when its backoff ends."""
    waiting = asyncio.create_task(aws.pause(30))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    began = time.monotonic()
    await aws.refresh()
    await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - began < 5
    # and a pause that starts after the refresh is a pause again
    again = asyncio.create_task(aws.pause(30))
    await asyncio.sleep(0.1)
    assert not again.done()
    again.cancel()


async def test_a_failure_from_before_a_refresh_does_not_wait_out_its_backoff(aws):
    """The follow's poll that was in flight when the user refreshed fails after the refresh, with the old
    credentials: its backoff (here 30 s) must not hold the follow back (the cause of a flaky fault test)."""
    before = aws.refreshes
    await aws.refresh()
    await asyncio.wait_for(aws.pause(30, since=before), 2)
    # a failure with the credentials as they are now waits as before
    again = asyncio.create_task(aws.pause(30, since=aws.refreshes))
    await asyncio.sleep(0.1)
    assert not again.done()
    again.cancel()


async def test_pages_follow_next_token_to_the_end(sandbox, own_region):
    """Paging goes on while a token comes back, and stops when it does not."""
    import dataclasses

    from smtui.aws.session import AwsSession

    region = own_region()  # an account of this module's own: the seeded us-east-1 one stays as seeded
    import boto3

    sm = boto3.client(
        "sagemaker",
        region_name=region,
        endpoint_url=sandbox.url,
        aws_access_key_id="AKIAIOSFODNN7SANDBOX",
        aws_secret_access_key="x",
    )
    for name in ("paging-a-1", "other-1", "paging-a-2", "other-2", "paging-a-3"):
        sm.create_training_job(
            TrainingJobName=name,
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
            AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://b/o"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
            StoppingCondition={"MaxRuntimeInSeconds": 60},
        )
    session = AwsSession(dataclasses.replace(sandbox.target(), region=region))
    try:
        names, sizes = [], []
        params = {**TRAINING.list_params(), "MaxResults": 1, "NameContains": "paging-a"}
        async for page in session.pages("sagemaker", "list_training_jobs", **params):
            sizes.append(len(page["TrainingJobSummaries"]))
            names += [s["TrainingJobName"] for s in page["TrainingJobSummaries"]]
    finally:
        await session.close()
    assert sorted(names) == ["paging-a-1", "paging-a-2", "paging-a-3"]
    assert sizes[:3] == [1, 1, 1]


async def test_missing_resource_is_an_aws_error_with_code_and_request_id(aws):
    with pytest.raises(AwsError) as info:
        await aws.call("sagemaker", "describe_training_job", TrainingJobName="no-such-job")
    err = info.value
    assert err.code in ("ValidationException", "ResourceNotFound")
    assert err.is_not_found
    assert err.request_id
    assert err.http_status == 400
    assert err.operation == "DescribeTrainingJob"
    assert "no longer exists" in err.details()


async def test_every_request_is_counted_by_the_limiter(aws):
    await aws.call("sagemaker", "list_endpoints", MaxResults=1)
    assert aws.limiter.sent["sagemaker.ListEndpoints"] == 1
    await aws.call("logs", "describe_log_groups", limit=1)
    assert aws.limiter.sent["logs.DescribeLogGroups"] == 1


async def test_limiter_holds_the_quota_across_concurrent_callers(sandbox):
    from smtui.aws.session import AwsSession

    session = AwsSession(sandbox.target(), RateLimiter({"sagemaker.ListTrainingJobs": 4.0}))
    try:
        await session.client("sagemaker")
        start = time.monotonic()
        await asyncio.gather(
            *(session.call("sagemaker", "list_training_jobs", MaxResults=1) for _ in range(9))
        )
        elapsed = time.monotonic() - start
    finally:
        await session.close()
    # 9 requests at 4/s with a burst of 1 need at least 2 s; and never more than 4 in any second.
    assert elapsed >= 1.9
    assert session.limiter.max_per_second("sagemaker.ListTrainingJobs") <= 4


def test_window_allows_a_burst_of_the_quota_then_holds_it():
    now = [0.0]
    window = RateWindow(rate=4.0, clock=lambda: now[0])
    for _ in range(4):
        assert window.delay() == 0
        window._sent.append(now[0])
    assert window.delay() == pytest.approx(window.window)  # the fifth waits for the first to age out
    now[0] = window.window
    assert window.delay() == 0


def test_window_slows_down_on_throttling_and_recovers():
    now = [0.0]
    window = RateWindow(rate=2.0, clock=lambda: now[0])
    window.throttled()
    assert window.rate == 1.0 and window.delay() == pytest.approx(1.0)  # paused for one interval
    for _ in range(3):
        window.throttled()
    assert window.rate == pytest.approx(0.2)  # the floor
    now[0] = 10.0
    window._sent.append(now[0])
    assert window.delay() == pytest.approx(5.0)  # below 1/s, requests are spaced 1/rate apart
    for _ in range(100):
        window.succeeded()
    assert window.rate == 2.0


def test_no_textual_imports_in_the_data_layer():
    import subprocess
    import sys

    code = (
        "import sys, smtui.aws.session, smtui.aws.resources, smtui.aws.errors, smtui.aws.ratelimit;"
        "import pkgutil, importlib, smtui.aws as p;"
        "[importlib.import_module('smtui.aws.'+m.name) for m in pkgutil.iter_modules(p.__path__)];"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'aiobotocore', 'botocore')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "textual" not in out
    # aiobotocore is imported lazily, after the first frame
    assert "aiobotocore" not in out
