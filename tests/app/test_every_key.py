"""Nothing a user presses ends the session: on every screen, every key its bindings declare is pressed, the
screen is let render after each, and the app must still run with no worker failed.

Keys that open something (a prompt, a modal, another screen) are followed by ``escape`` until the screen under
test is back; the quit keys are never pressed. Notifications are on (``run_test`` turns them off by default,
which is how the copy-ARN crash hid from the tests: its toast never drew).
"""

from __future__ import annotations

from typing import Any

import pytest
from support import until
from textual.screen import Screen
from textual.widgets import Input

from smtui.app import SmtuiApp
from smtui.screens.main import MainScreen

#: actions that end the session: never pressed
QUIT_ACTIONS = {"quit", "app.quit", "app.exit", "exit"}
#: the app's quit keys (priority bindings: they quit whatever a screen binds them to), and keys that need the
#: terminal itself (suspend)
SKIP_KEYS = {"ctrl+c", "ctrl+q", "ctrl+z"}


class Failures:
    """Every worker failure and every error notification while the keys are pressed."""

    def __init__(self, app: SmtuiApp) -> None:
        self.workers: list[str] = []
        self.errors: list[str] = []
        failed, notify = app.worker_failed, app.notify

        def worker_failed(node: Any, worker: Any) -> None:
            self.workers.append(f"{type(node).__name__}.{worker.name}: {worker.error!r}")
            failed(node, worker)

        def note(message: str, *args: Any, **kwargs: Any) -> None:
            if kwargs.get("severity") == "error":
                self.errors.append(message)
            notify(message, *args, **kwargs)

        app.worker_failed = worker_failed  # type: ignore[method-assign]
        app.notify = note  # type: ignore[method-assign]


def keys_of(screen: Screen[Any]) -> list[str]:
    keys = []
    for key, active in screen.active_bindings.items():
        if active.binding.action in QUIT_ACTIONS or key in SKIP_KEYS or key == "escape":
            continue
        keys.append(key)
    return keys


async def back_to(app: SmtuiApp, pilot: Any, screen: Screen[Any]) -> None:
    """Escape out of whatever the last key opened (prompt, modal, screen), until ``screen`` is current and no
    input has the focus; pop what escape does not close."""
    for _ in range(4):
        if app.screen is screen and not isinstance(app.focused, Input):
            return
        await pilot.press("escape")
        await pilot.pause()
    while app.screen is not screen and len(app.screen_stack) > 1:
        app.pop_screen()
        await pilot.pause()


async def press_every_key(
    app: SmtuiApp, pilot: Any, screen: Screen[Any], failures: Failures, where: str
) -> int:
    pressed = 0
    for key in keys_of(screen):
        await pilot.press(key)
        await pilot.pause()
        await pilot.pause()  # and let what it started draw
        assert app.is_running and app.return_code is None, f"{where}: {key!r} ended the session"
        assert not failures.workers, f"{where}: after {key!r}: {failures.workers}"
        await back_to(app, pilot, screen)
        pressed += 1
    return pressed


@pytest.fixture
async def running(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        await until(pilot, lambda: main.query("#command"), what="every pane mounted")
        yield app, pilot, main, Failures(app)


ROWS = {"endpoint": "churn-prod", "training": "llama3-ft-multinode", "processing": None, "transform": None}


@pytest.mark.parametrize("kind", ["endpoint", "training", "processing", "transform"])
async def test_every_key_of_a_resource_pane_and_its_detail_screen(running, kind):
    app, pilot, main, failures = running
    main.action_show_pane(kind)
    pane = main.pane(kind)
    await until(pilot, lambda: pane.loaded and len(pane.table) > 0, what=f"{kind} listed")
    name = ROWS[kind] or pane.table.keys()[0]
    pane.table.move_to(name)
    pane.table.focus()
    await pilot.pause()
    assert await press_every_key(app, pilot, main, failures, f"{kind} pane") >= 12
    main.action_show_pane(kind)
    pane.table.move_to(name)
    pane.table.focus()
    pane.open_detail(name)
    await until(pilot, lambda: app.screen is not main, what="the detail screen")
    detail = app.screen
    await until(pilot, lambda: detail.last_refreshed is not None, what="described")
    assert await press_every_key(app, pilot, detail, failures, f"{kind} detail") >= 5
    assert not failures.errors, failures.errors


async def test_every_key_of_the_log_view(running):
    app, pilot, main, failures = running
    from smtui.aws.resources import BY_KEY
    from smtui.screens.logs import LogScreen

    await app.push_screen(LogScreen(BY_KEY["training"], "llama3-ft-multinode"))
    screen = app.screen
    await until(pilot, lambda: len(screen.view.lines) > 0, what="log lines")
    assert await press_every_key(app, pilot, screen, failures, "log view") >= 15
    assert not failures.errors, failures.errors


async def test_every_key_of_the_audit_pane_and_the_event_screen(running):
    app, pilot, main, failures = running
    main.action_show_pane("audit")
    audit = main.query_one("#audit")
    await until(pilot, lambda: audit.progress is not None and len(audit.events) > 0, limit=30, what="events")
    audit.table.focus()
    await pilot.pause()
    assert await press_every_key(app, pilot, main, failures, "audit pane") >= 10
    main.action_show_pane("audit")
    await pilot.press("c")  # the keys above left filters on (failed only, mutating only): clear them
    await until(pilot, lambda: audit.table.row_count > 0, what="rows again")
    audit.table.focus()
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not main, what="the event screen")
    assert await press_every_key(app, pilot, app.screen, failures, "event screen") >= 2
    assert not failures.errors, failures.errors


async def test_every_key_of_help_the_palette_and_the_modals(running):
    app, pilot, main, failures = running
    from smtui.aws.resources import BY_KEY
    from smtui.screens.server_filter import ServerFilterScreen

    await pilot.press("question_mark")
    await until(pilot, lambda: app.screen is not main, what="help")
    help_screen = app.screen
    for key in keys_of(help_screen):
        if app.screen is help_screen:
            await pilot.press(key)
            await pilot.pause()
    assert app.is_running
    await back_to(app, pilot, main)

    await pilot.press("ctrl+p")
    await until(pilot, lambda: app.screen is not main, what="the palette")
    for key in ("down", "up", "tab", "escape"):
        await pilot.press(key)
        await pilot.pause()
    await back_to(app, pilot, main)

    screen = ServerFilterScreen(BY_KEY["training"], main.pane("training").server_filter)
    await app.push_screen(screen)
    await pilot.pause()
    await press_every_key(app, pilot, screen, failures, "server filter")
    await back_to(app, pilot, main)
    assert app.is_running and not failures.workers and not failures.errors
