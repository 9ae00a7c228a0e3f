"""The log view and the log screen, driven like a user would (Pilot), against the sandbox where data is needed."""

from __future__ import annotations

import pytest
from support import TRAINING_GROUP, create_training_job, now_ms, put_lines, uid, wait_for
from textual.app import App, ComposeResult

from smtui.aws.logs import LogEvent
from smtui.widgets.log_view import LogView


class ViewApp(App[None]):
    def __init__(self, max_lines: int = 200_000) -> None:
        super().__init__()
        self.max_lines = max_lines

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=self.max_lines)


def ev(ts: int, msg: str, source: str = "algo-1") -> LogEvent:
    return LogEvent(ts, msg, f"job/{source}-1700000000", source)


def screen_text(view: LogView) -> list[str]:
    return [view.render_line(y).text.rstrip() for y in range(view.size.height)]


async def test_late_events_are_inserted_in_order_and_the_cap_drops_the_oldest():
    app = ViewApp(max_lines=1000)
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        view.add_events([ev(t, f"m{t}") for t in range(0, 1000, 2)])
        view.add_events([ev(501, "late")])
        lines = view.lines
        assert [ln.ts for ln in lines] == sorted(ln.ts for ln in lines)
        assert lines[251].text == "late"
        view.add_events([ev(t, f"n{t}") for t in range(1000, 3000)])
        await pilot.pause()
        assert len(view.lines) <= 1000 + max(1000, 1000 // 50)
        assert view.lines[-1].text == "n2999"
        assert view.dropped > 0


async def test_only_visible_lines_are_formatted():
    app = ViewApp()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(LogView)
        calls = 0
        real = view._strips

        def counting(chunk, j):
            nonlocal calls
            calls += 1
            return real(chunk, j)

        view._strips = counting
        view.set_following(True)
        view.add_events([ev(i, f"line {i}") for i in range(50_000)])
        await pilot.pause()
        assert len(view.lines) == 50_000
        assert 0 < calls < 200
        assert screen_text(view)[-2].endswith("line 49999") or "line 49999" in "".join(screen_text(view))


async def test_hostile_messages_render_clean_colour_kept_and_long_lines_cut():
    app = ViewApp()
    async with app.run_test(size=(120, 12)) as pilot:
        view = app.query_one(LogView)
        big = "y" * (256 * 1024)
        view.add_events(
            [
                ev(1, "\x1b]0;pwned\x07\x1b[2Jvisible"),
                ev(2, "\x1b[31mred\x1b[0m plain"),
                ev(3, "tqdm 10%\r50%\r100%|done|"),
                ev(4, "\x9b6n\x9d8;;http://x\x9clink"),
                ev(5, big),
            ]
        )
        view.set_timestamps("off")
        view.set_show_labels(False)
        await pilot.pause()
        rows = []
        for y in range(5):
            strip = view.render_line(y)
            rows.append(strip)
            for seg in strip:
                assert "\x1b" not in seg.text and "\x9b" not in seg.text and "\x07" not in seg.text
        texts = [r.text.rstrip() for r in rows]
        assert texts[0] == "visible"
        assert texts[1] == "red plain"
        assert texts[2] == "100%|done|"
        assert texts[3] == "link"
        red = [seg for seg in rows[1] if seg.text == "red"]
        assert red and red[0].style.color is not None and red[0].style.color.number == 1  # ANSI red
        assert "more characters]" in "".join(s.text for s in view.strips_of(4)[0])
        assert view.lines[4].text == big  # kept whole for saving


async def test_search_highlights_every_match_and_steps_and_matches_only(tmp_path):
    app = ViewApp()
    async with app.run_test(size=(100, 10)) as pilot:
        view = app.query_one(LogView)
        view.add_events([ev(i, f"{'ERROR boom' if i % 10 == 3 else 'ok'} {i}") for i in range(100)])
        view.set_search("error")
        assert view.match_count == 10
        assert len(view.visible_lines) == 100  # context kept
        hit = view.find(True)
        assert hit is not None and hit.text == "ERROR boom 3"
        assert view.find(True).text == "ERROR boom 13"
        assert view.find(False).text == "ERROR boom 3"
        assert view.find(False).text == "ERROR boom 93"  # wraps around
        await pilot.pause()
        strip = view.strips_of(93)[0]
        matched = [seg for seg in strip if seg.text == "ERROR"]
        assert matched and matched[0].style.bold
        view.set_matches_only(True)
        assert len(view.visible_lines) == 10
        path = tmp_path / "matches.log"
        assert view.save(str(path)) == 10
        assert path.read_text().count("ERROR boom") == 10


async def test_sources_ping_timestamps_and_wrap():
    app = ViewApp()
    async with app.run_test(size=(120, 10)) as pilot:
        view = app.query_one(LogView)
        ping = '10.0.0.1 - - [28/Nov/2026:00:00:01 +0000] "GET /ping HTTP/1.1" 200 0'
        view.add_events(
            [ev(1000, "one", "algo-1"), ev(2000, ping, "algo-2"), ev(3000, "three " + "z" * 200, "algo-2")]
        )
        view.set_sources({"algo-2"})
        assert [ln.text[:5] for ln in view.visible_lines] == ["10.0.", "three"]
        view.set_hide_health_checks(True)
        assert [ln.text[:5] for ln in view.visible_lines] == ["three"]
        view.set_sources(None)
        view.set_timestamps("utc")
        await pilot.pause()
        assert screen_text(view)[0].startswith("1970-01-01 00:00:01.000 algo-1 one")
        view.set_timestamps("off")
        await pilot.pause()
        assert screen_text(view)[0].startswith("algo-1 one")
        view.set_wrap(True)
        await pilot.pause()
        text = screen_text(view)
        assert text[1].startswith("algo-2 three zzz")
        assert text[2].startswith("       zzz")  # continuation indented under the message
        assert view.virtual_size.height > 2


async def test_labels_stay_distinct_past_five_sources():
    app = ViewApp()
    async with app.run_test(size=(60, 10)):
        view = app.query_one(LogView)
        view.register_sources([f"algo-{i}" for i in range(1, 15)])
        view.add_events([ev(i, "x", f"algo-{i}") for i in range(1, 15)])
        styles = {str(view._source_styles[f"algo-{i}"]) for i in range(1, 15)}
        assert len(styles) == 14


async def test_follow_pauses_when_scrolled_up_and_counts_waiting_lines():
    app = ViewApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(LogView)
        view.set_following(True)
        view.add_events([ev(i, f"l{i}") for i in range(100)])
        await pilot.pause()
        assert view.is_vertical_scroll_end
        view.focus()
        await pilot.press("pageup")
        assert view.paused
        view.add_events([ev(100 + i, f"new{i}") for i in range(7)])
        assert view.waiting == 7
        assert not view.is_vertical_scroll_end
        await pilot.press("G")
        assert not view.paused and view.waiting == 0
        await pilot.pause()
        assert view.is_vertical_scroll_end


# ---------------------------------------------------------------------------------------- the screen
@pytest.fixture
def job_with_four_streams(sandbox):
    job = uid("screen")
    create_training_job(sandbox, job, instances=5)
    base = now_ms() - 120_000
    for k in range(1, 5):
        put_lines(
            sandbox,
            TRAINING_GROUP,
            f"{job}/algo-{k}-1700000000",
            [(base + 4 * i + k, f"[algo-{k}] step {i}") for i in range(200)],
        )
    return job, base


async def open_logs(sandbox, job: str, size=(120, 30)):
    from smtui.app import SmtuiApp
    from smtui.aws.resources import TRAINING
    from smtui.screens.logs import LogScreen

    app = SmtuiApp(sandbox=sandbox)
    return app, LogScreen(TRAINING, job)


async def test_screen_shows_interleaved_lines_and_missing_instances(sandbox, job_with_four_streams):
    job, base = job_with_four_streams
    app, screen = await open_logs(sandbox, job)
    async with app.run_test(size=(140, 30)) as pilot:
        await app.get_aws()
        await app.push_screen(screen)
        await wait_for(lambda: len(screen.view.lines) == 800 and not screen.busy)
        await pilot.pause()
        assert [ln.ts for ln in screen.view.lines] == [base + n for n in range(1, 801)]
        header = str(screen.query_one("#logs-header").render())
        assert "not logged yet: algo-5" in header and "4 sources" in header
        assert not screen.view.following  # the job is not in progress


async def test_screen_follow_search_save_and_bad_pattern(sandbox, tmp_path):
    from smtui.app import SmtuiApp
    from smtui.aws.resources import TRAINING
    from smtui.screens.logs import LogScreen

    job = uid("follow")
    create_training_job(sandbox, job)
    stream = f"{job}/algo-1-1700000000"
    put_lines(sandbox, TRAINING_GROUP, stream, [(now_ms() - 10_000 + i, f"hist {i}") for i in range(30)])
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(120, 20)) as pilot:
        await app.get_aws()
        screen = LogScreen(TRAINING, job)
        await app.push_screen(screen)
        await wait_for(lambda: len(screen.view.lines) == 30 and not screen.busy)
        await pilot.press("f")  # follow on (moto's job is Completed)
        assert screen.view.following
        t = now_ms()
        put_lines(sandbox, TRAINING_GROUP, stream, [(t, "fresh line")])
        await wait_for(lambda: screen.view.lines[-1].text == "fresh line", 15)
        assert [ln.text for ln in screen.view.lines].count("fresh line") == 1
        # search
        await pilot.press("slash", *"hist 1", "enter")
        assert screen.view.search is not None and screen.view.match_count == 11
        status = str(screen.query_one("#logs-status").render())
        assert "11 matches" in status
        await pilot.press("m")
        assert len(screen.view.visible_lines) == 11
        # save the matches
        await pilot.press("ctrl+s")
        inp = screen.query_one("#logs-input")
        inp.value = str(tmp_path / "saved.log")
        await pilot.press("enter")
        await wait_for(lambda: screen.saved is not None, what="the file written")
        saved = (tmp_path / "saved.log").read_text().splitlines()
        assert len(saved) == 11 and all("hist 1" in s for s in saved)
        # a pattern the service rejects shows its message, the app keeps working
        await pilot.press("p")
        inp.value = '{ $.level = "error"'
        await pilot.press("enter")
        await wait_for(lambda: screen.error is not None or not screen.busy, 15)
        await pilot.pause()
        assert screen.error is not None and "InvalidParameterException" in screen.error
        assert app.screen is screen
        # escape clears the search first (as k9s and less do), then leaves
        await pilot.press("escape")
        assert app.screen is screen and screen.view.search is None and not screen.view.matches_only
        assert len(screen.view.visible_lines) == len(screen.view.lines)
        await pilot.press("escape")
        assert app.screen is not screen


