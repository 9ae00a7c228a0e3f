"""The parser on published CloudTrail records (tests/data/cloudtrail; SOURCES.md says where each came from),
on all three paths a record reaches smtui by:

- LookupEvents: the record's JSON text as an item's ``CloudTrailEvent``, beside the envelope CloudTrail derives
  from the same record (``tests/trail_corpus.lookup_item``);
- CloudTrail Lake: the row ``SELECT <LAKE_COLUMNS>`` returns for the record, each selected column that the
  record has as one ``{column: text}`` cell, maps and structs printed ``{k=v, ...}`` and requestParameters'
  nested values as JSON text (the event data store schema's map<string,string>), see ``lake_row``; an Insights
  record as the flat row of an Insights event data store (``lake_insights_row``);
- Logs Insights: the record's JSON text as ``@message`` (``insights_row``).

The same event must give the same row on every path. Where a record and an old expectation disagreed, the
record won (the expectations here are what the published records say).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from smtui.aws.trail import (
    ASSUME_ROLE_EVENTS,
    LAKE_COLUMNS,
    NO_IDENTITY,
    EventFilter,
    ServerFilter,
    TrailEvent,
    from_lake_row,
    insights_query,
    lake_sql,
    parse_event,
    parse_record,
    summarize,
)
from smtui.headless.trail import format_line
from tests import trail_corpus as C

CORPUS = C.load()
BY_ID = {p.id: p for p in CORPUS}
ROW = (
    "name",
    "source",
    "time",
    "event_id",
    "source_identity",
    "identity_origin",
    "principal_label",
    "username",
    "resource",
    "resources",
    "source_ip",
    "error_code",
    "read_only",
    "read_only_inferred",
    "insight",
)


def uid(rec):
    u = rec.get("userIdentity")
    return u if isinstance(u, dict) else {}


def is_insight(rec):
    return rec.get("eventCategory") == "Insight" or "insightDetails" in rec


def three(rec) -> tuple[TrailEvent, TrailEvent, TrailEvent]:
    lookup = parse_event(C.lookup_item(rec))
    lake = from_lake_row(C.lake_insights_row(rec) if is_insight(rec) else C.lake_row(rec, LAKE_COLUMNS))
    insights = parse_record(C.insights_row(rec)[-1]["value"])
    return lookup, lake, insights


def row(ev: TrailEvent) -> dict:
    return {f: getattr(ev, f) for f in ROW}


PARSED = {p.id: three(p.record) for p in CORPUS}


def test_the_corpus_is_what_sources_md_says():
    sources = (C.CORPUS / "SOURCES.md").read_text()
    assert f"{len(CORPUS)} CloudTrail records" in sources
    publishers = Counter(p.file.split("/")[0] for p in CORPUS)
    assert set(publishers) == {
        "aws-docs",
        "stratus-red-team",
        "panther-analysis",
        "trailscraper",
        "elastic-integrations",
    }
    assert len(CORPUS) >= 200
    size = sum(f.stat().st_size for f in C.CORPUS.rglob("*") if f.is_file())
    assert size < 5_000_000


@pytest.mark.parametrize(
    "what,pred,at_least",
    [
        ("AssumeRole", lambda r: r.get("eventName") == "AssumeRole", 20),
        ("AssumeRoleWithSAML", lambda r: r.get("eventName") == "AssumeRoleWithSAML", 1),
        ("AssumeRoleWithWebIdentity", lambda r: r.get("eventName") == "AssumeRoleWithWebIdentity", 1),
        (
            "requestParameters.sourceIdentity",
            lambda r: "sourceIdentity" in (r.get("requestParameters") or {}),
            3,
        ),
        (
            "sessionContext.sourceIdentity",
            lambda r: "sourceIdentity" in (uid(r).get("sessionContext") or {}),
            3,
        ),
        ("AwsServiceEvent", lambda r: r.get("eventType") == "AwsServiceEvent", 10),
        (
            "userIdentity {accountId, invokedBy}",
            lambda r: "userIdentity" in r and "type" not in uid(r) and "invokedBy" in uid(r),
            2,
        ),
        ("Insights", is_insight, 3),
        ("no readOnly", lambda r: "readOnly" not in r, 100),
        ("IdentityCenterUser", lambda r: uid(r).get("type") == "IdentityCenterUser", 1),
        ("principal without ARN", lambda r: "userIdentity" in r and not uid(r).get("arn"), 30),
        (
            "failed ConsoleLogin",
            lambda r: (
                r.get("eventName") == "ConsoleLogin"
                and (r.get("responseElements") or {}).get("ConsoleLogin") == "Failure"
            ),
            5,
        ),
        ("resources[]", lambda r: bool(r.get("resources")), 50),
        ("SageMaker", lambda r: r.get("eventSource") == "sagemaker.amazonaws.com", 2),
    ],
)
def test_the_corpus_covers(what, pred, at_least):
    assert sum(1 for p in CORPUS if pred(p.record)) >= at_least, what


@pytest.mark.parametrize("pid", sorted(BY_ID))
def test_same_row_on_every_path(pid):
    lookup, lake, insights = PARSED[pid]
    rec = BY_ID[pid].record
    if is_insight(rec):
        # an Insights event data store row has no insightContext statistics column: type and state only
        assert lookup.insight.startswith(lake.insight) and lake.insight
        lake.insight = lookup.insight
    assert row(lake) == row(lookup)
    assert row(insights) == row(lookup)
    if str(rec.get("eventTime", ""))[:2] in ("19", "20"):  # a time, not "redacted" or "..."
        assert lookup.time is not None
    else:
        assert "no eventTime" in lookup.problem
    assert lookup.name not in ("", "?") or not (rec.get("eventName") or is_insight(rec))


def test_assume_role_resource_is_the_role_and_the_session_goes_with_the_principal():
    seen = 0
    for p in CORPUS:
        rec = p.record
        rp = rec.get("requestParameters") or {}
        if rec.get("eventName") not in ASSUME_ROLE_EVENTS or not rp.get("roleArn"):
            continue
        seen += 1
        for ev in PARSED[p.id]:
            assert ev.resource == rp["roleArn"], p.id
            assert ev.display_resource.startswith("role/"), p.id
            if rp.get("roleSessionName"):
                assert ev.session_name == rp["roleSessionName"]
                assert ev.principal_label.endswith("→ " + rp["roleSessionName"])
    assert seen >= 20


def test_lake_rows_keep_invoked_by_user_name_and_resources():
    kept = Counter()
    for p in CORPUS:
        rec, u = p.record, uid(p.record)
        lookup, lake, _ = PARSED[p.id]
        if u.get("invokedBy") and not u.get("arn"):
            kept["invokedBy"] += 1
            assert lake.principal == lookup.principal != ""
        if u.get("userName") and not u.get("arn"):
            kept["userName"] += 1
            assert lake.username == u["userName"] and lake.principal == lookup.principal
        arns = [r.get("ARN") for r in rec.get("resources") or () if isinstance(r, dict) and r.get("ARN")]
        if arns:
            kept["resources"] += 1
            assert [n for _, n in lake.resources] == arns
    assert kept["invokedBy"] >= 2 and kept["userName"] >= 10 and kept["resources"] >= 50


def test_every_identity_selects_the_same_events_on_every_path():
    """The scan (EventFilter on LookupEvents rows) and the server-side filter (ServerFilter, checked on the
    Lake and Insights rows) select the same events for every sourceIdentity in the corpus and for
    "(no sourceIdentity)". The services' own evaluation of the query text cannot run here (moto has no Lake
    and ignores Insights filters), so the query texts are checked to say the same conditions."""
    identities = {ev.source_identity for trio in PARSED.values() for ev in trio if ev.source_identity}
    assert {"MySAMLUser", "MyWebIdentityUser"} & identities or len(identities) >= 3
    t0 = min(ev.time for trio in PARSED.values() for ev in trio if ev.time)
    t1 = max(ev.time for trio in PARSED.values() for ev in trio if ev.time)
    for si in sorted(identities) + [NO_IDENTITY]:
        scan = {
            pid
            for pid, (lookup, _, _) in PARSED.items()
            if EventFilter(identity=si, show_own=True).matches(lookup)
        }
        flt = ServerFilter(t0, t1, source_identity=si, event_source=None)
        lake = {pid for pid, (_, ev, _) in PARSED.items() if flt.accepts(ev) and ev.time is not None}
        ins = {pid for pid, (_, _, ev) in PARSED.items() if flt.accepts(ev) and ev.time is not None}
        timed = {pid for pid in scan if PARSED[pid][0].time is not None}
        assert lake == ins == timed, si
    credited = [
        p.id
        for p in CORPUS
        if "sourceIdentity" in (p.record.get("requestParameters") or {})
        and "sourceIdentity" not in (uid(p.record).get("sessionContext") or {})
    ]
    assert credited and all(PARSED[pid][1].identity_origin == "assumerole" for pid in credited)
    sql = lake_sql("EXAMPLE-eds", ServerFilter(t0, t1, source_identity="alice"))
    assert "userIdentity.sessionContext.sourceIdentity = 'alice'" in sql
    assert "eventName IN ('AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')" in sql
    assert "element_at(requestParameters, 'sourceIdentity') = 'alice'" in sql
    none_sql = lake_sql("EXAMPLE-eds", ServerFilter(t0, t1, source_identity=NO_IDENTITY))
    assert (
        "sourceIdentity IS NULL" in none_sql
        and "element_at(requestParameters, 'sourceIdentity') IS NULL" in none_sql
    )
    q = insights_query(ServerFilter(t0, t1, source_identity="alice"))
    assert 'requestParameters.sourceIdentity = "alice"' in q and 'eventName in ["AssumeRole"' in q
    qn = insights_query(ServerFilter(t0, t1, source_identity=NO_IDENTITY))
    assert "not ispresent(requestParameters.sourceIdentity)" in qn


def test_aws_service_events_are_not_flagged_broken():
    seen = 0
    for p in CORPUS:
        rec, u = p.record, uid(p.record)
        if rec.get("eventType") != "AwsServiceEvent" or not (u.get("invokedBy") or u.get("accountId")):
            continue
        seen += 1
        for ev in PARSED[p.id]:
            assert "userIdentity" not in ev.problem and ev.principal, p.id
            if "type" not in u:
                assert ev.principal == u.get("invokedBy") or u.get("accountId")
    assert seen >= 10


def test_insights_events_are_shown_as_insights():
    seen = 0
    for p in CORPUS:
        rec = p.record
        if not is_insight(rec):
            continue
        seen += 1
        d = rec["insightDetails"]
        for ev in PARSED[p.id]:
            assert ev.is_insight and ev.name == d["eventName"] and ev.source == d["eventSource"]
            assert ev.principal_label == "CloudTrail Insights"
            assert d["insightType"] in ev.insight and d["state"] in ev.insight
            assert ev.problem == "" and not ev.mutating and not ev.writes and not ev.summary_action
    assert seen >= 3


def test_read_write_without_read_only_is_inferred_and_never_counted_mutating():
    no_ro = [
        p
        for p in CORPUS
        if "readOnly" not in p.record and p.record.get("eventName") and not is_insight(p.record)
    ]
    assert len(no_ro) >= 100
    for p in no_ro:
        for ev in PARSED[p.id]:
            assert ev.read_only_inferred and not ev.mutating, p.id
            if p.record.get("eventName") in ASSUME_ROLE_EVENTS:
                assert ev.read_only is True  # CloudTrail records AssumeRole* as read-only
    events = [PARSED[p.id][0] for p in CORPUS]
    said = sum(1 for p in CORPUS if p.record.get("readOnly") is False)
    total = summarize(events)
    assert sum(s.mutating for s in total) == said
    guessed = sum(s.mutating_inferred for s in total)
    assert guessed == sum(1 for e in events if e.read_only_inferred and e.read_only is False)
    assert guessed > 0


def test_principals_without_an_arn_use_what_the_record_has():
    for p in CORPUS:
        u = uid(p.record)
        if not u or u.get("arn"):
            continue
        for ev in PARSED[p.id]:
            expect = (
                u.get("userName")
                or (u.get("onBehalfOf") or {}).get("userId")
                or u.get("principalId")
                or u.get("invokedBy")
                or u.get("accountId")
            )
            if u.get("type") == "Root":
                expect = "root"
            elif u.get("type") == "AWSAccount":  # a call from another account: that account
                expect = u.get("accountId") or u.get("principalId")
            elif u.get("type") == "AssumedRole":  # the role (and session) the record names
                role = ((u.get("sessionContext") or {}).get("sessionIssuer") or {}).get("userName")
                session = str(u.get("principalId", "")).partition(":")[2]
                expect = (
                    "/".join(x for x in (role, session) if x) or u.get("principalId") or u.get("userName")
                )
            if expect:
                assert ev.principal == expect, p.id
    idc = BY_ID["elastic-integrations/test-user-authentication.log#0"]
    assert PARSED[idc.id][0].principal_label == "IdentityCenterUser redacted"
    failed = [
        p
        for p in CORPUS
        if p.record.get("eventName") == "ConsoleLogin"
        and (p.record.get("responseElements") or {}).get("ConsoleLogin") == "Failure"
        and not uid(p.record).get("arn")
        and uid(p.record).get("userName")
    ]
    assert failed
    for p in failed:
        assert PARSED[p.id][1].username == uid(p.record)["userName"]


@pytest.mark.parametrize("pid", sorted(BY_ID))
def test_headless_tsv_keeps_its_fields(pid):
    for ev in PARSED[pid]:
        line = format_line(ev)
        assert line.count("\t") == (8 if (ev.problem or ev.insight) else 7)
        assert "\n" not in line and "\u2028" not in line and "\u2029" not in line


def test_tabs_and_line_separators_inside_a_published_record_are_cleaned():
    """A published record with a TAB, U+2028 and U+2029 put into its error message (the corpus has no such
    record; CloudTrail passes callers' strings through, so one can carry them)."""
    rec = json.loads(json.dumps(BY_ID["elastic-integrations/test-console-login-json.log#1"].record))
    rec["errorMessage"] = "Failed\tauthentication\u2028for\u2029user"
    rec["userAgent"] = "curl\t7.0"
    for ev in three(rec):
        assert ev.error_message == "Failed authentication for user"
        assert format_line(ev).count("\t") == 7
