"""The resource panes, driven with Pilot against the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt

from support import create_training_job, screen_text, toasts, uid, until

from smtui.app import SmtuiApp
from smtui.config import Settings
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.screens.main import MainScreen
from smtui.screens.server_filter import ServerFilterScreen


async def test_switch_panes_with_keys_and_the_command_line(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        endpoints = main.pane("endpoint")
        await until(pilot, lambda: "churn-prod" in endpoints.table, what="endpoints listed")
        # variants are filled in from DescribeEndpoint for the rows on screen
        await until(pilot, lambda: endpoints.table.get_raw("churn-prod")["variants"], what="variants")
        assert "variant-a 2" in endpoints.table.get_raw("churn-prod")["variants"]

        await pilot.press("2")
        assert main.current == "training"
        training = main.pane("training")
        await until(pilot, lambda: "llama3-ft-multinode" in training.table, what="training jobs")
        await until(pilot, lambda: "ml.p4d.24xlarge x4" in screen_text(app), what="instance column")
        assert "Training jobs" in main.query_one("#pane-tabs").render().plain  # type: ignore[attr-defined]

        # ":" with completion: "tran" + tab completes to "transform"
        await pilot.press("colon", *"tran")
        line = main.query_one("#command-input")
        await until(pilot, lambda: line._suggestion, what="a suggestion")
        await pilot.press("tab")
        assert line.value == "transform"
        await pilot.press("enter")
        assert main.current == "transform" and not main.query_one("#command").display
        await until(pilot, lambda: "batch-score-churn" in main.pane("transform").table)

        await pilot.press("colon", *"ep", "enter")
        assert main.current == "endpoint"
        await pilot.press("colon", *"processing", "enter")
        assert main.current == "processing"
        await pilot.press("colon", *"nonsense", "enter")
        assert main.current == "processing"  # unknown command: stays, says so
        await pilot.press("escape")
        await pilot.press("5")
        assert main.current == "audit"
        await pilot.press("1")
        assert main.current == "endpoint"
        # a pane name then a filter: ":tj llama"
        await pilot.press("colon", *"tj llama", "enter")
        assert main.current == "training" and main.pane("training").table.filter_text == "llama"
        assert main.pane("training").table.visible_rows() == ["llama3-ft-multinode"]


async def test_filter_as_you_type_substring_regex_invalid_and_escape(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        table = pane.table
        await until(pilot, lambda: "xgb-churn-spot" in table and pane.loaded)
        total = table.row_count
        await pilot.press("slash", *"xgb-churn")
        assert set(table.visible_rows()) == {"xgb-churn-spot", "xgb-churn-tuning-003"}
        for _ in "xgb-churn":
            await pilot.press("backspace")
        assert table.row_count == total

        # a regex is matched cell by cell, so anchors mean the start and end of the name
        await pilot.press(*"^(train|xgb).*[0-9]$")
        assert set(table.visible_rows()) == {"train-2", "xgb-churn-tuning-003"}
        for _ in "^(train|xgb).*[0-9]$":
            await pilot.press("backspace")
        await pilot.press(*"^(train|train-2)$")
        assert set(table.visible_rows()) == {"train", "train-2"}
        await pilot.press("(")  # now an invalid regex: say so, keep the previous filter
        assert "invalid regular expression" in pane.query_one(".pane-status").plain
        assert set(table.visible_rows()) == {"train", "train-2"}
        await pilot.press("enter")  # keep the filter, back to the table
        assert table.has_focus and set(table.visible_rows()) == {"train", "train-2"}
        await pilot.press("escape")  # clears the filter
        assert table.row_count == total and not table.filter_text

        # a filter nothing matches says so
        await pilot.press("slash", *"zzzz-nothing", "enter")
        assert "No training jobs match the filter" in screen_text(app)
        await pilot.press("escape")


async def test_paging_more_than_100_jobs_and_the_server_filter(sandbox, own_region):
    # 250 jobs in a region of this test's own: the seeded us-east-1 account stays as other tests expect it
    import dataclasses
    import types

    region = own_region("paging")
    prefix = uid("pg")
    names = fsm.bulk_training_jobs(
        types.SimpleNamespace(region=region), 250, prefix, start=dt.datetime(2019, 6, 1, tzinfo=dt.UTC)
    )
    app = SmtuiApp(target=dataclasses.replace(sandbox.target(), region=region))
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        await until(pilot, lambda: pane.listing.complete and not pane.busy, what="listing complete")
        assert all(n in pane.table for n in names)
        assert app.aws.limiter.sent["sagemaker.ListTrainingJobs"] >= 3

        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, ServerFilterScreen))
        app.screen.query_one("#sf-name").value = prefix
        await pilot.click("#sf-apply")
        await until(pilot, lambda: pane.listing.complete and len(pane.table) == 250, what="server filter")
        assert set(pane.table.keys()) == set(names)
        assert f"server: name~{prefix}" in pane.query_one(".pane-status").plain
        # newest first, as the server sorted them
        assert pane.table.visible_rows()[0] == names[0]


async def test_status_change_new_and_deleted_jobs_appear_after_the_timer(sandbox):
    name = uid("live")
    create_training_job(sandbox, name)
    fsm.set_status("training", name, "InProgress", SecondaryStatus="Training")
    app = SmtuiApp(settings=Settings(refresh_interval=1.0), target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await pilot.press("2")
        pane = main.pane("training")
        await until(pilot, lambda: name in pane.table, what="job listed")
        assert pane.table.get_raw(name)["status"] == "InProgress"
        fsm.set_status("training", name, "Failed", FailureReason="ClientError: CUDA out of memory")
        await until(pilot, lambda: pane.table.get_raw(name)["status"] == "Failed", what="status change")
        pane.table.move_to(name)
        await until(
            pilot,
            lambda: "CUDA out of memory" in (pane.table.get_raw(name)["reason"] or ""),
            what="failure reason from Describe",
        )
        assert "refreshed" in pane.query_one(".pane-status").plain

        newcomer = uid("live-new")
        create_training_job(sandbox, newcomer)
        await until(pilot, lambda: newcomer in pane.table, what="new job")
        fsm.delete("training", name)
        await until(pilot, lambda: name not in pane.table, what="deleted job gone")
        fsm.delete("training", newcomer)


async def test_refresh_key_and_hidden_panes_pause(sandbox):
    app = SmtuiApp(settings=Settings(refresh_interval=1.0), target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        endpoints, training = main.pane("endpoint"), main.pane("training")
        await until(pilot, lambda: endpoints.loaded and training.loaded and not training.busy)
        sent = app.aws.limiter.sent
        await until(pilot, lambda: training.stale, what="hidden pane marked stale instead of refreshing")
        before = sent["sagemaker.ListTrainingJobs"]
        endpoints_before = sent["sagemaker.ListEndpoints"]
        await until(
            pilot,
            lambda: sent["sagemaker.ListEndpoints"] >= endpoints_before + 2,
            what="visible pane refreshing",
        )
        assert sent["sagemaker.ListTrainingJobs"] == before  # hidden: paused
        await pilot.press("2")  # shown again: refreshed at once
        await until(pilot, lambda: sent["sagemaker.ListTrainingJobs"] > before)
        await until(pilot, lambda: not training.busy)
        n = sent["sagemaker.ListTrainingJobs"]
        await pilot.press("r")
        await until(pilot, lambda: sent["sagemaker.ListTrainingJobs"] > n, what="r refreshes")


async def test_access_denied_in_one_pane_leaves_the_others_working(sandbox):
    user = uid("list-training-only")
    creds = sandbox.create_user_with_policy(
        user,
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "sagemaker:ListTrainingJobs",
                        "sagemaker:DescribeTrainingJob",
                        "sagemaker:ListProcessingJobs",
                        "sagemaker:ListTransformJobs",
                        "sagemaker:Describe*",
                    ],
                    "Resource": "*",
                }
            ],
        },
    )
    sandbox.enable_iam_auth()
    try:
        app = SmtuiApp(target=sandbox.target(creds))
        async with app.run_test(size=(150, 40)) as pilot:
            main = app.screen
            endpoints = main.pane("endpoint")
            await until(pilot, lambda: endpoints.error is not None, what="AccessDenied")
            err = endpoints.error
            assert err.is_access_denied and err.request_id
            shown = screen_text(app)
            assert err.code in shown and "ListEndpoints" in shown and err.request_id in shown
            await pilot.press("2")
            training = main.pane("training")
            await until(pilot, lambda: "llama3-ft-multinode" in training.table)
            assert training.error is None
            assert "AccessDenied" not in screen_text(app)
    finally:
        sandbox.disable_iam_auth()


async def test_command_palette_jumps_to_a_resource_by_name(sandbox):
    from smtui.screens.detail import DetailScreen

    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await until(pilot, lambda: all(p.loaded for p in main.panes()), what="every pane loaded once")
        await pilot.press("ctrl+p")
        await pilot.press(*"resnet50-imag")
        from textual.widgets import OptionList

        def first_hit() -> str:
            options = app.screen.query_one(OptionList)
            return str(options.get_option_at_index(0).prompt) if options.option_count else ""

        await until(pilot, lambda: "resnet50-imagenet" in first_hit(), what="palette hit")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail opened")
        assert app.screen.resource_name == "resnet50-imagenet"
        await pilot.press("escape")
        assert main.current == "training" and main.pane("training").table.cursor_key == "resnet50-imagenet"


async def test_big_listing_refreshes_by_last_modified_and_notices_deletions(sandbox, monkeypatch):
    from smtui.aws import listing

    monkeypatch.setattr(listing, "INCREMENTAL_MIN_PAGES", 1)
    monkeypatch.setattr(listing, "FULL_EVERY", 2)
    seen_params: list[dict] = []
    real_iter = listing.iter_pages

    def spy(aws, kind, flt=None, max_results=100, modified_after=None):
        if kind.key == "training":
            seen_params.append({"modified_after": modified_after})
        return real_iter(aws, kind, flt, max_results, modified_after)

    monkeypatch.setattr(listing, "iter_pages", spy)
    name = uid("incr")
    create_training_job(sandbox, name)
    fsm.set_status("training", name, "InProgress")
    app = SmtuiApp(settings=Settings(refresh_interval=1.0), target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.press("2")
        pane = app.screen.pane("training")
        await until(pilot, lambda: name in pane.table and pane.listing.complete)
        fsm.set_status("training", name, "Completed")
        await until(
            pilot, lambda: pane.table.get_raw(name)["status"] == "Completed", what="incremental update"
        )
        assert any(p["modified_after"] is not None for p in seen_params)  # an incremental pass ran
        fsm.delete("training", name)
        await until(pilot, lambda: name not in pane.table, what="deletion noticed by the next full pass")


async def test_sort_keys_and_absolute_times(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.press("2")
        pane = app.screen.pane("training")
        table = pane.table
        await until(pilot, lambda: pane.loaded and "train" in table)
        assert table.sort_key == "created" and table.sort_reverse  # newest first, like the server
        await pilot.press("s")
        assert table.sort_key == "duration" and "DURATION ▼" in screen_text(app)
        await pilot.press("s", "s", "s")  # instances, reason, then name (it wraps around)
        assert table.sort_key == "name" and not table.sort_reverse
        names = table.visible_rows()
        assert names == sorted(names, key=str.lower)
        await pilot.press("S")
        names = table.visible_rows()  # (a refresh may have come and gone: read them again)
        assert names == sorted(names, key=str.lower, reverse=True)
        import re

        def iso_times() -> int:
            return len(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", screen_text(app)))

        relative = iso_times()  # only the status line's "created <ISO>" of the cursor row
        await pilot.press("a")
        await until(pilot, lambda: iso_times() >= relative + 5, what="absolute times in the table")


async def test_switching_region_from_the_palette_reloads_every_pane(sandbox, own_region):
    region = own_region("empty")  # nobody else's resources are there
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        endpoints = main.pane("endpoint")
        await until(pilot, lambda: "churn-prod" in endpoints.table)
        await pilot.press("ctrl+p", *f"region {region}")
        from textual.widgets import OptionList

        await until(
            pilot, lambda: app.screen.query(OptionList) and app.screen.query_one(OptionList).option_count
        )
        await pilot.press("enter")
        await until(pilot, lambda: app.aws.region == region, what="reconnected")
        await until(pilot, lambda: f"No endpoints in {region}" in screen_text(app), what="empty state")
        assert len(endpoints.table) == 0 and "churn-prod" not in endpoints.table


async def test_resource_table_widget_renders_only_visible_rows_and_updates_in_place():
    from textual.app import App, ComposeResult

    from smtui.widgets.resource_table import ResourceTable, TableColumn

    cols = [
        TableColumn("name", "NAME", measure=lambda r: len(r["name"]), sort_value=lambda r: r["name"]),
        TableColumn("n", "N", width=6, sort_value=lambda r: r["n"]),
    ]

    def fmt(key, raw):
        return [(raw["name"], "bold"), (str(raw["n"]), "")]

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ResourceTable(cols, fmt, search_text=lambda k, r: r["name"])

    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.upsert((f"row-{i:05d}", {"name": f"row-{i:05d}", "n": i}) for i in range(10_000))
        table.sort_by("n", reverse=True)
        table.focus()
        calls = []
        real = table.render_line
        table.render_line = lambda y: calls.append(y) or real(y)  # type: ignore[method-assign]
        table.refresh()
        await pilot.pause()
        assert 0 < len(calls) <= 20  # only the lines on screen, never 10,000
        assert table.cursor_key == "row-00000"  # the selection follows its row through a re-sort
        await pilot.press("home")
        assert table.cursor_key == "row-09999"
        await pilot.press("down", "down")
        assert table.cursor_key == "row-09997"
        # in place by key: the cursor stays on its row when others change, sort and filter
        table.upsert([("row-09997", {"name": "row-09997", "n": 20_000})])
        assert table.cursor_key == "row-09997" and table.visible_rows()[0] == "row-09997"
        table.set_filter("row-0999")
        assert table.row_count == 10 and table.cursor_key == "row-09997"
        table.remove_rows(["row-09997"])
        assert "row-09997" not in table and table.row_count == 9
        table.set_filter("")
        assert len(table) == table.row_count == 9_999
        await pilot.press("end")
        assert table.cursor_key == table.visible_rows()[-1]


async def test_relative_times_moving_on_do_not_keep_the_lines_drawn_before():
    """The main screen touches the visible table every 5 s (relative times move on): the lines drawn before
    are stale, and keeping them grew an idle app by about 126 MB an hour until the cache's bound."""
    from textual.app import App, ComposeResult

    from smtui.widgets.resource_table import ResourceTable, TableColumn

    cols = [TableColumn("name", "NAME", measure=lambda r: len(r["name"]), sort_value=lambda r: r["name"])]

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ResourceTable(
                cols, lambda key, raw: [(raw["name"], "")], search_text=lambda k, r: r["name"]
            )

    app = TableApp()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(ResourceTable)
        table.upsert((f"row-{i:05d}", {"name": f"row-{i:05d}"}) for i in range(1_000))
        await pilot.pause()
        drawn = len(table._lines)
        assert 0 < drawn <= 20
        for _ in range(30):
            table.touch()
            await pilot.pause()
        assert 0 < len(table._lines) <= drawn  # only the lines on screen now


