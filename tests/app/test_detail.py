"""Detail screens: open from a row, structured and JSON views, ARN copy, metrics, back with the
selection kept, live refresh of in-progress resources."""

from __future__ import annotations

from support import create_training_job, screen_text, toasts, uid, until

from smtui.app import SmtuiApp
from smtui.config import Settings
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.screens.detail import DetailScreen
from smtui.screens.main import MainScreen


async def _open(app, pilot, key: str, name: str) -> DetailScreen:
    main = app.screen
    assert isinstance(main, MainScreen)
    main.action_show_pane(key)
    pane = main.pane(key)
    await until(pilot, lambda: name in pane.table, what=f"{name} listed")
    assert pane.table.move_to(name)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail screen")
    detail = app.screen
    await until(pilot, lambda: detail.last_refreshed is not None and not detail.refreshing, what="loaded")
    await pilot.pause()  # the answer laid out and drawn (until returns as soon as it is in)
    return detail


async def test_failed_training_job_detail_json_copy_and_back(sandbox):
    app = SmtuiApp(target=sandbox.target())
    # notifications=True: run_test turns toasts off by default, which hid the copy crash from this test
    async with app.run_test(size=(150, 50), notifications=True) as pilot:
        detail = await _open(app, pilot, "training", "resnet50-imagenet")
        # the answer is in; the screen shows it once laid out again (a screenshot at once could be the frame before)
        await until(pilot, lambda: "Failure reason" in screen_text(app), what="the failure drawn")
        shown = screen_text(app)
        assert "AlgorithmError" in shown  # prominent, at the top
        assert "Timeline" in shown or "Resources" in shown
        assert "ml.p3.2xlarge" in shown

        await pilot.press("v")
        assert detail.showing_json
        raw = detail.query_one("#detail-json").text
        assert '"TrainingJobName": "resnet50-imagenet"' in raw
        assert '"CreationTime": "20' in raw and "+00:00" in raw  # ISO 8601
        await pilot.press("v")
        assert not detail.showing_json

        await pilot.press("c")
        assert app.clipboard == detail.arn and detail.arn.endswith(":training-job/resnet50-imagenet")
        # the toast must draw: a Rich Text message crashed Textual's toast (the app exited with a traceback)
        await until(pilot, lambda: "Copied" in screen_text(app), what="copy toast drawn")
        assert any(app.clipboard in t for t in toasts(app))
        assert app.is_running and app.return_code is None

        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.screen.pane("training").table.cursor_key == "resnet50-imagenet"  # selection kept


async def test_endpoint_detail_has_variants_config_and_one_metrics_call(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 60)) as pilot:
        before = app.aws.limiter.sent["cloudwatch.GetMetricData"] if app.aws else 0
        detail = await _open(app, pilot, "endpoint", "churn-prod")
        assert detail.related.get("describe_endpoint_config")  # DescribeEndpointConfig, the related call
        shown = screen_text(app)
        assert "variant-a" in shown and "variant-b" in shown
        assert "Invocations" in shown and "ModelLatency" in shown
        assert app.aws.limiter.sent["cloudwatch.GetMetricData"] - before == 1
        assert detail.metric_calls == 1
        series = {(s.query.metric, s.query.label) for s in detail.series if s.values}
        assert ("Invocations", "variant-a") in series and ("CPUUtilization", "variant-b") in series
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_multi_host_training_metrics_and_logs_trail_keys(sandbox, monkeypatch):
    # l and t push the log and CloudTrail screens (other issues); record what is pushed, with what
    from textual.screen import Screen

    import smtui.screens.logs as logs
    import smtui.screens.resource_trail as resource_trail

    opened: list[tuple] = []

    class Recorder(Screen):
        def __init__(self, kind, name, **kwargs):
            super().__init__()
            opened.append((kind.key, name, kwargs))

    monkeypatch.setattr(logs, "LogScreen", Recorder)
    monkeypatch.setattr(resource_trail, "ResourceTrailScreen", Recorder)
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 60)) as pilot:
        detail = await _open(app, pilot, "training", "llama3-ft-multinode")
        hosts = {s.query.label for s in detail.series if s.values and s.query.metric == "GPUUtilization"}
        assert hosts == {"algo-1", "algo-2", "algo-3", "algo-4"}
        assert "Timeline" in screen_text(app)
        await pilot.press("l")
        assert isinstance(app.screen, Recorder)
        kind, name, kwargs = opened[-1]
        assert (kind, name) == ("training", "llama3-ft-multinode")
        assert kwargs["describe"]["TrainingJobName"] == "llama3-ft-multinode"
        app.pop_screen()
        await pilot.pause()
        await pilot.press("t")
        assert isinstance(app.screen, Recorder) and opened[-1][:2] == ("training", "llama3-ft-multinode")
        app.pop_screen()
        await pilot.pause()
        assert app.screen is detail


async def test_in_progress_detail_refreshes_itself(sandbox):
    name = uid("detail-live")
    create_training_job(sandbox, name)
    fsm.set_status("training", name, "InProgress", SecondaryStatus="Downloading")
    app = SmtuiApp(settings=Settings(refresh_interval=1.0), target=sandbox.target())
    async with app.run_test(size=(150, 50)) as pilot:
        detail = await _open(app, pilot, "training", name)
        assert detail.status == "InProgress"
        fsm.set_status("training", name, "Failed", FailureReason="ClientError: no space left on device")
        await until(pilot, lambda: detail.status == "Failed", what="detail refreshed by its timer")
        await until(pilot, lambda: "no space left on device" in screen_text(app))
    fsm.delete("training", name)


async def test_hostile_strings_are_cleaned_in_the_detail_screen(sandbox):
    name = uid("hostile")
    create_training_job(sandbox, name)
    fsm.set_status("training", name, "Failed", FailureReason="bad\x1b]52;c;ZXZpbA==\x07 \x1b[2Jthing\x9b31m")
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 50)) as pilot:
        detail = await _open(app, pilot, "training", name)
        shown = screen_text(app)
        assert "\x1b" not in shown and "\x9b" not in shown
        assert "bad thing" in shown or "bad" in shown
        await pilot.press("v")
        raw = detail.query_one("#detail-json").text
        assert "\x1b" not in raw and "\\u001b" in raw and "\x9b" not in raw
    fsm.delete("training", name)
