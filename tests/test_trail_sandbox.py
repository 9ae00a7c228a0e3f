"""CloudTrail against the sandbox, over HTTP through aiobotocore: attribution through AssumeRole with
SourceIdentity, exact filters, per-resource history, pagination, 2 requests/s pacing counted from the
sandbox's request log, throttling survived, malformed events shown, the Logs Insights flow.

Tests that add events use their own sandbox in us-west-2: the recorder is per account and region, so the
shared seeded sandbox (us-east-1) stays as the scenario made it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from smtui.aws import trail
from smtui.aws.domains import domain_identities
from smtui.aws.errors import AwsError
from smtui.aws.ratelimit import RateLimiter
from smtui.aws.session import AwsSession
from smtui.aws.trail import NO_IDENTITY, TrailQuery
from smtui.aws.trail.parse import parse_time
from smtui.sandbox.middleware import max_per_second

SAGEMAKER = "sagemaker.amazonaws.com"
ROLE_ARN = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1"


@pytest.fixture(scope="module")
def own(module_sandbox):
    """A sandbox of our own (empty seed, in a region of this module's own: its own moto state and CloudTrail
    recorder)."""
    return module_sandbox


@pytest.fixture
async def own_aws(own):
    session = AwsSession(own.target())
    yield session
    await session.close()


async def collect(aws, query, **kw):
    events, last = [], None
    async for kept, progress in trail.scan(aws, query, **kw):
        events.extend(kept)
        last = progress
    return events, last


def truth(sb, *, source=SAGEMAKER, start=None, end=None):
    """The recorder's own records (ground truth) in the window."""
    out = []
    for rec in list(sb.recorder.events):
        if source and rec.get("eventSource") != source:
            continue
        t = parse_time(rec.get("eventTime"))
        if start and (t is None or t < start or t > end):
            continue
        out.append(rec)
    return out


def si_of(rec):
    uid = rec.get("userIdentity") or {}
    return ((uid.get("sessionContext") or {}).get("sourceIdentity")) if isinstance(uid, dict) else None


def train(sm, name):
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE_ARN,
        OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


def fake(name, *, when, si=None, session=None, params=None, eid=None, error=None):
    """A record in CloudTrail's layout, for :meth:`Recorder.add`."""
    session = session or si or "ci-session"
    ctx = {
        "sessionIssuer": {"type": "Role", "arn": ROLE_ARN, "userName": "SageMakerExecutionRole"},
        "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"},
    }
    if si:
        ctx["sourceIdentity"] = si
    rec = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAX:{session}",
            "arn": f"arn:aws:sts::123456789012:assumed-role/SageMakerExecutionRole/{session}",
            "accountId": "123456789012",
            "accessKeyId": "ASIAFAKE",
            "sessionContext": ctx,
        },
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": SAGEMAKER,
        "eventName": name,
        "awsRegion": "us-west-2",
        "sourceIPAddress": "10.1.2.3",
        "userAgent": "test",
        "requestParameters": params if params is not None else {},
        "responseElements": None,
        "eventID": eid or str(uuid.uuid4()),
        "readOnly": name.startswith(("List", "Describe")),
        "eventType": "AwsApiCall",
    }
    if error:
        rec["errorCode"] = error
        rec["errorMessage"] = "denied"
    return rec


# ------------------------------------------------------------------------------------------ the scenario
async def test_scenario_events_are_attributed_to_studio_users(sandbox, aws):
    now = datetime.now(UTC)
    q = TrailQuery.last(timedelta(days=30), now=now)
    events, progress = await collect(aws, q)
    assert progress.done and progress.error is None
    expected = truth(sandbox, start=q.start, end=q.end)
    assert sorted(e.event_id for e in events) == sorted(r["eventID"] for r in expected)
    by_id = {r["eventID"]: r for r in expected}
    for ev in events:
        assert ev.source_identity == si_of(by_id[ev.event_id])
    idents = {s.identity: s for s in trail.summarize(events)}
    assert {"alice", "bob", NO_IDENTITY} <= set(idents)
    alice = [e for e in events if e.source_identity == "alice"]
    assert alice and all(e.principal == "SageMakerExecutionRole/alice" for e in alice)
    # the CI role has no sourceIdentity: its calls are in the "(no sourceIdentity)" group
    ci = [e for e in events if "ci-pipeline-role" in e.principal]
    assert ci and all(e.identity_key == NO_IDENTITY for e in ci)
    assert idents[NO_IDENTITY].calls == sum(1 for r in expected if not si_of(r))
    # newest first
    times = [e.time for e in events]
    assert times == sorted(times, reverse=True)


