"""Malformed and extreme data from AWS, shown sensibly, nothing crashing: property tests of the sanitiser
on the bytes Rich writes, 256 KB log lines, invalid UTF-8, empty messages, 10,000-character job names,
unknown statuses, Describe answers missing optional fields, malformed CloudTrailEvent JSON."""

from __future__ import annotations

import datetime as dt
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from support import TRAINING_GROUP, make_job, now_ms, put_lines, put_lines_backend, screen_text, uid, until

from smtui.app import SmtuiApp
from smtui.aws.resources import BY_KEY
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.screens.detail import DetailScreen
from smtui.screens.event import EventScreen
from smtui.screens.logs import LogScreen
from smtui.text import DISPLAY_LIMIT, clean, to_text

TRAINING = BY_KEY["training"]

# ---------------------------------------------------------------------------------------------- the sanitiser

ESCAPE_PIECES = [
    "\x1b",
    "[",
    "]",
    "P",
    "\\",
    "\x07",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x90",
    "0;",
    "52;c;",
    "8;;",
    "2J",
    "m",
    "31",
    ";",
    "?",
    "1049h",
    "\x7f",
    "\x00",
    "\r",
    "\n",
    "\t",
    "\u202e",
    "\u2066",
    "\ud800",
    "\udcff",
    "é",
    "日本",
    "a",
    " ",
]
hostile_text = st.lists(st.sampled_from(ESCAPE_PIECES) | st.text(max_size=5), max_size=40).map("".join)
#: what Rich may legitimately write for a Text: SGR sequences only
_SGR_ONLY = re.compile(r"\x1b\[[0-9;]*m")


