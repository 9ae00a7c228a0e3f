"""The log data layer against the sandbox: discovery, interleaving, follow, late events, de-duplication."""

from __future__ import annotations

import asyncio

import pytest
from support import TRAINING_GROUP, create_training_job, now_ms, put_lines, uid

from smtui.aws import logs as logs_mod
from smtui.aws.errors import AwsError
from smtui.aws.logs import (
    Deduper,
    Interleaver,
    LiveTailSource,
    LogEvent,
    PollingSource,
    ResourceLogs,
    instances_not_logged,
    is_health_check,
    parse_time,
)
from smtui.aws.resources import ENDPOINT, TRAINING


async def collect(agen) -> list[LogEvent]:
    out: list[LogEvent] = []
    async for batch in agen:
        out.extend(batch)
    return out


def four_streams(sandbox, job: str, per_stream: int, base: int) -> dict[str, list[tuple[int, str]]]:
    """4 streams whose timestamps interleave: stream k logs at base + 4*i + k."""
    streams = {}
    for k in range(4):
        stream = f"{job}/algo-{k + 1}-1700000000"
        events = [(base + 4 * i + k, f"algo-{k + 1} line {i}") for i in range(per_stream)]
        put_lines(sandbox, TRAINING_GROUP, stream, events)
        streams[stream] = events
    return streams


async def test_history_interleaves_four_streams_across_pages(sandbox, aws, monkeypatch):
    monkeypatch.setattr(logs_mod.resource, "PAGE_LIMIT", 70)  # several pages per stream
    job = uid("inter")
    base = now_ms() - 600_000
    four_streams(sandbox, job, 250, base)
    logs = ResourceLogs(aws, TRAINING, job)
    batches = [b async for b in logs.history()]
    events = [e for b in batches for e in b]
    assert len(events) == 1000
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    assert [e.timestamp for e in events] == [base + n for n in range(1000)]
    assert {e.source for e in events} == {"algo-1", "algo-2", "algo-3", "algo-4"}
    # batches arrive progressively, each after the previous one
    assert len(batches) > 1
    for a, b in zip(batches, batches[1:], strict=False):
        assert a[-1].timestamp <= b[0].timestamp


async def test_history_time_range_is_half_open(sandbox, aws):
    job = uid("range")
    base = now_ms() - 600_000
    put_lines(
        sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(base + i * 1000, f"m{i}") for i in range(10)]
    )
    logs = ResourceLogs(aws, TRAINING, job)
    events = await collect(logs.history(base + 2000, base + 5000))
    assert [e.message for e in events] == ["m2", "m3", "m4"]


async def test_discovery_pages_past_fifty_streams(sandbox, aws):
    job = uid("many")
    t = now_ms() - 1000
    for k in range(57):
        put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-{k + 1}-1700000000", [(t, f"hello {k}")])
    streams = await ResourceLogs(aws, TRAINING, job).streams()
    assert len(streams) == 57
    assert {s.source for s in streams} == {f"algo-{k + 1}" for k in range(57)}


async def test_prefix_collision_train_vs_train_2(sandbox, aws):
    job = uid("pc")
    other = f"{job}-2"
    t = now_ms() - 10_000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t, "mine")])
    put_lines(sandbox, TRAINING_GROUP, f"{other}/algo-1-1700000000", [(t + 1, "not mine")])
    logs = ResourceLogs(aws, TRAINING, job)
    assert [s.name for s in await logs.streams()] == [f"{job}/algo-1-1700000000"]
    assert [e.message for e in await collect(logs.history())] == ["mine"]
    polled = await PollingSource(logs, t).poll_once()
    assert [e.message for e in polled] == ["mine"]
    with_pattern = ResourceLogs(aws, TRAINING, job, pattern="mine")
    assert [e.message for e in await collect(with_pattern.history(t - 1000))] == ["mine"]