async def test_scenario_domains_say_where_source_identity_is_on(sandbox, aws):
    domains = {d.domain_id: d for d in await domain_identities(aws)}
    assert domains["d-mlteam0alpha"].on
    assert not domains["d-legacy0beta"].on
    assert "cannot see this domain's users" in domains["d-legacy0beta"].note()


# ------------------------------------------------------------------------------------------ our sandbox
async def test_assume_role_with_source_identity_is_attributed(own, own_aws):
    tag = uuid.uuid4().hex[:6]
    carol = own.boto3_client("sagemaker", **own.studio_credentials(f"carol{tag}"))
    train(carol, f"carol-{tag}")
    # the role trusts GitHub's OIDC provider only: the pipeline comes in with a web identity
    ci = own.boto3_client("sagemaker", **own.ci_credentials(f"ci-{tag}"))
    train(ci, f"ci-{tag}")
    events, _ = await collect(own_aws, TrailQuery.last(timedelta(hours=1), event_name="CreateTrainingJob"))
    mine = {e.resource: e for e in events if tag in e.resource}
    assert mine[f"carol-{tag}"].source_identity == f"carol{tag}"
    assert mine[f"carol-{tag}"].principal_label == f"AssumedRole SageMakerExecutionRole/carol{tag}"
    assert mine[f"ci-{tag}"].source_identity is None
    assert mine[f"ci-{tag}"].principal == f"ci-pipeline-role/ci-{tag}"
    # the AssumeRole that set it carries requestParameters.sourceIdentity
    sts_events, _ = await collect(
        own_aws, TrailQuery.last(timedelta(hours=1), event_source="sts.amazonaws.com")
    )
    assume = [e for e in sts_events if e.source_identity == f"carol{tag}"]
    assert assume and assume[0].name == "AssumeRole" and assume[0].identity_origin == "assumerole"


async def test_event_name_and_identity_filters_are_exact(own, own_aws):
    base = (datetime.now(UTC) - timedelta(days=40)).replace(microsecond=0)
    tag = uuid.uuid4().hex[:6]
    recs = []
    for i in range(30):
        name = ("CreateTrainingJob", "StopTrainingJob", "DescribeTrainingJob")[i % 3]
        si = (f"u1{tag}", f"u2{tag}", None)[i % 3 if i % 2 else 0]
        recs.append(
            own.recorder.add(
                fake(
                    name,
                    when=base + timedelta(minutes=i),
                    si=si,
                    params={"trainingJobName": f"job-{tag}-{i}"},
                )
            )
        )
    start, end = base - timedelta(minutes=1), base + timedelta(hours=1)
    everything, _ = await collect(own_aws, TrailQuery(start=start, end=end))
    assert len(everything) == 30
    stops, _ = await collect(own_aws, TrailQuery(start=start, end=end, event_name="StopTrainingJob"))
    assert sorted(e.event_id for e in stops) == sorted(
        r["eventID"] for r in recs if r["eventName"] == "StopTrainingJob"
    )
    for key in (f"u1{tag}", f"u2{tag}", NO_IDENTITY):
        got = trail.filter_events(everything, trail.EventFilter(identity=key))
        want = [r["eventID"] for r in recs if (si_of(r) or NO_IDENTITY) == key]
        assert sorted(e.event_id for e in got) == sorted(want)