def _rendered(text) -> str:
    buf = io.StringIO()
    Console(file=buf, force_terminal=True, color_system="truecolor", width=80, legacy_windows=False).print(
        text
    )
    return buf.getvalue()


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_what_rich_writes_for_any_aws_string_has_no_control_but_sgr(s):
    """The property that matters: the terminal bytes Rich produces from to_text()/clean() of any string
    (split escape sequences, nested OSC, C1, bidi, lone surrogates) hold no control sequence but colours."""
    for renderable in (to_text(s), clean(s), clean(s, newlines=True)):
        out = _rendered(renderable)
        rest = _SGR_ONLY.sub("", out)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", rest), repr(rest)
        rest.encode("utf-8")  # no lone surrogate reaches the terminal's encoder


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_clean_is_idempotent_and_concatenation_stays_safe(s):
    once = clean(s, newlines=True)
    assert clean(once, newlines=True) == once
    # cleaning pieces separately and joining them cannot make a sequence (ESC is never left over)
    assert "\x1b" not in clean(s[: len(s) // 2]) + clean(s[len(s) // 2 :])


@given(st.text(min_size=1, max_size=50, alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf"))))
def test_a_long_line_is_cut_for_display_with_a_marker(s):
    long = s * (3 * DISPLAY_LIMIT // len(s) + 2)
    text = to_text(long)
    assert len(text.plain) < len(long)
    assert text.plain.endswith("more characters]")


def test_invalid_utf8_where_bytes_enter_is_shown_with_replacement_characters():
    """Bytes that are not UTF-8 (from a saved file, a proxy, a tool that wrote latin-1) decoded the way smtui
    decodes them: replacement characters, and lone surrogates (``surrogateescape``) never reach the screen."""
    raw = b"ok \xff\xfe bad \xc3\x28 \xe2\x82 end"
    decoded = raw.decode("utf-8", "replace")
    assert clean(decoded) == decoded and "\ufffd" in decoded
    escaped = raw.decode("utf-8", "surrogateescape")
    shown = clean(escaped)
    shown.encode("utf-8")
    assert shown.startswith("ok ") and shown.endswith(" end") and "\ufffd" in shown
    to_text(escaped).plain.encode("utf-8")


# ---------------------------------------------------------------------------------------------- in the app


async def test_extreme_log_lines_are_shown_cut_saved_whole_and_nothing_crashes(own_sandbox, tmp_path):
    sb = own_sandbox()
    name = uid("extreme")
    make_job(sb, name, status="Completed")
    t = now_ms() - 60_000
    big = "B" * (256 * 1024 - 10) + "-END-OF-BIG"
    stream = f"{name}/algo-1-1700000000"
    put_lines(sb, TRAINING_GROUP, stream, [(t, "first"), (t + 1, big), (t + 3, "last")])
    # what PutLogEvents cannot carry: an empty message and lone surrogates (JSON can: "\udcff")
    put_lines_backend(sb, TRAINING_GROUP, stream, [(t + 2, ""), (t + 2, "bad bytes \udcff\ud800 here")])
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(200, 50)) as pilot:
        screen = LogScreen(TRAINING, name)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.view.lines) == 5 and not screen.busy, what="five lines")
        text = screen_text(app)
        assert "bad bytes \ufffd\ufffd here" in text  # lone surrogates: replacement characters
        text.encode("utf-8")
        await pilot.press("w", "g")  # wrapped, the 256 KB line shows its first 4,096 characters and a marker
        await until(pilot, lambda: "more characters]" in screen_text(app), what="the cut marker")
        assert "-END-OF-BIG" not in screen_text(app)
        # saved whole (and encodable)
        path = tmp_path / "saved.log"
        await pilot.press("ctrl+s")
        screen._input.value = str(path)
        await pilot.press("enter")
        await until(pilot, path.exists, what="the saved file")
        saved = path.read_text(encoding="utf-8")
        assert "-END-OF-BIG" in saved and saved.count("\n") == 5
        assert "bad bytes" in saved
        await pilot.press("G", "g", "slash", *"END", "enter")  # search through it: still responsive
        assert app.is_running


async def test_huge_names_unknown_statuses_missing_fields_and_broken_trail_events(own_sandbox):
    sb = own_sandbox()
    long_name = "n" * 10_000
    make_job(sb, long_name, status="Completed")
    odd = uid("odd")
    make_job(sb, odd, status="Completed")
    fsm.set_fields(
        "training",
        odd,
        TrainingJobStatus="Exploding",
        SecondaryStatus="Unheard-Of",
        ResourceConfig=None,
        StoppingCondition=None,
        AlgorithmSpecification=None,
        OutputDataConfig=None,
        SecondaryStatusTransitions=None,
        TrainingStartTime=None,
        LastModifiedTime=None,
        region=sb.region,
    )
    broken = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    sb.recorder.add(
        {
            "eventTime": broken.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventName": "CreateTrainingJob",
            "eventSource": "sagemaker.amazonaws.com",
            "awsRegion": sb.region,
            "userIdentity": {"type": "IAMUser"},
        },
        cloudtrail_event='{"eventVersion": "1.09", "userIdent',
    )
    sb.recorder.add(
        {
            "eventTime": broken.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventName": "StopTrainingJob",
            "eventSource": "sagemaker.amazonaws.com",
            "awsRegion": sb.region,
            "userIdentity": {"type": "SomethingNew", "weird": [1, {"x": None}]},
            "requestParameters": {"huge": "x" * 300_000},
        }
    )
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(160, 45)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        await until(
            pilot, lambda: pane.loaded and long_name in pane.table and odd in pane.table, what="listed"
        )
        await until(pilot, lambda: "Exploding" in screen_text(app), what="the unknown status shown as it is")
        assert pane.error is None
        # the 10,000-character name: the list cuts it, the detail screen shows it, nothing breaks
        await app.push_screen(detail := DetailScreen(TRAINING, long_name))
        await until(pilot, lambda: detail.describe is not None, what="described")
        await pilot.press("v")
        await pilot.press("escape")
        # missing optional fields: the detail screen renders what there is
        await app.push_screen(detail := DetailScreen(TRAINING, odd))
        await until(pilot, lambda: detail.describe is not None and not detail.refreshing, what="described")
        assert detail.error is None and "Exploding" in screen_text(app)
        await pilot.press("v")
        await pilot.press("l")  # logs of a job with no log group at all
        await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.busy, what="logs")
        assert app.screen.error is None
        await pilot.press("escape", "escape")
        # malformed CloudTrailEvent JSON and unknown identity types: rows that say what was wrong
        await pilot.press("5")
        audit = main.query_one("#audit")
        await until(pilot, lambda: audit.progress is not None and not audit.scanning, what="audit scan")
        problems = [e for e in audit.events if e.problem]
        assert problems and audit.last_error is None
        assert any("could not read" in e.problem.lower() or "json" in e.problem.lower() for e in problems)
        for ev in audit.events[:5]:
            await app.push_screen(EventScreen(ev))
            await pilot.pause()
            await pilot.press("escape")
        assert app.is_running
