"""The log screen's rough edges found trying every feature (issue 15): narrow terminals, escape with a
search on, the sources picker saying what is shown, and ctrl+s showing where it writes and asking before it
overwrites. The real app, driven with Pilot, against the sandbox."""

from __future__ import annotations

import os

from support import TRAINING_GROUP, create_training_job, now_ms, put_lines, screen_text, uid, until

from smtui.app import SmtuiApp
from smtui.aws.resources import TRAINING
from smtui.screens.log_prompts import OverwriteScreen, SourcesScreen
from smtui.screens.logs import LogScreen

MESSAGE = "epoch 3 step 1200 loss=0.4121 lr=2.0e-05 tokens/s=18234 grad_norm=0.81 data_wait=0.002s"


def _job(sandbox, hosts: int = 2, lines: int = 20) -> str:
    job = uid("screen15")
    create_training_job(sandbox, job, instances=hosts)
    base = now_ms() - 60_000
    for k in range(1, hosts + 1):
        put_lines(
            sandbox,
            TRAINING_GROUP,
            f"{job}/algo-{k}-1700000000",
            [(base + 10 * i + k, f"{MESSAGE} #{i}") for i in range(lines)],
        )
    return job


def _rows(view) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


async def _open(app, pilot, job: str, lines: int) -> LogScreen:
    await app.get_aws()
    screen = LogScreen(TRAINING, job)
    await app.push_screen(screen)
    await until(pilot, lambda: len(screen.view.lines) == lines and not screen.busy, what="the history")
    await pilot.pause()
    return screen


async def test_at_80_columns_times_and_labels_are_short_and_lines_wrap(sandbox):
    job = _job(sandbox)
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot, job, 40)
        view = screen.view
        assert view.narrow and view.wrap  # wrap by default below 100 columns
        rows = _rows(view)
        first = next(r for r in rows if "epoch 3" in r)
        # HH:MM:SS and the label, then the message from column 16 (not 24 + the label)
        assert first[:16].endswith(" algo-1 ") and first[2] == ":" and first[16:].startswith("epoch 3")
        assert first.endswith("grad_n") or "grad_norm" not in first  # cut and carried to the next row
        assert any(r.startswith(" " * 16 + "orm=0.81") for r in rows)
        await pilot.press("w")  # the user's choice wins
        assert not view.wrap
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        assert not view.narrow and not view.wrap
        await pilot.press("w")
        assert view.wrap
        await pilot.press("w")
        assert any(r.startswith("20") and r[23:31] == " algo-2 " for r in _rows(view))  # the full date again


async def test_escape_clears_the_search_before_it_leaves(sandbox):
    job = _job(sandbox, hosts=1)
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot, job, 20)
        await pilot.press("slash", *"#1", "enter", "m")
        assert screen.view.search is not None and len(screen.view.visible_lines) == 11
        assert "esc clears" in str(screen.query_one("#logs-status").render())
        await pilot.press("escape")
        assert app.screen is screen and screen.view.search is None
        assert len(screen.view.visible_lines) == 20 and not screen.view.matches_only
        await pilot.press("slash")
        await pilot.press("escape")  # closes the prompt only
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is not screen


async def test_the_sources_picker_says_which_sources_are_shown(sandbox):
    job = _job(sandbox, hosts=3, lines=5)
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(app, pilot, job, 15)
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SourcesScreen)
        summary = lambda: str(picker.query_one("#sources-shown").render())  # noqa: E731
        assert summary() == "Showing all 3 sources"
        await pilot.press("space")  # the highlighted source (the first) hidden
        assert summary() == "Showing 2 of 3: algo-2, algo-3"
        assert {ln.source for ln in screen.view.visible_lines} == {"algo-2", "algo-3"}
        await pilot.press("down", "space")
        assert summary() == "Showing 1 of 3: algo-3"
        await pilot.press("a")
        assert summary() == "Showing all 3 sources"
        await pilot.press("down", "space", "escape")
        assert app.screen is screen
        assert "sources: algo-1, algo-2" in str(screen.query_one("#logs-status").render())


async def test_save_shows_the_full_path_and_asks_before_overwriting(sandbox, tmp_path, monkeypatch):
    job = _job(sandbox, hosts=1)
    monkeypatch.chdir(tmp_path)
    app = SmtuiApp(sandbox=sandbox)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = await _open(app, pilot, job, 20)
        await pilot.press("ctrl+s")
        wanted = os.path.join(str(tmp_path), f"{job}.log")
        assert screen._input.value == wanted  # the full path, not just a name
        assert f"save 20 lines to (in {tmp_path})" in str(screen.query_one("#logs-prompt-label").render())
        await pilot.press("enter")
        await until(pilot, lambda: screen.saved == (wanted, 20), what="the first save")
        assert len(_read(wanted).splitlines()) == 20
        _write(wanted, "keep me\n")
        await pilot.press("ctrl+s", "enter")
        await until(pilot, lambda: isinstance(app.screen, OverwriteScreen), what="the question")
        assert "already exists" in screen_text(app) and "Overwrite it?" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen
        assert _read(wanted) == "keep me\n"
        screen.saved = None
        await pilot.press("ctrl+s", "enter")
        await until(pilot, lambda: isinstance(app.screen, OverwriteScreen), what="the question again")
        await pilot.press("y")
        await until(pilot, lambda: screen.saved == (wanted, 20), what="the overwrite")
        assert len(_read(wanted).splitlines()) == 20
        assert not [p for p in os.listdir(tmp_path) if ".part-" in p]
