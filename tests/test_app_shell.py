"""The app shell: it starts, connects to the sandbox after the first frame, and `?` shows real keys."""

from __future__ import annotations

from smtui.app import SmtuiApp
from smtui.screens.help import HelpScreen


async def test_app_connects_and_shows_help_from_real_bindings(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(120, 40)) as pilot:
        await app.get_aws()
        assert app.aws_ready and app.sub_title.endswith(sandbox.url)
        await pilot.press("question_mark")
        await pilot.wait_for_scheduled_animations()
        assert isinstance(app.screen, HelpScreen)
        shown = app.export_screenshot().replace("&#160;", " ")
        # every key of the main screen is on the help screen, from its bindings
        for binding in app.screen.under.BINDINGS:
            assert binding.description in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_garbage_collection_is_back_on_once_the_first_frame_is_drawn(sandbox):
    """``smtui`` starts with the collector off (for a faster first frame); the app must turn it back on,
    or a day's session would never free a reference cycle."""
    import gc

    gc.disable()
    try:
        app = SmtuiApp(target=sandbox.target())
        async with app.run_test(size=(120, 40)):
            await app.get_aws()
            assert gc.isenabled()
    finally:
        gc.enable()