async def test_throttling_is_said_in_the_pane_while_it_lasts(sandbox, own_region):
    """Another tool eats ListTrainingJobs' 2 requests/s in this region: the training pane says it is being
    throttled and slowing down (the sandbox answers ThrottlingException as AWS does), and keeps working."""
    import dataclasses
    import threading

    from botocore.exceptions import BotoCoreError, ClientError

    region = own_region("throttle")  # throttle buckets are per region: the other tests' regions are untouched
    import boto3
    from botocore.config import Config

    other = boto3.client(
        "sagemaker",
        region_name=region,
        endpoint_url=sandbox.url,
        aws_access_key_id="AKIAOTHERTOOL0000001",
        aws_secret_access_key="x",
        # no retries: a throttled tool that backs off leaves room in the bucket, and the pane may never be
        # throttled (the test was flaky under load)
        config=Config(retries={"total_max_attempts": 1}),
    )
    stop = threading.Event()

    def other_tool() -> None:
        while not stop.is_set():
            try:
                other.list_training_jobs(MaxResults=1)
            except (ClientError, BotoCoreError):  # throttled, or a connection refused under load: go on
                pass
            stop.wait(0.05)

    sandbox.set_throttle(True)
    thread = threading.Thread(target=other_tool, daemon=True)
    thread.start()
    try:
        app = SmtuiApp(
            settings=Settings(refresh_interval=1.0),
            target=dataclasses.replace(sandbox.target(), region=region),
        )
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.press("2")
            pane = app.screen.pane("training")
            await until(pilot, lambda: "throttled" in pane.notice, limit=30, what="a throttling notice")
            pane.update_status()
            assert "ListTrainingJobs throttled" in pane.query_one(".pane-status").plain
            assert app.is_running
    finally:
        stop.set()
        thread.join(timeout=5)
        sandbox.set_throttle(False)


