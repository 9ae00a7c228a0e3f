"""Throttling at the real quotas over a whole session: list panes refreshing every second, an audit scan,
two log views following jobs that keep logging, and another tool in the same account eating all of
the FilterLogEvents quota. The sandbox answers ThrottlingException above AWS's quotas (``throttle``).

Shown: every pane keeps working, the backoff is visible in the log view, no line is lost or shown twice,
and smtui's own requests per API per second never exceed the documented quota as sent (the session's rate
limiter, every attempt included), nor by more than one as they arrive at the sandbox (its request log, smtui's
key only, throttled attempts included: network jitter can land the next request in the same second).
"""

from __future__ import annotations

import threading
import time

from support import TRAINING_GROUP, make_job, now_ms, put_lines, stream_of, uid, until

from smtui.app import SmtuiApp
from smtui.aws.resources import BY_KEY
from smtui.config import Settings
from smtui.sandbox.middleware import SAGEMAKER_LIST_RATE, THROTTLE_RATES
from smtui.screens.logs import LogScreen

from .conftest import mini_account


def per_second_max(records, key: str, service: str, operation: str) -> int:
    times = sorted(
        r.mono for r in records if r.access_key == key and r.service == service and r.operation == operation
    )
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0 + 1e-6:
            j += 1
        best = max(best, i - j + 1)
    return best


async def test_a_full_session_under_throttling_stays_within_quota_and_loses_nothing(own_sandbox):
    sb = own_sandbox()
    acct = mini_account(sb, uid("thr"))
    second = f"{acct.training}-b"
    make_job(sb, second)
    put_lines(sb, TRAINING_GROUP, stream_of(second), [(now_ms() - 5000, "second job starts")])
    sb.set_throttle(True)

    written: dict[str, list[str]] = {acct.training: [], second: []}
    stop = threading.Event()

    def job_logging() -> None:  # both jobs keep logging, about 10 lines a second each
        logs = sb.boto3_client("logs")
        i = 0
        while not stop.is_set():
            for job in written:
                msg = f"{job[-6:]} tick {i}"
                logs.put_log_events(
                    logGroupName=TRAINING_GROUP,
                    logStreamName=stream_of(job),
                    logEvents=[{"timestamp": now_ms(), "message": msg}],
                )
                written[job].append(msg)
            i += 1
            stop.wait(0.1)

    other_throttled = []

    def other_tool() -> None:  # someone else tailing logs in the same account: all of the 5 requests/s
        from botocore.exceptions import ClientError

        logs = sb.boto3_client("logs", aws_access_key_id="AKIAOTHERTOOL0000000", aws_secret_access_key="x")
        while not stop.is_set():
            try:
                logs.filter_log_events(logGroupName=TRAINING_GROUP, limit=1)
            except ClientError as exc:
                other_throttled.append(exc.response["Error"]["Code"])
            stop.wait(0.2)

    notices: list[str] = []
    app = SmtuiApp(settings=Settings(refresh_interval=1), target=sb.target())
    threads = [
        threading.Thread(target=job_logging, daemon=True),
        threading.Thread(target=other_tool, daemon=True),
    ]
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        aws = await app.get_aws()
        app.aws_notice.subscribe(app, notices.append)  # every notice the session sends, as panes get them
        limiter = aws.limiter
        await pilot.press("2")
        training = main.pane("training")
        await until(pilot, lambda: training.loaded and acct.training in training.table, what="listed")
        await pilot.press("5")  # the audit scan runs on while the rest goes on
        audit = main.query_one("#audit")
        await until(pilot, lambda: audit.progress is not None, what="audit scan started")
        await pilot.press("2")
        for t in threads:
            t.start()
        first = LogScreen(BY_KEY["training"], acct.training)
        await app.push_screen(first)
        second_view = LogScreen(BY_KEY["training"], second)
        await app.push_screen(second_view)
        seen_notice = []

        def backoff_shown() -> bool:
            for screen in (first, second_view):
                if "throttl" in screen.notice.lower() or "Rate exceeded" in screen.notice:
                    seen_notice.append(screen.notice)
            return bool(seen_notice)

        await until(pilot, backoff_shown, limit=30, what="a throttling notice in a log view")
        started = time.monotonic()
        await until(
            pilot,
            lambda: time.monotonic() - started > 2 and not audit.scanning,
            limit=40,
            what="a few more seconds of everything at once",
        )
        stop.set()
        for t in threads:
            t.join(timeout=5)
        for screen, job in ((first, acct.training), (second_view, second)):
            want = set(written[job])
            await until(
                pilot,
                lambda s=screen, w=want: w <= {ln.text for ln in s.view.lines},
                limit=40,
                what=f"every line of {job}",
            )
            texts = [ln.text for ln in screen.view.lines]
            assert len(texts) == len(set(texts)), "a line shown twice"
            assert screen.error is None
        assert app.is_running
        assert training.error is None or training.error.is_throttling
        assert audit.last_error is None and audit.events
    records = list(sb.requests)
    assert any(r.throttled and r.operation == "FilterLogEvents" for r in records), (
        "the quota was never under pressure"
    )
    assert any("throttled" in n for n in notices)

    from smtui.sandbox.server import ADMIN_KEY

    quotas = {(s, o): r for (s, o), r in THROTTLE_RATES.items()}
    for op in ("ListTrainingJobs", "ListEndpoints", "ListProcessingJobs", "ListTransformJobs", "ListDomains"):
        quotas[("sagemaker", op)] = SAGEMAKER_LIST_RATE
    sent, arrived = {}, {}
    for (service, op), quota in quotas.items():
        key = f"{service}.{op}"
        # as sent: the session's limiter paces every attempt (retries included) at the quota
        sent[key] = limiter.max_per_second(key)
        # as the sandbox saw them arrive: network jitter can bring the next one into the same second
        arrived[key] = per_second_max(records, ADMIN_KEY, service, op)
        assert sent[key] <= quota, (key, sent[key], quota)
        assert arrived[key] <= quota + 1, (key, arrived[key], quota)
    assert sent["logs.FilterLogEvents"] >= 1 and sent["cloudtrail.LookupEvents"] >= 1
    print("most requests in any one second, per API, as sent:", sent, "as arrived:", arrived)
