"""Every kind of the registry in the demo account, as a user reaches it: its pane (its number key, or `:` and
its word), a failed one in it (the demo seeds one of each), the detail screen saying why it failed, its logs
where it has them, and its CloudTrail history on `t` with the call that created it. A new kind is covered
here by being in the registry and the seed."""

from __future__ import annotations

import pytest
from support import screen_text, until

from smtui.app import SmtuiApp
from smtui.aws.kinds.base import is_bad
from smtui.aws.resources import KINDS
from smtui.screens.detail import DetailScreen
from smtui.screens.logs import LogScreen
from smtui.screens.resource_trail import ResourceTrailScreen


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
async def test_a_failed_one_of_every_kind_is_listed_explained_logged_and_audited(sandbox, kind):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 45)) as pilot:
        main = app.screen
        first = main.pane(KINDS[0].key)
        await until(pilot, lambda: first.loaded, what="the first pane listed (the command line is up)")
        if kind.pane_key:
            await pilot.press(kind.pane_key)
        else:
            await pilot.press("colon", *kind.aliases[0], "enter")
        pane = main.pane(kind.key)
        await until(pilot, lambda: main.current == kind.key and pane.loaded, what=f"the {kind.title} pane")
        assert pane.error is None
        failed = [n for n, s in pane.listing.summaries.items() if is_bad(kind.status_of(s))]
        assert failed, f"the demo account has no failed {kind.singular}"
        name = failed[0]
        await until(pilot, lambda: name in pane.table, what=f"{name} in the table")

        pane.table.move_to(name)
        pane.table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail screen")
        detail = app.screen
        await until(pilot, lambda: detail.describe is not None and not detail.refreshing, what="described")
        assert detail.error is None
        reason = str(detail.describe.get(kind.failure_field) or "")
        assert reason, f"{name}: a failed {kind.singular} without a FailureReason"
        await until(pilot, lambda: reason.split()[0] in screen_text(app), what="the failure reason drawn")

        if kind.has_logs:
            await pilot.press("l")
            await until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")
            logs = app.screen
            await until(pilot, lambda: not logs.busy and len(logs.view.lines) > 0, what=f"{name}'s logs")
            assert logs.error is None
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is detail, what="back on the detail")

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, ResourceTrailScreen), what="trail screen")
        history = app.screen
        await until(pilot, lambda: not history.scanning and history.progress is not None, what="history")
        assert not history.query_one("#trail-error").display, screen_text(app)
        created = f"Create{kind.describe_api.removeprefix('Describe')}"
        assert created in {e.name for e in history.events}, sorted({e.name for e in history.events})
