"""Faults survived, nothing lost: the endpoint going away mid-follow, expired credentials, a resource
deleted under an open view. The real app (Pilot) against a sandbox of its own, over HTTP."""

from __future__ import annotations

import asyncio

from support import (
    TRAINING_GROUP,
    make_job,
    now_ms,
    put_lines,
    put_lines_backend,
    screen_text,
    stream_of,
    uid,
    until,
    wait_for,
)

from smtui.app import SmtuiApp
from smtui.aws.resources import BY_KEY
from smtui.config import Settings
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.screens.credentials import ExpiredCredentialsScreen
from smtui.screens.detail import DetailScreen
from smtui.screens.logs import LogScreen

TRAINING = BY_KEY["training"]


def _texts(screen: LogScreen) -> list[str]:
    return [line.text for line in screen.view.lines]


async def test_endpoint_goes_away_mid_follow_no_line_lost_none_twice(own_sandbox):
    """Stop the endpoint while following a 2-instance job, keep logging while it is down, bring it back on
    the same port: the lines already shown stay, the view says it is retrying, and afterwards every line
    is there exactly once, in timestamp order (eventId de-duplication across the gap)."""
    sb = own_sandbox("outage")
    name = uid("flaky")
    make_job(sb, name, instances=2)
    t0 = now_ms() - 30_000
    before = {h: [(t0 + i * 100 + h, f"before h{h} #{i}") for i in range(40)] for h in (1, 2)}
    for h, events in before.items():
        put_lines(sb, TRAINING_GROUP, stream_of(name, h), events)

    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = LogScreen(TRAINING, name)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.view.lines) == 80, what="history")
        await until(
            pilot, lambda: screen.view.following and screen.workers and not screen.busy, what="following"
        )
        shown_before = _texts(screen)

        # the endpoint goes away; the job keeps logging meanwhile (straight into the backend)
        down = asyncio.create_task(asyncio.to_thread(sb.restart, 4.0))  # longer than botocore's own retries
        await until(pilot, lambda: not sb.running, what="the endpoint gone")
        gap_start = now_ms()
        gap = {h: [(gap_start + i * 10 + h, f"during h{h} #{i}") for i in range(25)] for h in (1, 2)}
        for h, events in gap.items():
            put_lines_backend(sb, TRAINING_GROUP, stream_of(name, h), events)
        await until(
            pilot, lambda: "retrying" in str(screen._status.render()), limit=15, what="a retry notice"
        )
        assert "EndpointConnectionError" in screen_text(app)
        assert _texts(screen) == shown_before  # what was shown stays
        await down
        after_start = now_ms()
        after = {h: [(after_start + i * 10 + h, f"after h{h} #{i}") for i in range(25)] for h in (1, 2)}
        for h, events in after.items():
            put_lines(sb, TRAINING_GROUP, stream_of(name, h), events)
        await until(pilot, lambda: len(screen.view.lines) >= 180, limit=30, what="every line after the gap")
        await pilot.pause(1.5)  # one more poll: nothing arrives twice
        texts = _texts(screen)
        expected = [m for group in (before, gap, after) for h in (1, 2) for _, m in group[h]]
        assert len(texts) == len(set(texts)) == 180
        assert set(texts) == set(expected)
        stamps = [line.ts for line in screen.view.lines]
        assert stamps == sorted(stamps)
        await until(pilot, lambda: not screen.notice, what="the notice cleared once polls succeed")


