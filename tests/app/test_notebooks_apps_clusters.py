"""The notebook instances, Studio apps and HyperPod clusters panes, driven with Pilot against the seeded
sandbox: reached with ``:`` (they have no number key), listed, described, their logs opened with the streams
the developer guide names, and ``t`` finding their Create call in CloudTrail."""

from __future__ import annotations

from typing import Any

from support import screen_text, until

from smtui.app import SmtuiApp
from smtui.screens.detail import DetailScreen
from smtui.screens.logs import LogScreen
from smtui.screens.main import MainScreen
from smtui.screens.resource_trail import ResourceTrailScreen


async def open_detail(app: SmtuiApp, pilot: Any, word: str, key: str, name: str) -> DetailScreen:
    """``:word`` enter, the row ``name``, enter: its detail screen, loaded."""
    main = app.screen
    assert isinstance(main, MainScreen)
    await until(pilot, lambda: bool(main.query("#command-input")), what="the command line")
    await pilot.press("colon", *word, "enter")
    assert main.current == key
    pane = main.pane(key)
    await until(pilot, lambda: pane.loaded and name in pane.table, what=f"{name} listed")
    assert pane.error is None, pane.error and pane.error.details()
    assert pane.table.move_to(name)
    pane.table.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail screen")
    detail = app.screen
    await until(pilot, lambda: detail.last_refreshed is not None and not detail.refreshing, what="described")
    assert detail.error is None, detail.error and detail.error.details()
    return detail


async def open_logs(app: SmtuiApp, pilot: Any) -> LogScreen:
    await pilot.press("l")
    await until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")
    logs = app.screen
    await until(pilot, lambda: not logs.busy and len(logs.view.lines) > 0, what="log lines")
    assert logs.error is None, logs.error
    return logs


async def trail_finds(app: SmtuiApp, pilot: Any, event_name: str) -> ResourceTrailScreen:
    await pilot.press("t")
    await until(pilot, lambda: isinstance(app.screen, ResourceTrailScreen), what="trail screen")
    history = app.screen
    await until(
        pilot,
        lambda: not history.scanning and any(e.name == event_name for e in history.events),
        limit=30,
        what=f"{event_name} in the resource's CloudTrail history",
    )
    assert not history.query_one("#trail-error").display, screen_text(app)
    return history


async def test_notebook_instances_listed_described_logged_and_audited(sandbox):
    from smtui.sandbox.scenario import notebooks as nb

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(160, 50)) as pilot:
        await open_detail(app, pilot, "nb", "notebook", nb.FAILED_NOTEBOOK)
        shown = screen_text(app)
        assert "Failure reason" in shown and "took longer than 5 minutes" in shown
        assert nb.SLOW_LIFECYCLE_CONFIG in shown and "ml.m5.xlarge" in shown
        pane = app.screen_stack[-2].pane("notebook")  # type: ignore[attr-defined]
        assert {nb.NOTEBOOK, nb.STOPPED_NOTEBOOK, nb.FAILED_NOTEBOOK} <= set(pane.table.keys())
        assert pane.table.get_raw(nb.STOPPED_NOTEBOOK)["status"] == "Stopped"
        logs = await open_logs(app, pilot)
        assert logs.kind.log_group(nb.FAILED_NOTEBOOK) == nb.NOTEBOOK_GROUP
        assert set(logs.sources) == {"LifecycleConfigOnStart"}
        assert any("Downloading and Extracting Packages" in line.text for line in logs.view.lines)
        await pilot.press("escape")
        await trail_finds(app, pilot, "CreateNotebookInstance")
        await pilot.press("escape", "escape")

        # the one in service: jupyter.log and its lifecycle hook, two sources
        await open_detail(app, pilot, "notebooks", "notebook", nb.NOTEBOOK)
        logs = await open_logs(app, pilot)
        assert set(logs.sources) == {"jupyter.log", "LifecycleConfigOnStart"}
        texts = [line.text for line in logs.view.lines]
        assert any("Jupyter Server 2.14.2 is running at:" in t for t in texts)
        assert any("Successfully installed jupyterlab-git" in t for t in texts)