async def test_resource_history_is_exact_and_names_who(own, own_aws):
    tag = uuid.uuid4().hex[:6]
    name = f"hist-{tag}"
    alice = own.boto3_client("sagemaker", **own.studio_credentials(f"ann{tag}"))
    train(alice, name)
    train(alice, name + "0")  # a name that starts with the other: never part of its history
    bob = own.boto3_client("sagemaker", **own.studio_credentials(f"ben{tag}"))
    bob.describe_training_job(TrainingJobName=name)
    now = datetime.now(UTC)
    # moto 5.2.5 has no StopTrainingJob (NotImplementedError) and the sandbox does not add it: record
    # the call as CloudTrail would, through the recorder, with ben's session
    own.recorder.add(
        fake(
            "StopTrainingJob",
            when=now + timedelta(seconds=2),
            si=f"ben{tag}",
            params={"trainingJobName": name},
        )
    )
    got = []
    phases = set()
    async for new, _progress, phase in trail.resource_history(
        own_aws, name, start=now - timedelta(hours=1), end=now + timedelta(minutes=1)
    ):
        got.extend(new)
        phases.add(phase)
    assert phases == {"ResourceName", "EventSource"}
    want = [
        r["eventID"] for r in truth(own) if (r.get("requestParameters") or {}).get("trainingJobName") == name
    ]
    assert sorted(e.event_id for e in got) == sorted(want)
    steps = [(verb, e.source_identity) for verb, e in trail.lifecycle(got)]
    assert steps == [("created", f"ann{tag}"), ("stopped", f"ben{tag}")]


async def test_pagination_across_pages_at_two_requests_per_second(own, own_aws):
    base = (datetime.now(UTC) - timedelta(days=50)).replace(microsecond=0)
    for i in range(230):
        own.recorder.add(fake("DescribeTrainingJob", when=base + timedelta(seconds=i), si="pager"))
    before = own.count("cloudtrail", "LookupEvents")
    log_before = len(own.requests)
    started = time.monotonic()
    events, progress = await collect(own_aws, TrailQuery(start=base, end=base + timedelta(minutes=10)))
    elapsed = time.monotonic() - started
    assert len(events) == 230 and len({e.event_id for e in events}) == 230
    assert progress.pages == 5 and progress.scanned == 230
    times = [e.time for e in events]
    assert times == sorted(times, reverse=True)
    assert own.count("cloudtrail", "LookupEvents") - before == 5
    # the pacing, counted from the sandbox's request log (this scan's requests only)
    arrivals = [r.mono for r in list(own.requests)[log_before:] if r.operation == "LookupEvents"]
    assert max_per_second(list(own.requests)[log_before:], "cloudtrail", "LookupEvents") <= 2, [
        round(t - arrivals[0], 3) for t in arrivals
    ]
    assert elapsed >= 1.9  # 5 requests at 2/s: the first at once, then one every 0.5 s


async def test_throttling_is_survived(own):
    base = (datetime.now(UTC) - timedelta(days=55)).replace(microsecond=0)
    for i in range(120):
        own.recorder.add(fake("ListTrainingJobs", when=base + timedelta(seconds=i), si="throttled"))
    # a client 10x faster than the quota (as when other tools share the account's 2/s): the sandbox
    # answers ThrottlingException, as AWS does
    fast = AwsSession(own.target(), RateLimiter({"cloudtrail.LookupEvents": 20.0}))
    own.set_throttle(True)
    before = own.count("cloudtrail", "LookupEvents", throttled=True)
    try:
        events, progress = await collect(
            fast, TrailQuery(start=base, end=base + timedelta(minutes=5)), min_interval=0
        )
    finally:
        own.set_throttle(False)
        await fast.close()
    assert len(events) == 120 and progress.done
    assert own.count("cloudtrail", "LookupEvents", throttled=True) > before
    assert fast.limiter.throttle_count["cloudtrail.LookupEvents"] > 0


async def test_malformed_events_are_rows_that_say_what_was_wrong(own, own_aws):
    base = (datetime.now(UTC) - timedelta(days=60)).replace(microsecond=0)
    good = fake("CreateTrainingJob", when=base, si="mal")
    truncated = own.recorder.add(
        fake("CreateTrainingJob", when=base + timedelta(seconds=1), si="mal"),
        cloudtrail_event=json.dumps(good)[:300],
    )
    no_uid = fake("StopTrainingJob", when=base + timedelta(seconds=2))
    del no_uid["userIdentity"]
    own.recorder.add(no_uid)
    alien = fake("DeleteEndpoint", when=base + timedelta(seconds=3))
    alien["userIdentity"] = {"type": "Martian", "principalId": "ZZ9"}
    own.recorder.add(alien)
    huge = fake(
        "CreateModel",
        when=base + timedelta(seconds=4),
        si="mal",
        params={"modelName": "huge", "environment": {f"K{i}": "x" * 2000 for i in range(200)}},
    )
    own.recorder.add(huge)
    hostile = fake(
        "CreateEndpoint",
        when=base + timedelta(seconds=5),
        params={"endpointName": "ep\x1b]0;pwned\x07\x1b[2J"},
    )
    hostile["userIdentity"]["sessionContext"]["sourceIdentity"] = "\x1b[31mevil"
    own.recorder.add(hostile)
    events, progress = await collect(
        own_aws, TrailQuery(start=base - timedelta(seconds=1), end=base + timedelta(seconds=10))
    )
    assert progress.done and len(events) == 5
    by_name = {e.name: e for e in events}
    assert "truncated" in by_name["CreateTrainingJob"].problem
    assert by_name["CreateTrainingJob"].event_id == truncated["eventID"]
    assert "no userIdentity" in by_name["StopTrainingJob"].problem
    assert "unknown identity type 'Martian'" in by_name["DeleteEndpoint"].problem
    assert "huge event" in by_name["CreateModel"].problem and by_name["CreateModel"].resource == "huge"
    evil = by_name["CreateEndpoint"]
    assert "\x1b" not in evil.resource + (evil.source_identity or "") + trail.pretty_json(evil)
    assert "does not allow" in evil.problem