async def test_follow_delivers_late_events_once_and_in_order(sandbox, aws):
    job = uid("late")
    stream = f"{job}/algo-1-1700000000"
    t0 = now_ms() - 3_000
    put_lines(sandbox, TRAINING_GROUP, stream, [(t0, "first"), (t0 + 1000, "third")])
    src = PollingSource(ResourceLogs(aws, TRAINING, job), t0)
    assert [e.message for e in await src.poll_once()] == ["first", "third"]
    assert await src.poll_once() == []  # nothing twice
    # an event stamped before "third" arrives late, in another stream and in the same one
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-2-1700000000", [(t0 + 500, "second (late, algo-2)")])
    put_lines(sandbox, TRAINING_GROUP, stream, [(t0 + 1500, "fourth")])
    late = await src.poll_once()
    assert [e.message for e in late] == ["second (late, algo-2)", "fourth"]
    assert await src.poll_once() == []


async def test_follow_picks_up_new_streams(sandbox, aws):
    job = uid("newstream")
    t0 = now_ms() - 2_000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0, "a1")])
    logs = ResourceLogs(aws, TRAINING, job)
    src = PollingSource(logs, t0)
    assert [e.source for e in await src.poll_once()] == ["algo-1"]
    # the instance restarts: a new stream with a new epoch suffix, and a second host appears
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000999", [(t0 + 10, "a1 again")])
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-2-1700000000", [(t0 + 20, "a2")])
    got = await src.poll_once()
    assert [(e.source, e.message) for e in got] == [("algo-1", "a1 again"), ("algo-2", "a2")]
    assert len(await logs.streams()) == 3


async def test_history_then_follow_shows_nothing_twice(sandbox, aws):
    job = uid("handoff")
    stream = f"{job}/algo-1-1700000000"
    t = now_ms()
    # identical lines in the same millisecond are two lines, not a duplicate
    put_lines(sandbox, TRAINING_GROUP, stream, [(t - 2000, "same"), (t - 2000, "same"), (t - 1000, "x")])
    logs = ResourceLogs(aws, TRAINING, job)
    dedupe = Deduper()
    history = await collect(logs.history(None, t))
    for e in history:
        dedupe.remember(e)
    src = logs.follow(t, live_tail=False, deduper=dedupe)
    assert isinstance(src, PollingSource)
    assert [e.message for e in history] == ["same", "same", "x"]
    assert await src.poll_once() == []
    put_lines(sandbox, TRAINING_GROUP, stream, [(t + 5, "new")])
    assert [e.message for e in await src.poll_once()] == ["new"]


async def test_dedupe_memory_is_bounded_by_the_time_window():
    d = Deduper()
    for i in range(50_000):
        assert d.admit(LogEvent(i, "m", "s", "a", event_id=str(i)))
    assert not d.admit(LogEvent(10, "m", "s", "a", event_id="10"))
    d.forget_before(49_000)
    assert len(d) == 1000
    assert d.admit(LogEvent(10, "m", "s", "a", event_id="10"))  # outside the window: forgotten


async def test_follow_batches_loop_polls_and_paces(sandbox, aws):
    job = uid("loop")
    t0 = now_ms() - 1000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0, "one")])
    src = ResourceLogs(aws, TRAINING, job).follow(t0, live_tail=False, interval=0.05)
    agen = src.batches()
    first = await asyncio.wait_for(agen.__anext__(), 10)
    assert [e.message for e in first] == ["one"]
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0 + 100, "two")])
    second = await asyncio.wait_for(agen.__anext__(), 10)
    assert [e.message for e in second] == ["two"]
    await agen.aclose()
    # every pane together stays inside FilterLogEvents' 5 requests/s
    assert aws.limiter.max_per_second("logs.FilterLogEvents") <= 5


async def test_throttled_sandbox_retries_and_keeps_lines(sandbox, aws):
    job = uid("throttle")
    t0 = now_ms() - 1000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0 + i, f"l{i}") for i in range(5)])
    logs = ResourceLogs(aws, TRAINING, job)
    aws.limiter.enabled = False  # let the client be too fast so the sandbox throttles it
    notices: list[str] = []
    aws.on_notice = notices.append
    sandbox.set_throttle(True)
    try:
        results = await asyncio.gather(*[collect(logs.filter_pages(start_ms=t0 - 10)) for _ in range(12)])
    finally:
        sandbox.set_throttle(False)
    assert all([e.message for e in r] == [f"l{i}" for i in range(5)] for r in results)
    assert sandbox.count("logs", "FilterLogEvents", throttled=True) > 0
    assert any("throttled" in n for n in notices)