async def test_copy_arn_from_a_row_copies_and_says_so_without_ending_the_session(sandbox):
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(150, 40), notifications=True) as pilot:  # toasts are off by default
        main = app.screen
        await pilot.press("2")
        training = main.pane("training")
        await until(pilot, lambda: "resnet50-imagenet" in training.table, what="training jobs")
        assert training.table.move_to("resnet50-imagenet")
        await pilot.press("c")
        assert app.clipboard.endswith(":training-job/resnet50-imagenet")
        # the toast has to draw (a Rich Text message here ended the app with a traceback)
        await until(pilot, lambda: "Copied" in screen_text(app), what="copy toast drawn")
        assert any(app.clipboard in t for t in toasts(app))
        assert app.is_running and app.return_code is None


async def test_a_filter_on_the_instances_column_finds_rows_it_hid_before_they_were_described(own_sandbox):
    # The filter is set before any row is described (":tj p4d" at start-up, or a region switch with a
    # filter on): the instance types come only from DescribeTrainingJob, which smtui makes for the rows on
    # screen. With every row hidden by the filter none was on screen, and the pane stayed at "0 of 3".
    sb = own_sandbox()
    big, small = uid("big"), uid("small")
    create_training_job(sb, big, "ml.p4d.24xlarge", 2)
    for i in range(2):
        create_training_job(sb, f"{small}-{i}")
    app = SmtuiApp(target=sb.target())
    async with app.run_test(size=(150, 40)) as pilot:
        main = app.screen
        await until(pilot, lambda: main.query("#command"), what="the command line")
        await pilot.press("colon", *"tj p4d", "enter")
        pane = main.pane("training")
        await until(pilot, lambda: len(pane.table) == 3, what="listed")
        await until(pilot, lambda: pane.table.visible_rows() == [big], what="the p4d job found by the filter")
        assert pane.table.filter_text == "p4d"