async def test_expired_credentials_prompt_once_then_work_again_without_restart(own_sandbox):
    """Credentials expire while a list and a log follow are running: one prompt (not one per pane), the
    pane shows ExpiredTokenException; after the user refreshes them and presses enter, the panes reload
    and the log follow goes on, in the same process."""
    sb = own_sandbox("credentials")
    name = uid("expiring")
    make_job(sb, name)
    put_lines(sb, TRAINING_GROUP, stream_of(name), [(now_ms() - 5000, "first line")])

    app = SmtuiApp(settings=Settings(refresh_interval=1), target=sb.target())
    async with app.run_test(size=(140, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        await until(pilot, lambda: name in pane.table, what="the job listed")
        screen = LogScreen(TRAINING, name)
        await app.push_screen(screen)
        await until(pilot, lambda: "first line" in _texts(screen) and not screen.busy, what="log history")

        sb.expire_credentials()
        await until(pilot, lambda: isinstance(app.screen, ExpiredCredentialsScreen), what="the prompt")
        await until(
            pilot,
            lambda: "The security token included in the request is expired" in screen_text(app),
            what="the prompt drawn",
        )
        assert "ExpiredTokenException" in screen_text(app)
        await until(pilot, lambda: "ExpiredTokenException" in screen.notice, what="the log view's notice")
        await pilot.pause(1.5)  # more failed polls meanwhile: still one prompt
        stack = [s for s in app.screen_stack if isinstance(s, ExpiredCredentialsScreen)]
        assert len(stack) == 1

        sb.restore_credentials()
        put_lines(sb, TRAINING_GROUP, stream_of(name), [(now_ms(), "line after the refresh")])
        await pilot.press("enter")  # "I have refreshed them: retry"
        await until(pilot, lambda: not isinstance(app.screen, ExpiredCredentialsScreen), what="prompt closed")
        await until(
            pilot, lambda: "line after the refresh" in _texts(screen), limit=20, what="follow resumed"
        )
        await pilot.press("escape")  # back to the list: it reloads with the new session
        await until(
            pilot, lambda: pane.error is None and name in pane.table and pane.loaded, what="pane reloaded"
        )
        assert not [s for s in app.screen_stack if isinstance(s, ExpiredCredentialsScreen)]


async def test_ctrl_r_after_refreshing_credentials_reloads_a_failed_pane(own_sandbox):
    sb = own_sandbox("credentials")
    name = uid("ctrlr")
    make_job(sb, name, status="Completed")
    app = SmtuiApp(target=sb.target())
    sb.expire_credentials()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2")
        pane = app.screen_stack[0].pane("training")
        await until(pilot, lambda: isinstance(app.screen, ExpiredCredentialsScreen), what="the prompt")
        await pilot.press("escape")  # not now
        await until(pilot, lambda: pane.error is not None and pane.error.is_expired, what="error in the pane")
        assert "ExpiredTokenException" in screen_text(app) and "ctrl+r" in screen_text(app)
        sb.restore_credentials()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: pane.error is None and name in pane.table, what="reloaded after ctrl+r")


async def test_resource_deleted_while_its_detail_and_log_views_are_open(own_sandbox):
    """The job disappears (and its log group with it) while its detail screen and log view are open: both
    say so in plain words and keep what they showed; nothing crashes."""
    sb = own_sandbox("deletions")
    name = uid("doomed")
    make_job(sb, name)
    put_lines(
        sb, TRAINING_GROUP, stream_of(name), [(now_ms() - 3000 + i, f"kept line {i}") for i in range(5)]
    )
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(140, 40)) as pilot:
        detail = DetailScreen(TRAINING, name)
        await app.push_screen(detail)
        await until(pilot, lambda: detail.describe is not None, what="described")
        logs = LogScreen(TRAINING, name)
        await app.push_screen(logs)
        await until(pilot, lambda: len(logs.view.lines) == 5 and not logs.busy, what="log history")

        fsm.delete("training", name, region=sb.region)
        sb.boto3_client("logs").delete_log_stream(logGroupName=TRAINING_GROUP, logStreamName=stream_of(name))
        await pilot.press("escape")
        assert app.screen is detail
        await pilot.press("r")
        await until(pilot, lambda: detail.error is not None, what="the refresh failed")
        text = screen_text(app)
        assert detail.error.is_not_found
        assert "no longer exists" in text
        assert name in text  # the last answer is still shown
        # the log view of a deleted resource: the lines stay, nothing crashes
        await app.push_screen(logs2 := LogScreen(TRAINING, name))
        await until(pilot, lambda: not logs2.busy and logs2.error, what="the log view says what happened")
        assert (
            "no longer exists" in screen_text(app)
            or "ResourceNotFound" in screen_text(app)
            or "Could not find" in screen_text(app)
        )


