"""The logs fidelity patches: each test shows moto alone still gets it wrong, then that the sandbox,
reached over HTTP through aiobotocore, answers as AWS does."""

from __future__ import annotations

import inspect
import uuid

import pytest

from smtui.aws.errors import AwsError
from smtui.sandbox import fidelity_logs
from smtui.sandbox.fidelity_logs import ORIGINALS
from smtui.sandbox.server import ACCOUNT_ID


def _backend():
    from moto.logs.models import logs_backends

    return logs_backends[ACCOUNT_ID]["us-east-1"]


@pytest.fixture
def group(sandbox):
    """A private group with streams job/algo-1, job/algo-2 and job-2/algo-1, events interleaved in time."""
    import time

    logs = sandbox.boto3_client("logs")
    name = f"/test/fidelity/{uuid.uuid4().hex[:10]}"
    logs.create_log_group(logGroupName=name)
    base = int(time.time() * 1000) - 60_000
    layout = {
        "job/algo-1-1700000000": [(0, "ERROR timeout a1"), (20, "INFO a1 ok"), (40, "WARN a1 slow")],
        "job/algo-2-1700000000": [(10, "INFO a2 ok"), (20, "ERROR disk a2"), (30, "DEBUG a2 noise")],
        "job-2/algo-1-1700000001": [(5, "ERROR other job"), (25, "INFO other job")],
    }
    for stream, events in layout.items():
        logs.create_log_stream(logGroupName=name, logStreamName=stream)
        logs.put_log_events(
            logGroupName=name,
            logStreamName=stream,
            logEvents=[{"timestamp": base + dt, "message": m} for dt, m in events],
        )
    yield {"name": name, "base": base, "arn": f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:{name}"}
    logs.delete_log_group(logGroupName=name)


async def _filter_all(aws, **params) -> tuple[list[dict], int]:
    events, pages = [], 0
    async for page in aws.pages(
        "logs", "filter_log_events", token_in="nextToken", token_out="nextToken", **params
    ):
        events += page["events"]
        pages += 1
    return events, pages


# ---------------------------------------------------------------- _find_log_group


async def test_bogus_identifier_is_not_found(aws, group):
    bogus = f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/does/not/exist"
    wrong = ORIGINALS["LogsBackend._find_log_group"](_backend(), log_group_id=bogus)
    assert wrong is not None  # moto alone: resolves to the last-created group
    with pytest.raises(AwsError) as err:
        await aws.call("logs", "describe_log_streams", logGroupIdentifier=bogus)
    assert err.value.code == "ResourceNotFoundException"


async def test_identifier_by_arn_or_name_resolves_that_group_and_pages(aws, group):
    for ident in (group["arn"], group["name"]):
        names, token = [], None
        while True:
            extra = {"nextToken": token} if token else {}
            page = await aws.call("logs", "describe_log_streams", logGroupIdentifier=ident, limit=1, **extra)
            names += [s["logStreamName"] for s in page["logStreams"]]
            token = page.get("nextToken")
            if not token:
                break
        assert names == ["job-2/algo-1-1700000001", "job/algo-1-1700000000", "job/algo-2-1700000000"]
    got = await aws.call(
        "logs",
        "get_log_events",
        logGroupIdentifier=group["arn"],
        logStreamName="job/algo-1-1700000000",
        startFromHead=True,
    )
    assert [e["message"] for e in got["events"]] == ["ERROR timeout a1", "INFO a1 ok", "WARN a1 slow"]


async def test_an_arn_ending_in_star_is_rejected_as_aws_does(aws, group):
    """DescribeLogGroups' ``arn`` ends in ``:*`` (for IAM policies); as an identifier AWS rejects it, and so
    does moto's own (AWS-verified) check: the sandbox no longer strips the suffix."""
    from moto.logs.exceptions import InvalidParameterException

    with pytest.raises(InvalidParameterException):
        ORIGINALS["LogsBackend._find_log_group"](_backend(), log_group_id=group["arn"] + ":*")
    for op, extra in (
        ("describe_log_streams", {}),
        ("get_log_events", {"logStreamName": "job/algo-1-1700000000"}),
    ):
        with pytest.raises(AwsError) as err:
            await aws.call("logs", op, logGroupIdentifier=group["arn"] + ":*", **extra)
        assert err.value.code == "InvalidParameterException"
        assert "Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*" in err.value.message


async def test_stop_query_answers_as_aws_does(aws, group):
    assert ORIGINALS["LogsResponse.stop_query"] is None  # moto alone: HTTP 500, not implemented
    started = await aws.call(
        "logs",
        "start_query",
        logGroupName=group["name"],
        startTime=0,
        endTime=2_000_000_000,
        queryString="fields @message",
    )
    stopped = await aws.call("logs", "stop_query", queryId=started["queryId"])
    assert stopped["success"] is False  # already complete
    with pytest.raises(AwsError) as err:
        await aws.call("logs", "stop_query", queryId="00000000-0000-0000-0000-000000000000")
    assert err.value.code == "ResourceNotFoundException"


# ---------------------------------------------------------------- FilterLogEvents


async def test_prefix_is_honoured(aws, group):
    assert (
        "log_stream_name_prefix"
        not in inspect.signature(ORIGINALS["LogsBackend.filter_log_events"]).parameters
    )
    events, _ = await _filter_all(aws, logGroupName=group["name"], logStreamNamePrefix="job/")
    assert {e["logStreamName"] for e in events} == {"job/algo-1-1700000000", "job/algo-2-1700000000"}


async def test_results_are_interleaved_by_time(aws, group):
    wrong, _, _ = ORIGINALS["LogsBackend.filter_log_events"](
        _backend(), group["name"], [], None, None, None, None, "", False
    )
    stamps = [e["timestamp"] for e in wrong]
    assert stamps != sorted(stamps)  # moto alone: stream after stream unless interleaved=True
    events, _ = await _filter_all(aws, logGroupName=group["name"])
    assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
    assert [e["message"] for e in events][:3] == ["ERROR timeout a1", "ERROR other job", "INFO a2 ok"]
    # equal timestamps keep ingestion order
    same = [e for e in events if e["timestamp"] == group["base"] + 20]
    assert [e["message"] for e in same] == ["INFO a1 ok", "ERROR disk a2"]


async def test_pattern_language(aws, group):
    wrong, _, _ = ORIGINALS["LogsBackend.filter_log_events"](
        _backend(), group["name"], [], None, None, None, None, "?WARN ?DEBUG", True
    )
    assert len(wrong) == 8  # moto alone: "?" matches everything
    wrong, _, _ = ORIGINALS["LogsBackend.filter_log_events"](
        _backend(), group["name"], [], None, None, None, None, "ERROR -disk", True
    )
    assert wrong == []  # moto alone: "-term" matches nothing

    async def msgs(pattern):
        return [
            e["message"]
            for e in (await _filter_all(aws, logGroupName=group["name"], filterPattern=pattern))[0]
        ]

    assert await msgs("?WARN ?DEBUG") == ["DEBUG a2 noise", "WARN a1 slow"]
    assert await msgs("ERROR -disk") == ["ERROR timeout a1", "ERROR other job"]
    assert await msgs('"other job"') == ["ERROR other job", "INFO other job"]
    assert await msgs("%a[12] ok%") == ["INFO a2 ok", "INFO a1 ok"]
    assert await msgs("error") == []  # case-sensitive


async def test_invalid_pattern_is_http_400_invalid_parameter(aws, group):
    with pytest.raises(AwsError) as err:
        await aws.call("logs", "filter_log_events", logGroupName=group["name"], filterPattern="%(a|b)%")
    assert err.value.code == "InvalidParameterException"
    assert err.value.http_status == 400
    assert "Invalid filter pattern" in err.value.message


async def test_names_and_prefix_are_exclusive(aws, group):
    with pytest.raises(AwsError) as err:
        await aws.call(
            "logs",
            "filter_log_events",
            logGroupName=group["name"],
            logStreamNamePrefix="job/",
            logStreamNames=["job/algo-1-1700000000"],
        )
    assert err.value.code == "InvalidParameterException"
    events, _ = await _filter_all(aws, logGroupName=group["name"], logStreamNames=["job-2/algo-1-1700000001"])
    assert [e["message"] for e in events] == ["ERROR other job", "INFO other job"]


async def test_time_window_limit_paging_and_stable_event_ids(aws, group):
    base = group["base"]
    events, _ = await _filter_all(aws, logGroupName=group["name"], startTime=base + 10, endTime=base + 30)
    assert [e["timestamp"] - base for e in events] == [10, 20, 20, 25, 30]
    full, _ = await _filter_all(aws, logGroupName=group["name"])
    paged, pages = await _filter_all(aws, logGroupName=group["name"], limit=3)
    assert pages == 3
    assert [e["eventId"] for e in paged] == [e["eventId"] for e in full]
    assert len({e["eventId"] for e in full}) == len(full) == 8
    again, _ = await _filter_all(aws, logGroupName=group["name"])
    assert [e["eventId"] for e in again] == [e["eventId"] for e in full]


async def test_only_a_missing_token_ends_paging(aws, group, monkeypatch):
    monkeypatch.setattr(fidelity_logs, "SCAN_BUDGET", 2)
    first = await aws.call("logs", "filter_log_events", logGroupName=group["name"], filterPattern="DEBUG")
    assert first["events"] == [] and first.get("nextToken")  # an empty page that still carries a token
    events, pages = await _filter_all(aws, logGroupName=group["name"], filterPattern="DEBUG")
    assert [e["message"] for e in events] == ["DEBUG a2 noise"] and pages == 4


async def test_log_group_identifier_is_accepted(aws, group):
    from moto.logs.exceptions import ResourceNotFoundException

    with pytest.raises(ResourceNotFoundException):  # moto alone: only logGroupName works
        ORIGINALS["LogsBackend.filter_log_events"](_backend(), None, [], None, None, None, None, "", True)
    events, _ = await _filter_all(aws, logGroupIdentifier=group["arn"], filterPattern="ERROR")
    assert len(events) == 3


# ---------------------------------------------------------------- GetLogEvents endTime


async def test_get_log_events_end_time_is_exclusive(aws, group):
    base = group["base"]
    stream = _backend().groups[group["name"]].streams["job/algo-1-1700000000"]
    wrong, _, _ = ORIGINALS["LogStream.get_log_events"](stream, base, base + 20, None, None, True)
    assert [e["message"] for e in wrong] == ["ERROR timeout a1", "INFO a1 ok"]  # moto alone: inclusive
    got = await aws.call(
        "logs",
        "get_log_events",
        logGroupName=group["name"],
        logStreamName=stream.log_stream_name,
        startTime=base,
        endTime=base + 20,
        startFromHead=True,
    )
    assert [e["message"] for e in got["events"]] == ["ERROR timeout a1"]
    got = await aws.call(
        "logs",
        "get_log_events",
        logGroupName=group["name"],
        logStreamName=stream.log_stream_name,
        startTime=base,
        endTime=base + 21,
        startFromHead=True,
    )
    assert [e["message"] for e in got["events"]] == ["ERROR timeout a1", "INFO a1 ok"]
