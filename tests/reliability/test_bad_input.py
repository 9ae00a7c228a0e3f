"""Bad user input: a clear message in place, and the previous state kept. Driven with keys (Pilot), against
the shared seeded sandbox (read-only) or a sandbox of its own; the command line in a child process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import TRAINING_GROUP, make_job, now_ms, put_lines, screen_text, uid, until

from smtui.app import SmtuiApp
from smtui.aws.resources import BY_KEY
from smtui.screens.logs import LogScreen


def _notices(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_invalid_regex_in_the_pane_filter_says_so_and_keeps_the_rows(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        await until(pilot, lambda: pane.loaded and len(pane.table) > 5, what="listed")
        await pilot.press("slash", *"churn")
        await until(pilot, lambda: 0 < pane.table.row_count < len(pane.table), what="filtered")
        shown = pane.table.row_count
        await pilot.press("[", "(")  # "churn[(": not a regular expression
        await until(pilot, lambda: pane.filter_error, what="the filter error")
        assert pane.table.row_count == shown  # the last good filter still applies
        assert pane.filter_error in screen_text(app)
        await pilot.press("backspace", "backspace")
        await until(pilot, lambda: not pane.filter_error, what="the error cleared")


async def test_unknown_command_and_nonsense_audit_window(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        await pilot.press("colon", *"frobnicate", "enter")
        # said in the line itself, which stays open and empty: the next word is not "frobnicate:ep"
        await until(pilot, lambda: "command 'frobnicate': try" in screen_text(app), what="the refusal")
        line = main.query_one("#command-input")
        assert main.current == "training" and line.value == "" and line.has_focus
        await pilot.press(*"ep", "enter")
        assert main.current == "endpoint" and not main.query_one("#command").display
        await pilot.press("2")
        await pilot.press("5")
        audit = main.query_one("#audit")
        await until(
            pilot, lambda: audit.progress is not None and not audit.scanning, limit=30, what="audit scan"
        )
        window, events = audit.window, len(audit.events)
        await pilot.press("w", *"last tuesday-ish", "enter")
        await until(
            pilot,
            lambda: "tuesday" in _notices(app).lower() or "window" in _notices(app).lower(),
            what="a message about the window",
        )
        assert audit.window == window and len(audit.events) == events and not audit.scanning


def _job_with_five_lines(own_sandbox, prefix: str):
    """A completed training job of its own (in il-central-1) whose one stream holds "line 0" .. "line 4"."""
    sb = own_sandbox()
    name = uid(prefix)
    make_job(sb, name, status="Completed")
    put_lines(
        sb,
        TRAINING_GROUP,
        f"{name}/algo-1-1700000000",
        [(now_ms() - 5000 + i, f"line {i}") for i in range(5)],
    )
    return sb, name


async def test_log_view_bad_regex_bad_filter_pattern_and_nonsense_time(own_sandbox):
    sb, name = _job_with_five_lines(own_sandbox, "badinput")
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(150, 40)) as pilot:
        screen = LogScreen(BY_KEY["training"], name)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.view.lines) == 5 and not screen.busy, what="history")
        # an invalid regular expression in the search
        await pilot.press("slash", *"line (", "enter")
        await until(pilot, lambda: "Not a regular expression" in _notices(app), what="regex message")
        assert len(screen.view.lines) == 5 and screen.view.search is None
        # a nonsense time range
        await pilot.press("r", *"the day after never", "enter")
        await until(pilot, lambda: "not a time" in _notices(app), what="time message")
        assert screen.range_key is None and len(screen.view.lines) == 5
        # a filter pattern the service rejects: its message, in place; no crash
        await pilot.press("p", *'{ $.level = "error"', "enter")
        await until(pilot, lambda: not screen.busy and screen.error, what="the service's message")
        assert "InvalidParameterException" in screen.error or "pattern" in screen.error.lower()
        assert app.is_running


def _smtui(*argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLEEXAMPLE00",
        AWS_SECRET_ACCESS_KEY="not-a-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return subprocess.run(
        [sys.executable, "-m", "smtui", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_unknown_profile_or_region_on_the_command_line():
    r = _smtui("--profile", "no-such-profile", "--region", "us-east-1")
    assert r.returncode == 2
    assert "no profile named 'no-such-profile'" in r.stderr and "Traceback" not in r.stderr
    r = _smtui("--region", "mars-1")
    assert r.returncode == 2
    assert "'mars-1' is not an AWS region name" in r.stderr and "Traceback" not in r.stderr
    r = _smtui("--region", "us-east-1", "logs", "nonsense-kind", "x")
    assert r.returncode != 0 and "unknown kind" in r.stderr and "Traceback" not in r.stderr


async def test_a_rejected_filter_pattern_keeps_the_lines_and_the_previous_pattern(own_sandbox):
    sb, name = _job_with_five_lines(own_sandbox, "badpattern")
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(150, 40)) as pilot:
        screen = LogScreen(BY_KEY["training"], name)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.view.lines) == 5 and not screen.busy, what="history")
        await pilot.press("p", *'{ $.level = "error"', "enter")
        await until(pilot, lambda: not screen.busy and screen.error, what="the service's message")
        assert len(screen.view.lines) == 5 and screen.pattern is None


@pytest.mark.parametrize("command", [["logs", "training", "some-job"], ["trail", "--since", "1h"]])
def test_headless_against_an_unreachable_endpoint_says_what_was_tried(command):
    r = _smtui(*command, "--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "EndpointConnectionError" in r.stderr and "http://127.0.0.1:9" in r.stderr
    assert "Tried 3 times" in r.stderr and "--endpoint-url" in r.stderr
    assert "keep retrying" not in r.stderr  # nothing retries after a headless command has exited