async def test_endpoint_follows_hides_ping_and_loads_older_history_at_the_top(sandbox):
    from smtui.app import SmtuiApp
    from smtui.aws.resources import ENDPOINT
    from smtui.screens.logs import LogScreen

    ep = uid("ep-older")
    group = ENDPOINT.log_group(ep)
    now = now_ms()
    ping = '10.0.0.1 - - [28/Nov/2026:00:00:01 +0000] "GET /ping HTTP/1.1" 200 0 "-" "AHC/2.0"'
    put_lines(
        sandbox,
        group,
        "AllTraffic/i-0aaa",
        [(now - 3 * 3_600_000, "three hours ago"), (now - 600_000, "ten minutes ago"), (now - 500_000, ping)],
    )
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(120, 20)) as pilot:
        await app.get_aws()
        screen = LogScreen(ENDPOINT, ep, describe={"EndpointName": ep, "EndpointStatus": "InService"})
        await app.push_screen(screen)
        await wait_for(lambda: bool(screen.view.lines) and not screen.busy)
        assert screen.view.following  # an InService endpoint keeps logging
        assert [ln.text for ln in screen.view.visible_lines] == ["ten minutes ago"]  # last hour, /ping hidden
        await pilot.press("P")
        assert [ln.text for ln in screen.view.visible_lines] == ["ten minutes ago", ping]
        await pilot.press("g")  # to the top: older history
        await wait_for(lambda: screen.view.lines[0].text == "three hours ago", 15)
        assert [ln.text for ln in screen.view.lines] == ["three hours ago", "ten minutes ago", ping]
        put_lines(sandbox, group, "AllTraffic/i-0bbb", [(now_ms(), "new instance line")])
        await wait_for(lambda: screen.view.lines[-1].text == "new instance line", 15)
        await wait_for(lambda: "AllTraffic/i-0bbb" in screen.sources, 20)
        await pilot.press("1")  # last 5 minutes
        await wait_for(
            lambda: not screen.busy and [ln.text for ln in screen.view.lines] == ["new instance line"]
        )


