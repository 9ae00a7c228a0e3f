"""The kinds reached with ``:`` and the palette (no number key): labeling jobs, inference recommendations
jobs, tuning jobs and their training jobs, and endpoints behind inference pipelines; each listed by its
``:`` word, described, logged with its documented streams and audited on ``t``, against the seeded
sandbox with Pilot."""

from __future__ import annotations

from typing import Any

from support import screen_text, until

from smtui.app import SmtuiApp
from smtui.sandbox.scenario.labeling import FAILURE_REASON_LABELING, LABELING_FAILED, LABELING_IN_PROGRESS
from smtui.sandbox.scenario.recommendations import RECOMMENDATION_IN_PROGRESS, RECOMMENDATION_JOB
from smtui.screens.detail import DetailScreen
from smtui.screens.logs import LogScreen
from smtui.screens.main import MainScreen
from smtui.screens.resource_trail import ResourceTrailScreen


async def show(app: SmtuiApp, pilot: Any, word: str, key: str, name: str) -> Any:
    """``:word`` shows the kind's pane, with ``name`` listed and under the cursor."""
    main = app.screen
    assert isinstance(main, MainScreen)
    first = main.pane("endpoint")
    await until(pilot, lambda: first.loaded, what="the first pane listed (the screen is up)")
    await pilot.press("colon", *word, "enter")
    assert main.current == key
    pane = main.pane(key)
    await until(pilot, lambda: pane.loaded and name in pane.table, what=f"{name} listed by :{word}")
    assert pane.error is None
    assert pane.table.move_to(name)
    pane.table.focus()
    return pane


async def detail_of(app: SmtuiApp, pilot: Any) -> DetailScreen:
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail screen")
    detail = app.screen
    assert isinstance(detail, DetailScreen)
    await until(pilot, lambda: detail.describe is not None and not detail.refreshing, what="described")
    assert detail.error is None
    return detail


async def logs_of(app: SmtuiApp, pilot: Any) -> LogScreen:
    await pilot.press("l")
    await until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")
    logs = app.screen
    assert isinstance(logs, LogScreen)
    await until(pilot, lambda: not logs.busy and len(logs.view.lines) > 0, what="log lines")
    assert logs.error is None, logs.error
    return logs


async def trail_of(app: SmtuiApp, pilot: Any) -> ResourceTrailScreen:
    await pilot.press("t")
    await until(pilot, lambda: isinstance(app.screen, ResourceTrailScreen), what="trail screen")
    history = app.screen
    assert isinstance(history, ResourceTrailScreen)
    await until(pilot, lambda: not history.scanning and history.progress is not None, what="trail scanned")
    assert not history.query_one("#trail-error").display, screen_text(app)
    return history


async def test_labeling_jobs_listed_described_logged_and_audited(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        pane = await show(app, pilot, "labeling", "labeling", LABELING_IN_PROGRESS)
        await until(pilot, lambda: "3,168 left" in screen_text(app), what="the label counts column")
        pane.table.move_to(LABELING_FAILED)
        detail = await detail_of(app, pilot)
        assert "Failure reason" in screen_text(app) and "line 17 is not valid JSON" in screen_text(app)
        assert detail.arn.endswith(f":labeling-job/{LABELING_FAILED}")
        logs = await logs_of(app, pilot)
        assert logs.logs is not None and logs.logs.group == "/aws/sagemaker/LabelingJobs"
        assert logs.sources == [LABELING_FAILED]  # the one stream [job]
        assert any("MANIFEST_READ_FAILED" in line.text for line in logs.view.lines)
        await pilot.press("escape")
        history = await trail_of(app, pilot)
        assert any(e.name == "CreateLabelingJob" and e.source_identity == "alice" for e in history.events)
        assert "created" in screen_text(app) and "CreateLabelingJob" in screen_text(app)
        await pilot.press("escape", "escape")
        await pilot.press("colon", *"lj", "enter")  # a short alias
        assert app.screen.current == "labeling"
    assert FAILURE_REASON_LABELING.startswith("ClientError")


async def test_recommendations_jobs_listed_described_logged_and_audited(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 40)) as pilot:
        pane = await show(app, pilot, "recommendations", "recommendation", RECOMMENDATION_JOB)
        await until(pilot, lambda: "ml.c6i.large x1" in screen_text(app), what="the best recommendation")
        assert pane.table.get_raw(RECOMMENDATION_JOB)["status"] == "COMPLETED"
        logs = await logs_of(app, pilot)
        assert logs.logs is not None and logs.logs.group == "/aws/sagemaker/InferenceRecommendationsJobs"
        assert "execution" in logs.sources
        assert {s for s in logs.sources if s.startswith("Endpoint/")} == {
            "Endpoint/sm-ir-ml-c5-xlarge", "Endpoint/sm-ir-ml-m5-large", "Endpoint/sm-ir-ml-c6i-large"
        }  # fmt: skip
        await pilot.press("escape")
        pane.table.move_to(RECOMMENDATION_IN_PROGRESS)
        logs = await logs_of(app, pilot)
        assert f"CompilationJob/{RECOMMENDATION_IN_PROGRESS}-inf2-neuron" in logs.sources
        await pilot.press("escape")
        await detail_of(app, pilot)
        assert "summarizer-model" in screen_text(app)
        history = await trail_of(app, pilot)
        assert any(e.name == "CreateInferenceRecommendationsJob" for e in history.events)
