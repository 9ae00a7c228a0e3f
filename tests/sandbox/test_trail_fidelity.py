"""CloudTrail LookupEvents in the sandbox: moto alone cannot serve it; the patch serves the recorder's
events with AWS's semantics (one attribute, time window, newest first, paging by opaque token).
Calls go through smtui's AwsSession (aiobotocore) over HTTP.

The events injected here live in the event history of a region of this module's own (CloudTrail is regional), so the seeded
us-east-1 history other tests read stays as seeded."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from smtui.aws.errors import AwsError
from smtui.sandbox import fidelity_trail
from smtui.sandbox.recorder import Recorder, iso

from ._moto_alone import moto_alone


@pytest.fixture(scope="module")
def sandbox(module_sandbox):
    """This module's own sandbox (shadows the shared one; the ``aws`` fixture then opens its session on it)."""
    return module_sandbox


def _source() -> str:
    """An EventSource no other test uses, so a lookup sees only this test's injected events."""
    return f"t{uuid.uuid4().hex[:12]}.amazonaws.com"


def _inject(sandbox, source: str, n: int, start: datetime, step: timedelta = timedelta(seconds=10), **extra):
    records = []
    for i in range(n):
        records.append(
            sandbox.recorder.add(
                {
                    "eventVersion": "1.09",
                    "eventTime": iso(start + i * step),
                    "eventSource": source,
                    "eventName": f"Op{i}",
                    "readOnly": i % 2 == 0,
                    "userIdentity": {"type": "IAMUser", "userName": "pager", "accessKeyId": "AKIAPAGER"},
                    **extra,
                }
            )
        )
    return records


async def _all_pages(aws, **params):
    pages = []
    async for page in aws.pages("cloudtrail", "lookup_events", **params):
        pages.append(page)
    return pages


def test_moto_alone_cannot_lookup_events():
    assert moto_alone()["lookup_events"] == {"ok": False, "status": 500, "code": "500"}
    # moto 5.2.5 has no handler at all: the patch is the only implementation
    assert fidelity_trail._original is None


async def test_pages_newest_first_without_duplicates(sandbox, aws):
    source = _source()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    records = _inject(sandbox, source, 120, start)
    attr = [{"AttributeKey": "EventSource", "AttributeValue": source}]
    pages = await _all_pages(aws, LookupAttributes=attr, MaxResults=50)
    assert [len(p["Events"]) for p in pages] == [50, 50, 20]
    assert "NextToken" not in pages[-1]
    events = [e for p in pages for e in p["Events"]]
    assert [e["EventId"] for e in events] == [r["eventID"] for r in reversed(records)]
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True)
    first = events[0]
    assert first["EventName"] == "Op119"
    assert first["EventSource"] == source
    assert first["ReadOnly"] == "false"
    assert first["Username"] == "pager"
    assert first["AccessKeyId"] == "AKIAPAGER"
    assert json.loads(first["CloudTrailEvent"]) == records[-1]


async def test_events_recorded_between_pages_do_not_shift_the_next_page(sandbox, aws):
    source = _source()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    records = _inject(sandbox, source, 30, start)
    attr = [{"AttributeKey": "EventSource", "AttributeValue": source}]
    first = await aws.call("cloudtrail", "lookup_events", LookupAttributes=attr, MaxResults=10)
    _inject(sandbox, source, 5, start + timedelta(minutes=30))  # newer than everything so far
    second = await aws.call(
        "cloudtrail", "lookup_events", LookupAttributes=attr, MaxResults=10, NextToken=first["NextToken"]
    )
    assert [e["EventId"] for e in second["Events"]] == [r["eventID"] for r in reversed(records[10:20])]


async def test_lookup_attributes_filter(sandbox, aws):
    source = _source()
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    _inject(
        sandbox, source, 4, start, resources=[{"type": "AWS::SageMaker::TrainingJob", "ARN": f"arn:{source}"}]
    )
    by_resource = await aws.call(
        "cloudtrail",
        "lookup_events",
        MaxResults=50,
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": f"arn:{source}"}],
    )
    assert len(by_resource["Events"]) == 4
    assert by_resource["Events"][0]["Resources"] == [
        {"ResourceType": "AWS::SageMaker::TrainingJob", "ResourceName": f"arn:{source}"}
    ]
    by_name = await aws.call(
        "cloudtrail",
        "lookup_events",
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "Op3"}],
        StartTime=start - timedelta(seconds=1),
        EndTime=start + timedelta(minutes=5),
    )
    assert [e["EventName"] for e in by_name["Events"] if e["EventSource"] == source] == ["Op3"]