async def test_throttled_follow_shows_a_notice_and_keeps_the_lines(sandbox, monkeypatch):
    """The follow poll is throttled (injected once: one pane alone stays inside the quota, so the sandbox would
    not throttle it): the status line says so, the lines stay, and following carries on."""
    from smtui.app import SmtuiApp
    from smtui.aws import logs as logs_mod
    from smtui.aws.errors import AwsError
    from smtui.aws.resources import TRAINING
    from smtui.screens.logs import LogScreen

    job = uid("throttled")
    stream = f"{job}/algo-1-1700000000"
    put_lines(sandbox, TRAINING_GROUP, stream, [(now_ms() - 5000, "before")])
    real = logs_mod.PollingSource.poll_once
    calls = {"n": 0}

    async def flaky(self):
        calls["n"] += 1
        if calls["n"] == 1:
            raise AwsError("ThrottlingException", "Rate exceeded", "req-42", 400, "FilterLogEvents", "logs")
        return await real(self)

    monkeypatch.setattr(logs_mod.PollingSource, "poll_once", flaky)
    monkeypatch.setattr(logs_mod.sources, "_backoff", lambda attempt, cap=30.0: 1.0)
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(140, 20)) as pilot:
        await app.get_aws()
        screen = LogScreen(TRAINING, job, describe={"TrainingJobStatus": "InProgress"})
        await app.push_screen(screen)
        await wait_for(lambda: calls["n"] >= 1)
        await pilot.pause()
        status = str(screen.query_one("#logs-status").render())
        assert "ThrottlingException" in status and "req-42" in status and "retrying" in status
        assert [ln.text for ln in screen.view.lines] == ["before"]
        put_lines(sandbox, TRAINING_GROUP, stream, [(now_ms(), "after")])
        await wait_for(lambda: screen.view.lines[-1].text == "after", 15)
        assert "ThrottlingException" not in str(screen.query_one("#logs-status").render())


