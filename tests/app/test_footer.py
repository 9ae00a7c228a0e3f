"""The key footer at 80x24: never cut, ``? Help`` always there, and nothing of the screen beneath it."""

from __future__ import annotations

from typing import Any

from support import screen_lines, until
from textual.widgets._footer import FooterKey

from smtui.app import SmtuiApp
from smtui.widgets.footer import KeyFooter


def footer_keys(app: Any) -> tuple[list[FooterKey], FooterKey | None]:
    footer = app.screen.query_one(KeyFooter)
    keys = [k for k in footer.query(FooterKey) if k.display]
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    return [k for k in keys if k is not palette], palette


async def assert_footer_whole(pilot: Any, where: str) -> None:
    app = pilot.app
    await until(pilot, lambda: footer_keys(app)[0], what=f"the footer's keys on {where}")
    await pilot.pause()
    keys, palette = footer_keys(app)
    edge = palette.region.x if palette is not None else app.size.width
    cut = [f"{k.key_display} {k.description}" for k in keys if k.region.right > edge]
    assert not cut, f"{where}: keys under the palette key or past the edge: {cut}"
    assert any(k.action == "help" for k in keys), f"{where}: no ? Help in the footer"
    footer_row = (await screen_lines(pilot)).splitlines()[app.size.height - 1]
    assert "? Help" in footer_row, f"{where}: {footer_row!r}"
    # the screen itself does not scroll: what it lays out ends where the footer begins
    assert not app.screen.show_vertical_scrollbar, f"{where}: the screen scrolls (its content is too tall)"


async def test_the_footer_at_80x24_keeps_help_and_cuts_no_key(sandbox):
    """Textual's footer ran its last keys under the palette key (``? Hel▏^p palette`` on the main screen;
    the audit pane lost ``? Help``), and the panes were one row taller than the screen."""
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.screen
        await until(pilot, lambda: "churn-prod" in main.pane("endpoint").table, what="endpoints listed")
        for key, where in (("1", "endpoints"), ("2", "training"), ("3", "processing"), ("5", "audit")):
            await pilot.press(key)
            await assert_footer_whole(pilot, where)
        await pilot.press("1", "slash", *"churn", "enter")  # a filter adds "esc Clear filter"
        await assert_footer_whole(pilot, "a filtered pane")
        await pilot.press("escape", "enter")
        await until(pilot, lambda: app.screen is not main, what="the detail screen")
        await assert_footer_whole(pilot, "the detail screen")
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "LogScreen", what="the log screen")
        await assert_footer_whole(pilot, "the log screen")
        # back to the main screen, wider: every key shown again once it fits
        await pilot.press("escape", "escape")
        await pilot.resize_terminal(160, 45)
        await pilot.pause()
        await until(pilot, lambda: any(k.action == "app.quit" for k in footer_keys(app)[0]), what="q Quit")
        await assert_footer_whole(pilot, "the main screen at 160x45")