async def test_polling_source_backs_off_with_a_notice_and_carries_on(sandbox, aws, monkeypatch):
    job = uid("backoff")
    t0 = now_ms() - 1000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0, "kept")])
    notices: list[str] = []
    logs = ResourceLogs(aws, TRAINING, job, notice=notices.append)
    src = PollingSource(logs, t0, interval=0.01)
    real = src.poll_once
    calls = {"n": 0}

    async def flaky():
        calls["n"] += 1
        if calls["n"] == 1:
            raise AwsError("ThrottlingException", "Rate exceeded", "req-1", 400, "FilterLogEvents", "logs")
        return await real()

    monkeypatch.setattr(src, "poll_once", flaky)
    monkeypatch.setattr(logs_mod.sources, "_backoff", lambda attempt, cap=30.0: 0.01)
    agen = src.batches()
    batch = await asyncio.wait_for(agen.__anext__(), 10)
    await agen.aclose()
    assert [e.message for e in batch] == ["kept"]
    assert any("ThrottlingException" in n and "req-1" in n and "retrying" in n for n in notices)


async def test_invalid_filter_pattern_is_an_aws_error(sandbox, aws):
    logs = ResourceLogs(aws, TRAINING, uid("pattern"), pattern='{ $.level = "error"')
    with pytest.raises(AwsError) as info:
        await collect(logs.filter_pages(start_ms=now_ms() - 1000))
    assert info.value.code == "InvalidParameterException"


async def test_missing_log_group_means_no_streams_yet(sandbox, aws):
    logs = ResourceLogs(aws, ENDPOINT, uid("no-such-endpoint"))
    assert await logs.streams() == []


async def test_live_tail_parses_updates_and_reconnects_without_duplicates(sandbox, aws):
    """moto's StartLiveTail sends one update of historical events (the oldest 500 of the group), then closes
    the stream: enough to test parsing and reconnecting (each new session re-sends the same events, which must
    not repeat). An endpoint's own log group keeps the 500 small."""
    ep = uid("live")
    group = ENDPOINT.log_group(ep)
    t0 = now_ms() - 2000
    put_lines(sandbox, group, "AllTraffic/i-0aaa", [(t0, "live one"), (t0 + 1, "live two")])
    notices: list[str] = []
    logs = ResourceLogs(aws, ENDPOINT, ep, notice=notices.append)
    src = logs.follow(t0, live_tail=True)
    assert isinstance(src, LiveTailSource)
    src.min_session_s = 0.01
    agen = src.batches()
    first = await asyncio.wait_for(agen.__anext__(), 10)
    assert [(e.source, e.message) for e in first] == [
        ("AllTraffic/i-0aaa", "live one"),
        ("AllTraffic/i-0aaa", "live two"),
    ]
    put_lines(sandbox, group, "AllTraffic/i-0bbb", [(t0 + 5, "live three")])
    second = await asyncio.wait_for(agen.__anext__(), 10)
    await agen.aclose()
    assert [(e.source, e.message) for e in second] == [("AllTraffic/i-0bbb", "live three")]
    assert src.sessions >= 2
    assert any("reconnecting" in n for n in notices)


def test_live_tail_only_without_a_custom_endpoint(sandbox):
    from smtui.aws.logs import prefers_live_tail
    from smtui.aws.session import AwsSession, AwsTarget

    assert not prefers_live_tail(AwsSession(sandbox.target()))
    assert prefers_live_tail(AwsSession(AwsTarget(region="us-east-1")))


def test_interleaver_holds_back_until_every_stream_has_caught_up():
    m = Interleaver(2)
    ev = lambda ts, s: LogEvent(ts, f"{s}{ts}", s, s)  # noqa: E731
    assert m.add(0, [ev(1, "a"), ev(5, "a")]) == []  # stream b has not answered yet
    out = m.add(1, [ev(2, "b"), ev(3, "b")])
    assert [e.message for e in out] == ["a1", "b2"]  # b might still have more at 3
    out = m.finish(1)
    assert [e.message for e in out] == ["b3"]  # a might still have more at 5
    assert [e.message for e in m.finish(0)] == ["a5"] and m.done


