"""The CloudTrail Lake flow: StartQuery, poll GetQueryResults (QUEUED, RUNNING), FINISHED with pages,
and the failure states.

This file uses botocore's Stubber, and only because the sandbox cannot produce these answers: moto
5.2.5 does not implement CloudTrail Lake at all (StartQuery answers HTTP 500, see
aws-api-semantics.md), and a fake SQL engine would test our fake rather than the flow. The stubber
checks every request against the botocore model, so the parameters smtui sends are the real API's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiobotocore.stub import AioStubber

from smtui.aws import trail
from smtui.aws.errors import AwsError
from smtui.aws.session import AwsSession
from smtui.aws.target import AwsTarget

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
QID1, QID2, QID3, QID4 = (f"{n}1234567-89ab-cdef-0123-456789abcdef" for n in "1234")
EDS = "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"


def row(eid, si, name="CreateTrainingJob", when="2026-11-27 11:00:00.000"):
    cells = [
        {"eventID": eid},
        {"eventTime": when},
        {"eventName": name},
        {"eventSource": "sagemaker.amazonaws.com"},
        {"userIdentity.type": "AssumedRole"},
        {"userIdentity.arn": f"arn:aws:sts::123456789012:assumed-role/SageMakerExecutionRole/{si}"},
        {"sourceIPAddress": "10.0.0.1"},
        {"readOnly": "false"},
    ]
    if si:
        cells.append({"userIdentity.sessionContext.sourceIdentity": si})
    return cells


@pytest.fixture
async def stubbed():
    # loopback endpoint that is never contacted: the stubber answers before anything is sent
    aws = AwsSession(
        AwsTarget(
            region="us-east-1", endpoint_url="http://127.0.0.1:9", access_key="AKIDSTUB", secret_key="stub"
        )
    )
    client = await aws.client("cloudtrail")
    with AioStubber(client) as stub:
        yield aws, stub
    await aws.close()


async def test_lake_start_poll_finish_and_pages(stubbed):
    aws, stub = stubbed
    sql = trail.lake_sql(EDS, trail.ServerFilter(T0 - timedelta(days=30), T0, source_identity="alice"))
    stub.add_response("start_query", {"QueryId": QID1}, {"QueryStatement": sql})
    stub.add_response("get_query_results", {"QueryStatus": "QUEUED"}, {"QueryId": QID1})
    stub.add_response(
        "get_query_results",
        {"QueryStatus": "RUNNING", "QueryStatistics": {"BytesScanned": 5000}},
        {"QueryId": QID1},
    )
    stub.add_response(
        "get_query_results",
        {
            "QueryStatus": "FINISHED",
            "QueryResultRows": [row("e1", "alice"), row("e2", "alice")],
            "NextToken": "page-2",
            "QueryStatistics": {"TotalResultsCount": 3, "BytesScanned": 90000},
        },
        {"QueryId": QID1},
    )
    stub.add_response(
        "get_query_results",
        {"QueryStatus": "FINISHED", "QueryResultRows": [row("e3", "alice", "StopTrainingJob")]},
        {"QueryId": QID1, "NextToken": "page-2"},
    )
    statuses = []
    events = await trail.lake_events(
        aws,
        EDS,
        T0 - timedelta(days=30),
        T0,
        source_identity="alice",
        poll=0.01,
        on_status=lambda st: statuses.append((st.status, st.bytes_scanned)),
    )
    stub.assert_no_pending_responses()
    assert [e.event_id for e in events] == ["e1", "e2", "e3"]
    assert all(e.source_identity == "alice" for e in events)
    assert events[2].name == "StopTrainingJob" and events[0].principal == "SageMakerExecutionRole/alice"
    assert [s for s, _ in statuses][:2] == ["QUEUED", "RUNNING"] and statuses[-1][0] == "FINISHED"
    assert "userIdentity.sessionContext.sourceIdentity = 'alice'" in sql


async def test_lake_rows_that_do_not_match_are_dropped_on_the_client(stubbed):
    aws, stub = stubbed
    stub.add_response("start_query", {"QueryId": QID2})
    stub.add_response(
        "get_query_results",
        {"QueryStatus": "FINISHED", "QueryResultRows": [row("e1", "alice"), row("e2", "mallory")]},
    )
    events = await trail.lake_events(aws, EDS, T0 - timedelta(days=1), T0, source_identity="alice", poll=0.01)
    assert [e.event_id for e in events] == ["e1"]


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED", "TIMED_OUT"])
async def test_lake_failure_states_raise_with_the_message(stubbed, status):
    aws, stub = stubbed
    stub.add_response("start_query", {"QueryId": QID3})
    stub.add_response("get_query_results", {"QueryStatus": "RUNNING"})
    stub.add_response(
        "get_query_results", {"QueryStatus": status, "ErrorMessage": "Query failed: \x1b[2Jbad column"}
    )
    with pytest.raises(trail.QueryFailed) as info:
        await trail.lake_events(aws, EDS, T0 - timedelta(days=1), T0, source_identity="alice", poll=0.01)
    assert status.split("_")[0].title() in info.value.code
    assert "bad column" in info.value.message and "\x1b" not in info.value.message


async def test_lake_start_errors_carry_code_and_request_id(stubbed):
    aws, stub = stubbed
    stub.add_client_error(
        "start_query",
        "EventDataStoreNotFoundException",
        "The event data store was not found.",
        http_status_code=400,
        response_meta={"RequestId": "req-lake-1"},
    )
    with pytest.raises(AwsError) as info:
        await trail.lake_events(aws, EDS, T0 - timedelta(days=1), T0, source_identity="alice")
    assert info.value.code == "EventDataStoreNotFoundException" and info.value.request_id == "req-lake-1"


async def test_lake_gives_up_after_max_wait(stubbed):
    aws, stub = stubbed
    stub.add_response("start_query", {"QueryId": QID4})
    for _ in range(20):
        stub.add_response("get_query_results", {"QueryStatus": "RUNNING"})
    with pytest.raises(trail.QueryFailed) as info:
        await trail.lake_events(
            aws, EDS, T0 - timedelta(days=1), T0, source_identity="alice", poll=0.01, max_wait=0.05
        )
    assert info.value.code == "QueryTimedOut"
