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


async def test_tuning_jobs_their_training_jobs_and_what_sagemaker_did_for_them(sandbox):
    from smtui.sandbox.scenario.tuning import TUNING_JOB, TUNING_STOPPED, child_name
    from smtui.screens.children import ChildrenScreen

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(170, 45)) as pilot:
        pane = await show(app, pilot, "tuning", "tuning", TUNING_JOB)
        await until(
            pilot, lambda: "7 done · 1 failed of 8" in screen_text(app), what="the training jobs column"
        )
        shown = screen_text(app)
        best = child_name(TUNING_JOB, 5)
        assert (
            "Maximize validation:auc" in shown and f"{best.removeprefix(TUNING_JOB + '-')} = 0.9476" in shown
        )
        # o lists its training jobs; no l: it has no logs of its own (its training jobs log)
        assert pane.check_action("children", ()) and not pane.check_action("logs", ())
        assert not app.screen.pane("training").check_action("children", ())
        await detail_of(app, pilot)
        assert "Best training job" in screen_text(app) and "Ranges searched" in screen_text(app)
        await pilot.press("o")  # from its detail screen (the pane's o does the same)
        await until(pilot, lambda: isinstance(app.screen, ChildrenScreen), what="its training jobs")
        jobs = app.screen
        assert isinstance(jobs, ChildrenScreen)
        await until(pilot, lambda: jobs.loaded and len(jobs.table) == 8, what="8 training jobs listed")
        assert "eta=0.30, max_depth=3" in screen_text(app) and "0.9476" in screen_text(app)
        assert jobs.table.move_to(best)
        detail = await detail_of(app, pilot)  # an ordinary training job
        assert detail.kind.key == "training" and "Timeline" in screen_text(app)
        logs = await logs_of(app, pilot)
        assert logs.logs is not None and logs.logs.group == "/aws/sagemaker/TrainingJobs"
        assert logs.sources == ["algo-1"] and any("validation:auc" in ln.text for ln in logs.view.lines)
        await pilot.press("escape", "escape", "escape", "escape")
        assert isinstance(app.screen, MainScreen)
        pane.table.move_to(TUNING_STOPPED)
        history = await trail_of(app, pilot)
        service = [e for e in history.events if e.event_type == "AwsServiceEvent"]
        assert sum(e.name == "StopTrainingJob" for e in service) == 2
        assert all(e.principal == "sagemaker.amazonaws.com" for e in service)
        lines = str(history.query_one("#trail-lifecycle").render())
        assert "created" in lines and "by bob" in lines and "StopHyperParameterTuningJob" in lines
        assert "CreateTrainingJob" not in lines  # its training jobs' steps are theirs


async def test_inference_pipelines_log_a_stream_per_container_labelled_by_it(sandbox):
    from smtui.sandbox.scenario.pipelines import (
        PIPELINE_CONTAINERS,
        PIPELINE_ENDPOINT,
        PIPELINE_INSTANCES,
        PIPELINE_TRANSFORM,
        PIPELINE_TRANSFORM_INSTANCE,
    )

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 40)) as pilot:
        await show(app, pilot, "endpoints", "endpoint", PIPELINE_ENDPOINT)
        logs = await logs_of(app, pilot)
        want = {f"AllTraffic/{i}/{c}" for i in PIPELINE_INSTANCES for c in PIPELINE_CONTAINERS}
        assert set(logs.sources) == want
        assert logs.missing == []  # two instances, both logging (three streams each)
        by_container = {ln.source.rsplit("/", 1)[-1] for ln in logs.view.lines}
        assert by_container == set(PIPELINE_CONTAINERS)
        assert any(ln.source.endswith("/preprocess") and "transformed" in ln.text for ln in logs.view.lines)
        await pilot.press("escape")
        await show(app, pilot, "transform", "transform", PIPELINE_TRANSFORM)
        logs = await logs_of(app, pilot)
        # no container names in the model: SageMaker numbers them
        assert logs.sources == [
            f"{PIPELINE_TRANSFORM_INSTANCE}/container-1",
            f"{PIPELINE_TRANSFORM_INSTANCE}/container-2",
        ]
        assert logs.missing == []