def test_parse_time():
    now = 1_800_000_000_000
    assert parse_time("5m", now_ms=now) == now - 300_000
    assert parse_time("1h", now_ms=now) == now - 3_600_000
    assert parse_time("2d", now_ms=now) == now - 172_800_000
    assert parse_time("2026-11-27 10:00", now_ms=now) == 1795773600000
    assert parse_time("2026-11-27T10:00:00Z", now_ms=now) == 1795773600000
    assert parse_time("1795773600", now_ms=now) == 1795773600000
    with pytest.raises(ValueError, match="not a time"):
        parse_time("yesterday-ish", now_ms=now)


def test_instances_not_logged():
    from smtui.aws.resources import ENDPOINT, PROCESSING, TRANSFORM

    d4 = {"ResourceConfig": {"InstanceCount": 4}}
    assert instances_not_logged(TRAINING, d4, ["algo-1", "algo-3"]) == ["algo-2", "algo-4"]
    assert instances_not_logged(TRAINING, d4, ["algo-1", "algo-2", "algo-3", "algo-4"]) == []
    assert instances_not_logged(TRAINING, d4, []) == ["algo-1", "algo-2", "algo-3", "algo-4"]
    groups = {"ResourceConfig": {"InstanceGroups": [{"InstanceCount": 2}, {"InstanceCount": 1}]}}
    assert instances_not_logged(TRAINING, groups, ["algo-1"]) == ["algo-2", "algo-3"]
    proc = {"ProcessingResources": {"ClusterConfig": {"InstanceCount": 2}}}
    assert instances_not_logged(PROCESSING, proc, ["algo-2"]) == ["algo-1"]
    tr = {"TransformResources": {"InstanceCount": 3}}
    assert instances_not_logged(TRANSFORM, tr, ["i-0abc", "i-0abc/data-log"]) == ["2 instances"]
    assert instances_not_logged(TRANSFORM, tr, []) == ["3 instances"]
    assert instances_not_logged(TRAINING, None, ["algo-1"]) == []
    assert instances_not_logged(ENDPOINT, {"EndpointName": "x"}, []) == []


def test_health_check_lines():
    assert is_health_check(
        '169.254.178.2 - - [28/Nov/2026:00:00:01 +0000] "GET /ping HTTP/1.1" 200 0 "-" "AHC/2.0"'
    )
    assert not is_health_check("POST /invocations 200")
    assert not is_health_check("pinged /pingpong service")


async def test_describe_of_a_missing_job_is_not_found(aws):
    with pytest.raises(AwsError) as info:
        await ResourceLogs(aws, TRAINING, uid("nope")).describe()
    assert info.value.is_not_found


async def test_job_instances_compared_with_streams(sandbox, aws):
    job = uid("inst")
    create_training_job(sandbox, job, instances=4)
    t = now_ms() - 1000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t, "x")])
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-3-1700000000", [(t, "y")])
    logs = ResourceLogs(aws, TRAINING, job)
    describe = await logs.describe()
    assert instances_not_logged(TRAINING, describe, [s.source for s in await logs.streams()]) == [
        "algo-2",
        "algo-4",
    ]


async def test_growing_overlap_never_reaches_back_to_forgotten_events(sandbox, aws):
    """Ids are forgotten once a poll's window has moved past them, so a later window (grown because events
    arrive later) must not start before an earlier one."""
    job = uid("lag")
    stream = f"{job}/algo-1-1700000000"
    t = now_ms() - 60_000
    put_lines(sandbox, TRAINING_GROUP, stream, [(t - 3000, "E"), (t + 30_000, "F")])
    src = PollingSource(ResourceLogs(aws, TRAINING, job), t, min_overlap_ms=5000)
    src.lag = 0
    starts = []
    got = []
    for lag in (0, 0, 40_000, 90_000):
        src.lag = lag
        src.min_overlap = 5000
        got += [e.message for e in await src.poll_once()]
        starts.append(src.floor)
        src.lag = lag  # poll_once measures the sandbox's own lateness; keep the test's
    assert got == ["E", "F"]
    assert starts == sorted(starts)