async def test_hyperpod_clusters_listed_described_with_nodes_logged_and_audited(sandbox):
    from smtui.sandbox.scenario import clusters as hp

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(170, 60)) as pilot:
        detail = await open_detail(app, pilot, "hyperpod", "cluster", hp.CLUSTER)
        nodes = detail.related["list_cluster_nodes"]["ClusterNodeSummaries"]  # ListClusterNodes, related
        assert len(nodes) == 6
        shown = screen_text(app)
        assert "Instance groups" in shown and "worker-group-1" in shown and "ml.p5.48xlarge" in shown
        assert "Nodes (6)" in shown and nodes[0]["InstanceId"] in shown
        logs = await open_logs(app, pilot)
        cid = detail.describe["ClusterArn"].rsplit("/", 1)[-1]
        assert logs.logs.group == f"/aws/sagemaker/Clusters/{hp.CLUSTER}/{cid}"
        assert {f"{n['InstanceGroupName']}/{n['InstanceId']}" for n in nodes} == set(logs.sources)
        assert any("slurmd: slurmd version" in line.text for line in logs.view.lines)
        await pilot.press("escape")
        await trail_finds(app, pilot, "CreateCluster")
        await pilot.press("escape", "escape")

        # the failed one: its FailureMessage as the failure panel, no nodes, its lifecycle logs still there
        await open_detail(app, pilot, "clusters", "cluster", hp.FAILED_CLUSTER)
        shown = screen_text(app)
        assert "Failure reason" in shown and "Lifecycle scripts did not run successfully" in shown
        assert "No nodes." in shown
        pane = app.screen_stack[-2].pane("cluster")  # type: ignore[attr-defined]
        assert "Lifecycle scripts" in pane.table.get_raw(hp.FAILED_CLUSTER)["reason"]
        logs = await open_logs(app, pilot)
        assert any("Connect timeout on endpoint URL" in line.text for line in logs.view.lines)


async def test_studio_apps_listed_across_domains_described_logged_and_audited(sandbox):
    from smtui.sandbox.scenario import apps

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(170, 50)) as pilot:
        await open_detail(app, pilot, "apps", "app", apps.APP)
        shown = screen_text(app)
        for words in ("Domain", "d-mlteam0alpha", "User profile", "bob", "App type", "JupyterLab"):
            assert words in shown
        assert "Instance type" in shown and "ml.g5.2xlarge" in shown and "InService" in shown
        pane = app.screen_stack[-2].pane("app")  # type: ignore[attr-defined]
        assert {f"d-mlteam0alpha/{o}/{t}/{n}" for o, t, n, _, _ in apps.APPS} <= set(pane.table.keys())
        logs = await open_logs(app, pilot)
        assert logs.logs.group == apps.STUDIO_GROUP and logs.sources == ["JupyterLab/default"]
        assert any("Jupyter Server 2.14.2 is running at:" in line.text for line in logs.view.lines)
        await pilot.press("escape")
        await trail_finds(app, pilot, "CreateApp")
        await pilot.press("escape", "escape")

        # the failed one: its reason in the row and the detail
        await open_detail(app, pilot, "studio", "app", apps.FAILED_APP)
        assert "Unable to provision requested ML compute capacity" in screen_text(app)
        assert "Unable to provision" in pane.table.get_raw(apps.FAILED_APP)["reason"]
        await pilot.press("escape")

        # the domain-shared RStudio app logs to its own documented stream
        await open_detail(app, pilot, "app", "app", apps.RSTUDIO_APP)
        logs = await open_logs(app, pilot)
        assert [s.name for s in await logs.logs.streams()] == [apps.RSTUDIO_STREAM]
        assert any("RStudio Workbench" in line.text for line in logs.view.lines)