async def test_a_long_log_opens_at_its_newest_lines_and_loads_older_at_the_top(sandbox, monkeypatch):
    from smtui.app import SmtuiApp
    from smtui.aws import logs as logs_mod
    from smtui.aws.resources import TRAINING
    from smtui.config import Settings
    from smtui.screens.logs import LogScreen

    monkeypatch.setattr(logs_mod.resource, "PAGE_LIMIT", 100)
    job = uid("long")
    base = now_ms() - 3_600_000
    for k in range(1, 5):
        put_lines(
            sandbox,
            TRAINING_GROUP,
            f"{job}/algo-{k}-1700000000",
            [(base + 4 * i + k, f"algo-{k} line {i}") for i in range(1000)],
        )
    app = SmtuiApp(settings=Settings(log_line_cap=1000), sandbox=sandbox)
    async with app.run_test(size=(140, 20)) as pilot:
        await app.get_aws()
        screen = LogScreen(TRAINING, job)
        await app.push_screen(screen)
        await wait_for(lambda: bool(screen.view.lines) and not screen.busy)
        lines = screen.view.lines
        # 1000 lines / 4 streams = 250 a stream, read in pages of 100: the newest 300 of each
        assert len(lines) == 1200 and lines[-1].text == "algo-4 line 999"
        assert [ln.ts for ln in lines] == sorted(ln.ts for ln in lines)
        assert screen._cut and "g for older" in str(screen.query_one("#logs-header").render())
        assert screen.view.is_vertical_scroll_end
        await pilot.press("g")
        await wait_for(lambda: len(screen.view.lines) == 4000 and screen.older_exhausted, 20)
        assert [ln.ts for ln in screen.view.lines] == [base + n for n in range(1, 4001)]


async def test_save_writes_every_line_whole_with_or_without_timestamps_and_labels(tmp_path, monkeypatch):
    from smtui.widgets import log_store

    monkeypatch.setattr(log_store, "CHUNK", 50)  # several chunks
    app = ViewApp()
    async with app.run_test(size=(100, 10)):
        view = app.query_one(LogView)
        view.add_events([ev(1000 * i, f"line {i} " + "x" * (i % 7), f"algo-{i % 2 + 1}") for i in range(230)])
        view.add_events([ev(500, "late one")])  # merged into the first chunk
        expected = [ln.text for ln in view.lines]
        view.set_timestamps("off")
        view.set_show_labels(False)
        assert view.save(str(tmp_path / "plain.log")) == 231
        assert (tmp_path / "plain.log").read_text().splitlines() == expected
        view.set_timestamps("utc")
        view.set_show_labels(True)
        view.set_sources({"algo-2"})
        assert view.save(str(tmp_path / "full.log")) == 115
        rows = (tmp_path / "full.log").read_text().splitlines()
        assert rows[0] == "1970-01-01 00:00:01.000 algo-2 line 1 x"
        assert all(" algo-2 " in r for r in rows)