async def test_tail_reads_the_newest_first_interleaved(sandbox, aws, monkeypatch):
    monkeypatch.setattr(logs_mod.resource, "PAGE_LIMIT", 70)
    job = uid("tail")
    base = now_ms() - 600_000
    streams = four_streams(sandbox, job, 250, base)
    logs = ResourceLogs(aws, TRAINING, job)
    batches = [b async for b in logs.tail(limit=400)]
    events = [e for b, _ in batches for e in b]
    # 400 / 4 streams = 100 each, read in pages of 70: the newest 140 of every stream
    want = sorted(t for evs in streams.values() for t, _ in evs[-140:])
    assert sorted(e.timestamp for e in events) == want
    for (newer, _), (older, _) in zip(batches, batches[1:], strict=False):
        assert [e.timestamp for e in older] == sorted(e.timestamp for e in older)
        assert older[-1].timestamp <= newer[0].timestamp
    assert batches[-1][1] is False  # older events remain
    everything = [b async for b in logs.tail(limit=10_000)]
    assert sum(len(b) for b, _ in everything) == 1000 and everything[-1][1] is True
    window = [b async for b in logs.tail(base + 100, base + 400, limit=10_000)]
    assert sorted(e.timestamp for b, _ in window for e in b) == list(range(base + 100, base + 400))


async def test_fan_in_keeps_a_stream_that_runs_ahead_to_a_page_or_so():
    """A sparse stream gets far ahead of a dense one in time: it waits instead of buffering its whole log
    (the headless path holds about a page per stream, whatever the job's size)."""
    import asyncio

    from smtui.aws.logs import LogEvent, fan_in
    from smtui.aws.logs.merge import Interleaver

    page = 100
    dense = [LogEvent(t, f"d{t}", "dense", "a") for t in range(0, 20_000)]
    sparse = [LogEvent(t, f"s{t}", "sparse", "b") for t in range(5, 20_000, 4)]
    streams = {"dense": dense, "sparse": sparse}
    fetched, out, most = [0], [], [0]

    async def pages(name: str):
        events = streams[name]
        for lo in range(0, len(events), page):
            await asyncio.sleep(0)  # a request in flight
            fetched[0] += len(events[lo : lo + page])
            most[0] = max(most[0], fetched[0] - len(out))  # read but not yet let out of the merge
            yield events[lo : lo + page]

    async for batch in fan_in(["dense", "sparse"], pages, Interleaver(2), ahead=3 * page):
        out.extend(batch)
    assert [e.message for e in out] == [e.message for e in sorted(dense + sparse, key=lambda e: e.timestamp)]
    # the limit for the stream ahead, plus a page or two in flight per stream (without it: the sparse log whole)
    assert most[0] <= 3 * page + 4 * page


async def test_a_follow_goes_on_when_a_refresh_closes_its_client_under_a_poll(sandbox, aws):
    """ctrl+r or the expired-credentials prompt closes the clients, and a poll may be in flight on one: it
    fails (``HTTPClientError: 'NoneType' object has no attribute 'get'``), and the follow used to end there,
    its view saying so for good (seen in a CI run of the expired-credentials fault test). A failure of an
    attempt that a refresh overtook is the old session's: the source tries again with the new one."""
    job = uid("refreshmid")
    t0 = now_ms() - 2_000
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t0, "before the refresh")])
    src = PollingSource(ResourceLogs(aws, TRAINING, job), t0, interval=0.1)
    client = await aws.client("logs")
    refreshed: list[int] = []

    async def refresh_under_the_call(**_: object) -> None:
        if not refreshed:
            refreshed.append(aws.refreshes)
            await aws.refresh()  # closes this very client before the request goes out

    client.meta.events.register("before-send.cloudwatch-logs.FilterLogEvents", refresh_under_the_call)
    batches = src.batches()
    try:
        first = await asyncio.wait_for(anext(batches), 10)
    finally:
        await batches.aclose()
    assert refreshed and aws.refreshes == refreshed[0] + 1
    assert [e.message for e in first] == ["before the refresh"]