async def test_lookup_error_is_reported_with_code_and_request_id(own, own_aws):
    now = datetime.now(UTC)
    bad = TrailQuery(start=now, end=now - timedelta(hours=1))
    with pytest.raises(AwsError) as info:
        await collect(own_aws, bad)
    err = info.value
    assert err.code == "InvalidTimeRangeException" and err.message and err.request_id
    assert err.operation == "LookupEvents"


async def test_scan_can_be_cancelled(own, own_aws):
    base = (datetime.now(UTC) - timedelta(days=70)).replace(microsecond=0)
    for i in range(200):
        own.recorder.add(fake("DescribeEndpoint", when=base + timedelta(seconds=i), si="cancel"))
    pages = []
    two_pages = asyncio.Event()

    async def run():
        async for kept, progress in trail.scan(
            own_aws, TrailQuery(start=base, end=base + timedelta(minutes=5))
        ):
            pages.append((len(kept), progress))
            if len(pages) == 2:
                two_pages.set()

    task = asyncio.create_task(run())
    await asyncio.wait_for(two_pages.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 2 <= len(pages) < 4
    assert pages[-1][1].cancelled


# ------------------------------------------------------------------------------------------ Logs Insights
async def test_insights_flow_start_poll_complete(own, own_aws):
    """The sandbox's real StartQuery/GetQueryResults (moto ignores `filter`, so the rows are filtered
    again on the client; this checks the flow and the parsing, not Insights' query semantics)."""
    group = f"/aws/cloudtrail/smtui-{uuid.uuid4().hex[:6]}"
    logs = own.boto3_client("logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="123456789012_CloudTrail_us-west-2")
    now = datetime.now(UTC).replace(microsecond=0)
    recs = [
        fake(
            "CreateTrainingJob",
            when=now - timedelta(minutes=10 - i),
            si=si,
            params={"trainingJobName": f"ins-{i}"},
        )
        for i, si in enumerate(["ins-a", "ins-b", None, "ins-a"])
    ]
    logs.put_log_events(
        logGroupName=group,
        logStreamName="123456789012_CloudTrail_us-west-2",
        logEvents=[
            {"timestamp": int(parse_time(r["eventTime"]).timestamp() * 1000), "message": json.dumps(r)}
            for r in recs
        ],
    )
    statuses = []
    got = await trail.insights_events(
        own_aws,
        group,
        now - timedelta(hours=1),
        now + timedelta(minutes=1),
        source_identity="ins-a",
        poll=0.05,
        on_status=lambda st: statuses.append(st.status),
    )
    assert [e.resource for e in got] == ["ins-3", "ins-0"]  # newest first
    assert statuses[-1] == "Complete"
    none = await trail.insights_events(
        own_aws,
        group,
        now - timedelta(hours=1),
        now + timedelta(minutes=1),
        source_identity=NO_IDENTITY,
        poll=0.05,
    )
    assert [e.resource for e in none] == ["ins-2"]
    assert own.count("logs", "StartQuery") >= 2 and own.count("logs", "GetQueryResults") >= 2


async def test_insights_on_a_missing_group_is_an_error(own_aws):
    now = datetime.now(UTC)
    with pytest.raises(AwsError) as info:
        await trail.insights_events(
            own_aws, "/no/such/group", now - timedelta(hours=1), now, source_identity="x1"
        )
    assert info.value.code
