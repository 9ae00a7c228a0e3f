"""CloudTrail record parsing, filters and summaries: pure functions, no sandbox needed.

Records follow the real layout (CloudTrail record contents; the IAM User Guide's sourceIdentity
examples). Broken input must never raise: the row says what was wrong.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from smtui.aws import trail
from smtui.aws.timegrammar import parse_span, parse_when
from smtui.aws.trail import (
    NO_IDENTITY,
    EventFilter,
    IdentityIndex,
    TrailQuery,
    parse_event,
    parse_record,
    pretty_json,
    summarize,
)

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"


def record(
    name="CreateTrainingJob",
    *,
    si="alice",
    session=None,
    when=T0,
    error=None,
    read_only=None,
    params=None,
    identity=None,
    source="sagemaker.amazonaws.com",
    eid=None,
):
    session = session or si or "botocore-session-1"
    uid = (
        identity
        if identity is not None
        else {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:{session}",
            "arn": f"arn:aws:sts::123456789012:assumed-role/SageMakerExecutionRole/{session}",
            "accountId": "123456789012",
            "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLE",
                    "arn": ROLE_ARN,
                    "accountId": "123456789012",
                    "userName": "SageMakerExecutionRole",
                },
                "attributes": {"creationDate": "2026-11-27T11:00:00Z", "mfaAuthenticated": "false"},
            },
        }
    )
    if si and identity is None:
        uid["sessionContext"]["sourceIdentity"] = si
    rec = {
        "eventVersion": "1.09",
        "userIdentity": uid,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "10.0.0.7",
        "userAgent": "Boto3/1.43 md/Botocore",
        "requestParameters": params if params is not None else {"trainingJobName": "xgb-churn-1"},
        "responseElements": None,
        "requestID": "req-1",
        "eventID": eid or f"evt-{name}-{si}-{when.timestamp():.0f}",
        "readOnly": read_only if read_only is not None else name.startswith(("List", "Describe")),
        "eventType": "AwsApiCall",
    }
    if error:
        rec["errorCode"] = error
        rec["errorMessage"] = "User is not authorized"
    return rec


def item(rec, *, text=None, resources=()):
    """A LookupEvents Events[] item around ``rec`` (text replaces the CloudTrailEvent JSON)."""
    return {
        "EventId": rec.get("eventID", "evt"),
        "EventName": rec.get("eventName", "?"),
        "ReadOnly": "false",
        "AccessKeyId": "ASIAEXAMPLE",
        "EventTime": T0,
        "EventSource": rec.get("eventSource", "sagemaker.amazonaws.com"),
        "Username": "alice",
        "Resources": [{"ResourceType": t, "ResourceName": n} for t, n in resources],
        "CloudTrailEvent": json.dumps(rec) if text is None else text,
    }


def test_assumed_role_with_source_identity_is_attributed_to_the_user():
    ev = parse_event(item(record(si="alice")))
    assert ev.source_identity == "alice"
    assert ev.identity_origin == "session"
    assert ev.identity_type == "AssumedRole"
    assert ev.principal == "SageMakerExecutionRole/alice"
    assert ev.principal_label == "AssumedRole SageMakerExecutionRole/alice"
    assert ev.resource == "xgb-churn-1"
    assert ev.source_ip == "10.0.0.7"
    assert ev.read_only is False and ev.mutating and ev.summary_action
    assert ev.problem == ""
    assert ev.time == T0


def test_assume_role_record_carries_source_identity_in_request_parameters():
    rec = record(
        "AssumeRole",
        si=None,
        source="sts.amazonaws.com",
        identity={"type": "AWSService", "invokedBy": "sagemaker.amazonaws.com"},
        params={"roleArn": ROLE_ARN, "roleSessionName": "bob", "sourceIdentity": "bob"},
    )
    ev = parse_event(item(rec))
    assert ev.source_identity == "bob"
    assert ev.identity_origin == "assumerole"
    # the session the call created goes with the principal; the resource is the role
    assert ev.principal_label == "AWSService sagemaker.amazonaws.com → bob"
    assert ev.resource == ROLE_ARN and ev.display_resource == "role/SageMakerExecutionRole"
    assert ("sourceIdentity", "bob  (from assumerole)") in ev.key_fields()


def test_role_without_source_identity_is_its_own_group():
    ev = parse_event(item(record(si=None, session="ci-pipeline")))
    assert ev.source_identity is None
    assert ev.identity_key == NO_IDENTITY
    assert ev.identity_label == "(no sourceIdentity)"
    assert ev.problem == ""


def test_iam_user_root_and_failed_calls():
    user = record(
        identity={
            "type": "IAMUser",
            "arn": "arn:aws:iam::123456789012:user/intern",
            "userName": "intern",
            "principalId": "AIDA",
        },
        error="AccessDenied",
    )
    ev = parse_event(item(user))
    assert ev.principal_label == "IAMUser intern"
    assert ev.failed and ev.error_code == "AccessDenied"
    root = parse_event(item(record(identity={"type": "Root", "arn": "arn:aws:iam::123456789012:root"})))
    assert root.principal_label == "Root root"


@pytest.mark.parametrize(
    "text, expect",
    [
        (
            '{"eventName": "CreateTrainingJob", "userIdentity": {"type": "AssumedRole", "sessionContext": '
            '{"sourceIdentity": "alice"}}, "requestParameters": {"trainingJobName": "x',
            "truncated",
        ),
        ("not json at all", "not valid JSON"),
        ("[1, 2, 3]", "JSON list, not an object"),
        ('"a string"', "JSON str, not an object"),
        (
            "[" * 100_000 + "]" * 100_000,
            "",
        ),  # deep nesting: either a problem or a deep-cut view, never a crash
        ("", "not valid JSON"),
    ],
)
def test_malformed_cloudtrail_event_never_raises_and_says_what_was_wrong(text, expect):
    ev = parse_event(item(record(), text=text))
    assert ev.name == "CreateTrainingJob"  # from the LookupEvents envelope
    assert ev.time == T0
    if expect:
        assert expect in ev.problem
    assert pretty_json(ev)  # the event screen has something to show
    assert ev.to_json()["problem"] == (ev.problem or None)


def test_truncated_json_still_salvages_the_source_identity():
    text = json.dumps(record(si="alice"))[:-40]
    ev = parse_event(item(record(si="alice"), text=text))
    assert "truncated" in ev.problem
    assert ev.source_identity == "alice" and ev.identity_origin == "damaged"


def test_missing_user_identity_and_unknown_types():
    rec = record()
    del rec["userIdentity"]
    ev = parse_event(item(rec))
    assert "no userIdentity" in ev.problem and ev.source_identity is None
    ev = parse_event(
        item(record(identity={"type": "Martian", "principalId": "X1", "arn": "arn:aws:x::1:thing/y"}))
    )
    assert "unknown identity type 'Martian'" in ev.problem
    assert ev.principal_label.startswith("Martian ")
    ev = parse_event(item(record(identity="just a string")))
    assert "userIdentity is a str" in ev.problem
    ev = parse_event(item(record(identity={"type": "Unknown", "principalId": "X2"})))
    assert ev.problem == ""  # "Unknown" is a documented type


def test_no_cloudtrail_event_and_garbage_items():
    ev = parse_event({"EventName": "StopTrainingJob", "EventTime": T0})
    assert "no CloudTrailEvent" in ev.problem
    ev = parse_event({"CloudTrailEvent": 42})
    assert "CloudTrailEvent is a int" in ev.problem
    ev = parse_event(None)  # type: ignore[arg-type]
    assert ev.problem


def test_huge_request_parameters_are_cut_for_display():
    big = {"trainingJobName": "big-one", "hyperParameters": {f"k{i}": "v" * 1000 for i in range(300)}}
    ev = parse_event(item(record(params=big)))
    assert "huge event" in ev.problem
    assert ev.resource == "big-one"
    shown = pretty_json(ev)
    assert len(shown) < 600_000
    assert "more keys" in shown or "more characters" in shown


def test_hostile_strings_are_cleaned_everywhere():
    evil = "\x1b]0;pwned\x07\x1b[2Jx\x9b31m"
    rec = record(si=None, params={"trainingJobName": f"job{evil}"})
    rec["userIdentity"]["sessionContext"]["sourceIdentity"] = f"al{evil}ice"
    rec["sourceIPAddress"] = evil
    rec["errorCode"] = evil
    ev = parse_event(item(rec))
    for value in (
        ev.source_identity,
        ev.resource,
        ev.source_ip,
        ev.error_code,
        pretty_json(ev),
        json.dumps(ev.to_json()),
    ):
        assert "\x1b" not in value and "\x9b" not in value and "\x07" not in value
    assert "characters or a length AWS does not allow" in ev.problem


def test_source_identity_of_the_wrong_type():
    rec = record(si=None)
    rec["userIdentity"]["sessionContext"]["sourceIdentity"] = {"nested": True}
    ev = parse_event(item(rec))
    assert "sourceIdentity is a dict" in ev.problem


def test_parse_record_from_a_dict_or_text():
    assert parse_record(record(si="bob")).source_identity == "bob"
    assert parse_record(json.dumps(record(si="bob"))).source_identity == "bob"


def test_filters_are_exact():
    events = [
        parse_event(item(record("CreateTrainingJob", si="alice", when=T0))),
        parse_event(item(record("DescribeTrainingJob", si="alice", when=T0 - timedelta(minutes=1)))),
        parse_event(
            item(
                record(
                    "StopTrainingJob", si="bob", when=T0 - timedelta(minutes=2), error="ValidationException"
                )
            )
        ),
        parse_event(item(record("CreateTrainingJob", si=None, session="ci", when=T0 - timedelta(minutes=3)))),
        parse_event(item(record("CreateTrainingJob", si="alice2", when=T0 - timedelta(minutes=4)))),
    ]
    pick = lambda f: [(e.name, e.source_identity) for e in trail.filter_events(events, f)]  # noqa: E731
    assert pick(EventFilter(identity="alice")) == [
        ("CreateTrainingJob", "alice"),
        ("DescribeTrainingJob", "alice"),
    ]
    assert pick(EventFilter(identity=NO_IDENTITY)) == [("CreateTrainingJob", None)]
    assert pick(EventFilter(event_name="StopTrainingJob")) == [("StopTrainingJob", "bob")]
    assert pick(EventFilter(failed_only=True)) == [("StopTrainingJob", "bob")]
    assert len(pick(EventFilter(mutating_only=True))) == 4
    assert pick(EventFilter(text="ALICE2")) == [("CreateTrainingJob", "alice2")]
    assert pick(EventFilter(identity="alice", mutating_only=True)) == [("CreateTrainingJob", "alice")]


def test_identity_summary():
    events = [
        parse_event(item(record(n, si=si, when=T0 - timedelta(hours=h))))
        for n, si, h in [
            ("CreateTrainingJob", "alice", 1),
            ("StopTrainingJob", "alice", 0),
            ("DescribeTrainingJob", "alice", 2),
            ("CreateEndpoint", "bob", 3),
            ("CreateTrainingJob", None, 4),
            ("CreateTrainingJob", "alice", 5),
        ]
    ]
    rows = summarize(events)
    assert [s.label for s in rows] == ["alice", "bob", "(no sourceIdentity)"]
    alice = rows[0]
    assert alice.calls == 4 and alice.mutating == 3
    assert dict(alice.actions) == {"CreateTrainingJob": 2, "StopTrainingJob": 1}
    assert alice.first == T0 - timedelta(hours=5) and alice.last == T0
    assert alice.actions_text() == "CreateTrainingJob×2, StopTrainingJob"
    index = IdentityIndex()
    index.add(events[:3])
    index.add(events[3:])
    assert [(s.identity, s.calls) for s in index.summaries()] == [(s.identity, s.calls) for s in rows]


def test_query_picks_one_exact_lookup_attribute_and_checks_the_rest():
    q = TrailQuery.last(timedelta(hours=24), now=T0)
    assert q.params()["LookupAttributes"] == [
        {"AttributeKey": "EventSource", "AttributeValue": "sagemaker.amazonaws.com"}
    ]
    assert q.params()["MaxResults"] == 50
    q2 = TrailQuery.last(timedelta(days=400), now=T0, event_name="CreateTrainingJob")
    assert q2.start == T0 - timedelta(days=90)
    assert q2.params()["LookupAttributes"] == [
        {"AttributeKey": "EventName", "AttributeValue": "CreateTrainingJob"}
    ]
    sts = parse_event(item(record("CreateTrainingJob", source="other.amazonaws.com")))
    assert not q2.accepts(sts)  # EventSource still checked on the client
    q3 = TrailQuery.last(now=T0, resource_name="xgb-churn-1")
    assert q3.lookup_attribute() == ("ResourceName", "xgb-churn-1")
    assert q3.accepts(parse_event(item(record())))
    assert not q3.accepts(parse_event(item(record(params={"trainingJobName": "xgb-churn-10"}))))


def test_names_resource_by_arn_tail_case_insensitively():
    rec = record(params={"endpointConfigName": "cfg"})
    rec["responseElements"] = {"endpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/myendpoint"}
    ev = parse_event(item(rec))
    assert trail.names_resource(ev, "MyEndpoint")
    assert not trail.names_resource(ev, "Endpoint")


def test_time_parsing():
    assert parse_when("24h", now=T0) == T0 - timedelta(hours=24)
    assert parse_when("90d", now=T0) == T0 - timedelta(days=90)
    assert parse_when("30m", now=T0) == T0 - timedelta(minutes=30)
    assert parse_when("2026-11-20T08:00", now=T0) == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert parse_when("now", now=T0) == T0
    assert parse_span("7d") == timedelta(days=7)
    with pytest.raises(ValueError):
        parse_when("yesterday-ish")


def test_progress_line():
    p = trail.ScanProgress(
        start=T0 - timedelta(hours=24),
        end=T0,
        pages=3,
        scanned=150,
        matched=20,
        oldest=T0 - timedelta(hours=6),
    )
    line = p.line()
    assert "3 pages" in line and "150 events scanned" in line and "6h of 24h covered (25%)" in line
    p.done = True
    assert "24h of 24h covered (100%)" in p.line() and "done" in p.line()


def test_lake_sql_and_insights_query_are_safe():
    sql = trail.lake_sql(
        "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/EXAMPLE-eds-1",
        trail.ServerFilter(T0 - timedelta(days=1), T0, source_identity="alice@example.com"),
    )
    assert "FROM EXAMPLE-eds-1 WHERE" in sql
    assert "userIdentity.sessionContext.sourceIdentity = 'alice@example.com'" in sql
    assert "eventSource = 'sagemaker.amazonaws.com'" in sql and "ORDER BY eventTime DESC" in sql
    assert "IS NULL" in trail.lake_sql("eds", trail.ServerFilter(T0, T0, source_identity=NO_IDENTITY))
    with pytest.raises(ValueError):
        trail.lake_sql("eds", trail.ServerFilter(T0, T0, source_identity="x' OR '1'='1"))
    with pytest.raises(ValueError):
        trail.lake_sql("eds; DROP", trail.ServerFilter(T0, T0))
    with pytest.raises(ValueError):
        trail.ServerFilter(T0, T0, event_name="X' OR 1=1")
    q = trail.insights_query(trail.ServerFilter(T0, T0, source_identity="alice"))
    assert 'filter userIdentity.sessionContext.sourceIdentity = "alice"' in q
    assert q.endswith("sort @timestamp desc | limit 10000")
    with pytest.raises(ValueError):
        trail.insights_query(trail.ServerFilter(T0, T0, source_identity='a" or 1=1'))


def test_lake_rows_become_rows():
    row = [
        {"eventID": "e1"},
        {"eventTime": "2026-11-27 11:00:00.000"},
        {"eventName": "CreateTrainingJob"},
        {"eventSource": "sagemaker.amazonaws.com"},
        {"userIdentity.type": "AssumedRole"},
        {"userIdentity.arn": "arn:aws:sts::123456789012:assumed-role/SageMakerExecutionRole/alice"},
        {"userIdentity.sessionContext.sourceIdentity": "alice"},
        {"sourceIPAddress": "10.0.0.1"},
        {"readOnly": "false"},
        {"requestParameters": "{trainingJobName=xgb-1, roleArn=arn}"},
    ]
    ev = trail.from_lake_row(row)
    assert ev.source_identity == "alice" and ev.name == "CreateTrainingJob"
    assert ev.principal == "SageMakerExecutionRole/alice" and ev.resource == "xgb-1"
    assert ev.time == datetime(2026, 11, 27, 11, tzinfo=UTC)
    assert ev.read_only is False
    assert trail.from_lake_row([{"bogus": object()}]).name == "?"