async def test_quitting_while_the_audit_scan_runs_exits_cleanly(own_sandbox):
    """ctrl+c while the audit pane is still paging through LookupEvents: smtui exits without a traceback (the
    cancelled scan must not draw into a pane that is already gone)."""
    sb = own_sandbox("deletions")
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    for i in range(400):  # 8 pages at 2 requests/s: still scanning when q is pressed
        sb.recorder.add(
            {
                "eventTime": (now - dt.timedelta(minutes=i + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "eventName": "DescribeTrainingJob",
                "eventSource": "sagemaker.amazonaws.com",
                "awsRegion": sb.region,
                "userIdentity": {"type": "IAMUser", "userName": "u"},
            }
        )
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        audit = app.screen.query_one("#audit")
        await until(pilot, lambda: audit.scanning and audit.events, what="the scan under way")
        await pilot.press("2")
        await app.push_screen(DetailScreen(TRAINING, "no-such-job"))  # another screen on top, as in a session
        await pilot.press("ctrl+c")
    assert app.return_code in (0, None)


async def test_new_keys_in_the_shared_credentials_file_are_picked_up_without_a_restart(
    own_sandbox, tmp_path, monkeypatch
):
    """The user's profile reads keys from ~/.aws/credentials; they expire; the user writes new ones (as
    `aws sso login` or a credentials helper would) and presses enter at the prompt: smtui reads the file
    again and goes on with the new key, in the same process."""
    from smtui.aws.target import AwsTarget

    sb = own_sandbox("credentials")
    name = uid("rotated")
    make_job(sb, name, status="Completed")
    creds = tmp_path / "credentials"
    creds.write_text("[work]\naws_access_key_id = AKIAOLDKEY0000000001\naws_secret_access_key = old\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    sb.expire_credentials("AKIAOLDKEY0000000001")
    app = SmtuiApp(target=AwsTarget(profile="work", region=sb.region, endpoint_url=sb.url))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("2")
        pane = app.screen_stack[0].pane("training")
        await until(
            pilot,
            lambda: isinstance(app.screen, ExpiredCredentialsScreen) and "have expired" in screen_text(app),
            what="the prompt",
        )
        creds.write_text("[work]\naws_access_key_id = AKIANEWKEY0000000002\naws_secret_access_key = new\n")
        first_new = len(sb.requests)
        await pilot.press("enter")
        await until(pilot, lambda: pane.error is None and name in pane.table, what="listed with the new key")
        keys = {r.access_key for r in list(sb.requests)[first_new:]}
        assert keys == {"AKIANEWKEY0000000002"}


async def test_headless_follow_survives_the_endpoint_going_away(own_sandbox, capsys):
    """`smtui logs training NAME --follow` (as over a flaky SSH link): the endpoint goes away and comes
    back; stdout has every line once, in order."""
    import argparse

    from smtui.aws.session import AwsSession
    from smtui.headless import logs as headless_logs

    sb = own_sandbox("outage")
    name = uid("headless-flaky")
    make_job(sb, name)
    put_lines(sb, TRAINING_GROUP, stream_of(name), [(now_ms() - 2000 + i, f"before {i}") for i in range(10)])
    parser = argparse.ArgumentParser()
    headless_logs.add_arguments(parser)
    args = parser.parse_args(["training", name, "--follow", "--no-labels", "--timestamps", "none"])
    aws = AwsSession(sb.target())
    task = asyncio.create_task(headless_logs.run(args, aws, None))
    seen = ""

    async def printed(text: str, limit: float = 20.0) -> None:
        nonlocal seen
        deadline = asyncio.get_running_loop().time() + limit
        while text not in seen:
            assert asyncio.get_running_loop().time() < deadline, f"not printed: {text!r}"
            assert not task.done(), task
            await asyncio.sleep(0.05)
            captured = capsys.readouterr()
            seen += captured.out
            errors.append(captured.err)

    errors: list[str] = []
    try:
        await printed("before 9")
        down = asyncio.create_task(asyncio.to_thread(sb.restart, 3.0))
        await wait_for(lambda: not sb.running, what="the endpoint gone")
        put_lines_backend(
            sb, TRAINING_GROUP, stream_of(name), [(now_ms() + i, f"during {i}") for i in range(10)]
        )
        await down
        put_lines(
            sb, TRAINING_GROUP, stream_of(name), [(now_ms() + 100 + i, f"after {i}") for i in range(10)]
        )
        await printed("after 9", limit=30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await aws.close()
    lines = [ln for ln in seen.splitlines() if ln.strip()]
    expected = [f"{w} {i}" for w in ("before", "during", "after") for i in range(10)]
    assert (
        lines == expected
    )  # (whether stderr said "retrying" depends on botocore's own retries absorbing it)
