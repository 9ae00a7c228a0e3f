"""The one error path: any failure of a worker (not only an AWS error) is shown where it happened, with its
type, message and where, and the pane keeps refreshing; it recovers by itself when the answers are normal."""

from __future__ import annotations

from support import create_training_job, screen_text, uid, until
from textual.widgets import Static

from smtui.app import SmtuiApp
from smtui.config import Settings
from smtui.sandbox import fidelity_sagemaker as fsm


async def test_an_answer_smtui_cannot_read_is_shown_in_the_pane_which_keeps_refreshing_and_recovers(
    own_sandbox,
):
    # The sandbox answers DescribeTrainingJob with an instance group that is null: botocore parses it, and
    # reading it (the INSTANCES column) fails with an AttributeError, not an AwsError. Before the one error
    # path the pane stayed "busy" for good: no error shown, no more refreshes.
    sb = own_sandbox()
    odd, fine = uid("odd"), uid("fine")
    create_training_job(sb, odd, instances=2)
    create_training_job(sb, fine)
    good_config = fsm.get_fields("training", odd, region=sb.region)["ResourceConfig"]
    fsm.set_fields("training", odd, region=sb.region, ResourceConfig={"InstanceGroups": [None]})

    app = SmtuiApp(settings=Settings(refresh_interval=1.0), target=sb.target())
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await pilot.press("2")
        pane = app.screen.pane("training")
        await until(pilot, lambda: pane.error is not None, what="the failure shown")
        err = pane.error
        assert err.unexpected and err.code == "AttributeError"
        state = pane.query_one(".pane-state", Static)
        await until(pilot, lambda: "AttributeError" in screen_text(app), what="the error on screen")
        assert state.display and "could not handle this" in screen_text(app)
        assert odd in pane.table and fine in pane.table  # the rows stay
        # and it keeps refreshing: more passes come, none stuck busy
        passes = pane.listing.passes
        await until(pilot, lambda: pane.listing.passes >= passes + 2, what="refreshes going on")
        assert app.is_running and app.return_code is None

        fsm.set_fields("training", odd, region=sb.region, ResourceConfig=good_config)
        await until(pilot, lambda: pane.error is None, what="recovered", limit=30)
        await until(
            pilot,
            lambda: "ml.m5.xlarge x2" in (pane.table.get_raw(odd) or {}).get("instances", ""),
            what="the instances column filled in",
        )
        assert "AttributeError" not in screen_text(app)


async def test_a_failure_in_a_screen_without_an_error_display_is_a_notification(sandbox):
    from textual.screen import Screen

    from smtui.shell import ReportsFailures

    class Broken(ReportsFailures, Screen[None]):
        def on_mount(self) -> None:
            self.run_worker(self.work, exit_on_error=True)  # smtui's workers never end the app anyway

        async def work(self) -> None:
            raise KeyError("TrainingJobName")

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await app.push_screen(Broken())
        await until(pilot, lambda: "KeyError" in screen_text(app), what="a notification")
        assert app.is_running and app.return_code is None
