"""Logs Insights in the sandbox runs the queries smtui sends: moto alone ignores ``filter`` and gives back every
event of the window; the sandbox's answer, over the published CloudTrail corpus delivered to a log group as a
trail delivers it, holds exactly the records the filter selects. The rows are the server's, read without
smtui's client-side check, so a wrong query would show here."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from smtui.aws.errors import AwsError
from smtui.aws.trail.parse import parse_record, parse_time
from smtui.aws.trail.queries import NO_IDENTITY, ServerFilter, insights_query
from smtui.sandbox import insights_query as iq
from smtui.sandbox.fidelity_logs import ORIGINALS
from tests import trail_corpus as C

GROUP = "/aws/cloudtrail/published-corpus"
START, END = datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=1)


@pytest.fixture(scope="module")
def sandbox(module_sandbox):
    """This module's own sandbox (shadows the shared one), its group holding the corpus."""
    records = sorted(
        (p.record for p in C.load() if parse_time(p.record.get("eventTime"))),
        key=lambda r: parse_time(r["eventTime"]),
    )
    # Logs takes events of the last 14 days only: the published records keep their eventTime in the message and
    # arrive in its order over the last hour, as a trail's backlog would
    base = int((datetime.now(UTC) - timedelta(hours=1)).timestamp() * 1000)
    events = [{"timestamp": base + 10 * i, "message": json.dumps(r)} for i, r in enumerate(records)]
    logs = module_sandbox.boto3_client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="trail")
    logs.put_log_events(logGroupName=GROUP, logStreamName="trail", logEvents=events)
    module_sandbox.corpus = records
    return module_sandbox


async def _query(aws, query: str) -> list[dict[str, str]]:
    started = await aws.call(
        "logs",
        "start_query",
        logGroupName=GROUP,
        startTime=int(START.timestamp()),
        endTime=int(END.timestamp()),
        queryString=query,
    )
    page = await aws.call("logs", "get_query_results", queryId=started["queryId"])
    assert page["status"] == "Complete"
    return [{c["field"]: c["value"] for c in row} for row in page["results"]]


FILTERS = [
    {"source_identity": "JohnDoe", "event_source": None},
    {"source_identity": NO_IDENTITY, "event_source": None},
    {"event_source": "s3.amazonaws.com"},
    {"event_source": "sts.amazonaws.com", "event_name": "AssumeRole"},
    {"event_source": None, "event_name": "ConsoleLogin"},
    {"event_source": "sagemaker.amazonaws.com"},
]


def _ids(records):
    return sorted(json.dumps([r.get("eventID"), r.get("eventTime"), r.get("eventName")]) for r in records)


@pytest.mark.parametrize("kw", FILTERS, ids=lambda kw: " ".join(f"{k}={v!r}" for k, v in kw.items()))
async def test_the_query_smtui_sends_selects_what_its_filter_means(sandbox, aws, kw):
    flt = ServerFilter(START, END, **kw)
    rows = await _query(aws, insights_query(flt))
    # the same conditions on the client, over the records' own times (the query's window is the delivery's)
    anytime = dataclasses.replace(flt, start=datetime(2000, 1, 1, tzinfo=UTC))
    want = [r for r in sandbox.corpus if anytime.accepts(parse_record(json.dumps(r)))]
    assert want, "the filter selects nothing of the corpus: the comparison would say nothing"
    assert len(want) < len(sandbox.corpus)
    assert _ids(json.loads(row["@message"]) for row in rows) == _ids(want)
    times = [row["@timestamp"] for row in rows]
    assert times == sorted(times, reverse=True)  # sort @timestamp desc
    assert all(parse_time(t) for t in times)  # "2024-05-01 12:34:56.789", as GetQueryResults gives it


def test_moto_alone_ignores_the_filter(sandbox):
    from moto.logs.models import logs_backends

    group = logs_backends[sandbox.account_id][sandbox.region].groups[GROUP]
    flt = ServerFilter(START, END, source_identity="JohnDoe", event_source=None)
    rows = ORIGINALS["models.execute_query"]([group], insights_query(flt), 0, int(END.timestamp()))
    assert len(rows) == len(sandbox.corpus)  # every event, JohnDoe's or not


async def test_limit_and_ascending_order(aws):
    rows = await _query(
        aws,
        "fields @timestamp, @message | filter eventSource = 's3.amazonaws.com' | sort @timestamp asc | limit 3",
    )
    assert len(rows) == 3
    assert [r["@timestamp"] for r in rows] == sorted(r["@timestamp"] for r in rows)
    assert {json.loads(r["@message"])["eventSource"] for r in rows} == {"s3.amazonaws.com"}


async def test_a_query_that_does_not_parse_is_malformed(aws):
    with pytest.raises(AwsError) as err:
        await _query(aws, "fields @message | filter eventName = ")
    assert err.value.code == "MalformedQueryException"


def test_a_query_outside_the_subset_is_left_to_moto():
    assert iq.parse("fields @message | stats count(*) by eventName") is None
    assert iq.parse("fields @message | filter eventName in ['A', \"B\"] and not ispresent(x.y)") is not None