async def test_sagemaker_calls_are_found_by_username_and_read_only(sandbox, aws):
    name = f"lookup-{uuid.uuid4().hex[:8]}"
    with pytest.raises(Exception):  # noqa: B017 - any failure is fine, the call is what gets recorded
        sandbox.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)
    found = await aws.call(
        "cloudtrail",
        "lookup_events",
        MaxResults=50,
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "sandbox-admin"}],
    )
    mine = [e for e in found["Events"] if name in e["CloudTrailEvent"]]
    assert mine and mine[0]["EventName"] == "DescribeTrainingJob"
    assert mine[0]["ReadOnly"] == "true"
    writes = await aws.call(
        "cloudtrail",
        "lookup_events",
        MaxResults=50,
        LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}],
    )
    assert all(e["ReadOnly"] == "false" for e in writes["Events"])


async def test_time_window_and_ninety_days(sandbox, aws):
    source = _source()
    now = datetime.now(UTC).replace(microsecond=0)
    sandbox.recorder.add(
        {"eventSource": source, "eventName": "Old", "eventTime": iso(now - timedelta(days=91))}
    )
    sandbox.recorder.add(
        {"eventSource": source, "eventName": "FiveDays", "eventTime": iso(now - timedelta(days=5))}
    )
    sandbox.recorder.add(
        {"eventSource": source, "eventName": "OneDay", "eventTime": iso(now - timedelta(days=1))}
    )
    attr = [{"AttributeKey": "EventSource", "AttributeValue": source}]
    everything = await aws.call("cloudtrail", "lookup_events", LookupAttributes=attr)
    assert [e["EventName"] for e in everything["Events"]] == ["OneDay", "FiveDays"]  # 90 days of history
    window = await aws.call(
        "cloudtrail",
        "lookup_events",
        LookupAttributes=attr,
        StartTime=now - timedelta(days=6),
        EndTime=now - timedelta(days=2),
    )
    assert [e["EventName"] for e in window["Events"]] == ["FiveDays"]


async def test_invalid_requests_fail_like_aws(aws):
    with pytest.raises(AwsError) as two:
        await aws.call(
            "cloudtrail",
            "lookup_events",
            LookupAttributes=[
                {"AttributeKey": "ReadOnly", "AttributeValue": "true"},
                {"AttributeKey": "Username", "AttributeValue": "alice"},
            ],
        )
    assert two.value.code == "InvalidLookupAttributesException"
    assert two.value.request_id
    page = await aws.call("cloudtrail", "lookup_events", MaxResults=1)
    assert page.get("NextToken")
    with pytest.raises(AwsError) as other_params:
        await aws.call(
            "cloudtrail",
            "lookup_events",
            NextToken=page["NextToken"],
            MaxResults=1,
            LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}],
        )
    assert other_params.value.code == "InvalidNextTokenException"
    with pytest.raises(AwsError) as garbage:
        await aws.call("cloudtrail", "lookup_events", NextToken="not-a-token")
    assert garbage.value.code == "InvalidNextTokenException"
    with pytest.raises(AwsError) as backwards:
        now = datetime.now(UTC)
        await aws.call("cloudtrail", "lookup_events", StartTime=now, EndTime=now - timedelta(hours=1))
    assert backwards.value.code == "InvalidTimeRangeException"


def test_max_results_bounds():
    """botocore validates only the lower bound client-side, so the server's own check is tested directly."""
    from moto.core.exceptions import ServiceException

    recorder = Recorder("123456789012", "us-east-1")
    for bad in (0, 51):
        with pytest.raises(ServiceException) as raised:
            fidelity_trail.lookup(recorder, {"MaxResults": bad})
        assert raised.value.code == "InvalidMaxResultsException"
    with pytest.raises(ServiceException) as raised:
        fidelity_trail.lookup(
            recorder, {"LookupAttributes": [{"AttributeKey": "SourceIdentity", "AttributeValue": "alice"}]}
        )
    assert raised.value.code == "InvalidLookupAttributesException"  # not a lookup attribute in AWS either


async def test_hostile_events_are_served_as_given(sandbox, aws):
    source = _source()
    truncated = '{"eventVersion": "1.09", "userIdentity": {"type": "AssumedRole", "sessionCon'
    sandbox.recorder.add({"eventSource": source, "eventName": "Truncated"}, cloudtrail_event=truncated)
    sandbox.recorder.add(
        {"eventSource": source, "eventName": "Huge", "requestParameters": {"blob": "x" * 200_000}}
    )
    sandbox.recorder.add(
        {
            "eventSource": source,
            "eventName": "Escapes",
            "userAgent": "\x1b[31mred\x1b]8;;http://evil\x07link\x1b]8;;\x07",
        }
    )
    found = await aws.call(
        "cloudtrail",
        "lookup_events",
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": source}],
    )
    by_name = {e["EventName"]: e for e in found["Events"]}
    assert by_name["Truncated"]["CloudTrailEvent"] == truncated
    assert len(json.loads(by_name["Huge"]["CloudTrailEvent"])["requestParameters"]["blob"]) == 200_000
    assert json.loads(by_name["Escapes"]["CloudTrailEvent"])["userAgent"].startswith("\x1b[31mred")
