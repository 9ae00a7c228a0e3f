"""The Audit pane and the per-resource history, driven with Pilot against the seeded sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import screen_lines as screen_text
from support import toasts, until
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, OptionList

from smtui.app import SmtuiApp
from smtui.aws import trail
from smtui.aws.resources import TRAINING
from smtui.aws.trail.parse import parse_time
from smtui.screens.audit import AuditPane
from smtui.screens.event import EventScreen
from smtui.screens.resource_trail import ResourceTrailScreen
from smtui.widgets.trail_table import COLUMNS, event_cells


class _AuditOnly(Screen[None]):
    def compose(self) -> ComposeResult:
        yield AuditPane(window=timedelta(days=30), id="audit")
        yield Footer()


class AuditApp(SmtuiApp):
    """The real app with a screen that holds only the audit pane (the resource panes' loading is noise here)."""

    def get_default_screen(self) -> Screen:
        return _AuditOnly()


def truth(sandbox, days, pred):
    start = datetime.now(UTC) - timedelta(days=days)
    out = []
    for rec in list(sandbox.recorder.events):
        t = parse_time(rec.get("eventTime"))
        own = "smtui/" in (rec.get("userAgent") or "")  # smtui's own calls are hidden by default
        if rec.get("eventSource") == "sagemaker.amazonaws.com" and t and t >= start and pred(rec) and not own:
            out.append(rec["eventID"])
    return sorted(out)


def check(shown, before, after):
    """Exactly the events recorded before the app started (smtui's own calls left out, as the pane hides
    them), and none that were not recorded by the time it finished."""
    assert set(before) <= set(shown) <= set(after)
    assert len(shown) == len(set(shown))


def si(rec):
    return ((rec.get("userIdentity") or {}).get("sessionContext") or {}).get("sourceIdentity")


def identity_cells(pane: AuditPane) -> list[str]:
    """The SOURCE IDENTITY cell of every row shown, as drawn."""
    at = [c.key for c in COLUMNS].index("identity")
    return [event_cells(pane.table.get_raw(k))[at][0] for k in pane.table.visible_rows()]


def shown_ids(pane: AuditPane) -> list[str]:
    return sorted(pane.table.get_raw(k).event_id for k in pane.table.visible_rows())


async def pick(pilot, pane: AuditPane, option_id: str) -> None:
    await pilot.press("i")
    ol = pane.query_one("#audit-identities", OptionList)
    assert ol.has_focus, pane.app.focused
    target = ol.get_option_index(option_id)
    await pilot.press("home")
    for _ in range(target):
        await pilot.press("down")
    assert ol.highlighted_option.id == option_id
    await pilot.press("enter")


async def test_pick_an_identity_see_only_its_events_and_open_one(sandbox):
    before = {
        k: truth(sandbox, 30, p)
        for k, p in (
            ("all", lambda r: True),
            ("alice", lambda r: si(r) == "alice"),
            ("none", lambda r: not si(r)),
        )
    }
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(
            pilot,
            lambda: pane.progress is not None and pane.progress.done and not pane.scanning,
            what="the scan to finish",
        )
        total = shown_ids(pane)
        check(total, before["all"], truth(sandbox, 30, lambda r: True))
        text = await screen_text(pilot)
        assert "done" in text and f"{len(total):,} shown" in text
        ol = pane.query_one("#audit-identities", OptionList)
        ids = [ol.get_option_at_index(i).id for i in range(ol.option_count)]
        assert {"all", "id:alice", "id:bob", "id:"} <= set(ids)

        await pick(pilot, pane, "id:alice")
        await until(pilot, lambda: pane.filter.identity == "alice", what="the identity filter")
        check(shown_ids(pane), before["alice"], truth(sandbox, 30, lambda r: si(r) == "alice"))
        assert set(identity_cells(pane)) == {"alice"}
        assert "alice · last 30d" in await screen_text(pilot)

        # enter opens the whole event, key fields on top
        assert pane.table.has_focus
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EventScreen), what="the event screen")
        ev = app.screen.event
        assert ev.source_identity == "alice"
        shown = await screen_text(pilot)
        for label in ("sourceIdentity", "who", "what", "when", "from where", "on what"):
            assert label in shown
        assert ev.event_id in shown and '"eventVersion"' in shown
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, EventScreen))

        # the group without a sourceIdentity, typed as "-"
        await pilot.press("I")
        await pilot.press("minus", "enter")
        await until(pilot, lambda: pane.filter.identity == trail.NO_IDENTITY)
        check(shown_ids(pane), before["none"], truth(sandbox, 30, lambda r: not si(r)))
        assert set(identity_cells(pane)) == {"(none)"}

        # the summary view: one row per identity; enter on a row filters to it
        await pilot.press("s")
        summary = pane.query_one("#audit-summary", DataTable)
        await until(pilot, lambda: summary.display and summary.row_count >= 3)
        labels = [summary.get_row_at(i)[0].plain for i in range(summary.row_count)]
        assert labels[-1] == "(no sourceIdentity)" and {"alice", "bob"} <= set(labels)
        assert "CreateTrainingJob" in await screen_text(pilot)
        await pilot.press("home", "enter")
        await until(pilot, lambda: not summary.display and pane.filter.identity == labels[0])

        # client-side toggles and clearing
        await pilot.press("c")
        await until(pilot, lambda: pane.filter == trail.EventFilter() and pane.table.row_count == len(total))


async def test_event_name_filter_goes_to_the_server(sandbox):
    before = truth(sandbox, 30, lambda r: r["eventName"] == "CreateEndpoint")
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        pane.table.focus()
        await pilot.press("e")
        for ch in "CreateEndpoint":
            await pilot.press(ch)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                pane.trail_query is not None
                and pane.trail_query.event_name == "CreateEndpoint"
                and pane.progress.done
                and not pane.scanning
            ),
        )
        assert pane.trail_query.lookup_attribute() == ("EventName", "CreateEndpoint")
        assert shown_ids(pane) == before
        assert "EventName=CreateEndpoint" in await screen_text(pilot)


async def test_domains_line_says_where_source_identity_is_off(sandbox):
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: len(pane.domains) >= 2, what="the domains")
        await pilot.pause()
        text = await screen_text(pilot)
        assert "sourceIdentity on in 1 of 2 domains · OFF in" in text and "d details" in text
        details = pane.details()  # what d shows
        assert "cannot see this domain's users" in details and "d-legacy0beta" in details


async def test_resource_history_screen_names_who_created_it(sandbox):
    from smtui.sandbox import scenario

    rec = next(
        r for r in sandbox.recorder.events if r.get("eventName") == "CreateTrainingJob" and si(r) == "alice"
    )
    name = rec["requestParameters"]["trainingJobName"]
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(180, 50)) as pilot:
        await app.get_aws()
        screen = ResourceTrailScreen(TRAINING, name)
        await app.push_screen(screen)
        await until(
            pilot,
            lambda: (
                not screen.scanning
                and screen.progress is not None
                and screen.progress.done
                and screen.phase == "EventSource"
            ),
            limit=40,
        )
        await pilot.pause()
        assert any(e.event_id == rec["eventID"] for e in screen.events)
        assert all(trail.names_resource(e, name) for e in screen.events)
        text = await screen_text(pilot)
        assert "created" in text and "by alice" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, EventScreen))
        await pilot.pause()
        assert scenario.ACCOUNT_ID in await screen_text(pilot)


async def test_server_side_insights_shows_the_same_table(sandbox):
    """With --trail-log-group, picking an identity runs Logs Insights (the sandbox's real StartQuery and
    GetQueryResults; moto ignores `filter`, so rows are checked again on the client)."""
    import json
    import uuid

    group = f"/aws/cloudtrail/audit-{uuid.uuid4().hex[:6]}"
    logs = sandbox.boto3_client("logs")
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="trail")
    records = [r for r in list(sandbox.recorder.events) if r.get("eventSource") == "sagemaker.amazonaws.com"]
    logs.put_log_events(
        logGroupName=group,
        logStreamName="trail",
        logEvents=sorted(
            (
                {
                    "timestamp": int(parse_time(r["eventTime"]).timestamp() * 1000),
                    "message": json.dumps(r),
                }
                for r in records
            ),
            key=lambda e: e["timestamp"],
        ),
    )
    app = AuditApp(target=sandbox.target())
    app.settings.trail_log_group = group
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        assert pane.progress.via == "Logs Insights"
        await pick(pilot, pane, "id:bob")
        await until(pilot, lambda: pane.filter.identity == "bob" and pane.progress.done and not pane.scanning)
        want = sorted(
            r["eventID"]
            for r in records
            if si(r) == "bob" and parse_time(r["eventTime"]) >= datetime.now(UTC) - timedelta(days=30)
        )
        assert shown_ids(pane) == want
        text = await screen_text(pilot)
        assert "Logs Insights: Complete" in text and "server-side" in pane.details()


async def test_an_aws_error_is_shown_in_the_pane_with_code_and_request_id(sandbox):
    app = AuditApp(target=sandbox.target())
    app.settings.trail_log_group = "/no/such/trail-group"
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.last_error is not None and not pane.scanning, what="the error")
        err = pane.last_error
        text = await screen_text(pilot)
        assert err.code in text and f"request id {err.request_id}" in text and "StartQuery" in text
        assert "stopped:" in text
        # the rest keeps working: the domains line still loads
        await until(pilot, lambda: len(pane.domains) >= 2)


def test_time_window_prompt_values():
    from smtui.screens.audit import parse_window

    now = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert parse_window("7d", now=now) == (now - timedelta(days=7), None)
    assert parse_window("since 2026-11-20", now=now) == (datetime(2026, 11, 20, tzinfo=UTC), None)
    assert parse_window("2026-11-20T08:00..2026-11-21", now=now) == (
        datetime(2026, 11, 20, 8, tzinfo=UTC),
        datetime(2026, 11, 21, tzinfo=UTC),
    )
    with pytest.raises(ValueError):
        parse_window("2026-11-21..2026-11-20", now=now)


@pytest.fixture(scope="module")
def busy(module_sandbox):
    """A busier account (its own sandbox and CloudTrail, 400 events today)."""
    sb = module_sandbox
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(400):
        sb.recorder.add(
            {
                "eventVersion": "1.09",
                "eventSource": "sagemaker.amazonaws.com",
                "eventName": "DescribeTrainingJob",
                "eventTime": (now - timedelta(seconds=60 * i + 60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "readOnly": True,
                "userIdentity": {
                    "type": "AssumedRole",
                    "arn": "arn:aws:sts::123456789012:assumed-role/R/u",
                    "sessionContext": {"sourceIdentity": f"u{i % 3}"},
                },
            }
        )
    return sb


async def test_loading_page_by_page_can_be_stopped_with_x(busy):
    """Rows arrive page by page; x stops the scan."""
    app = AuditApp(target=busy.target())
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.pages >= 2, what="two pages")
        # (smtui's own calls in this module's region, made by the other tests, are scanned but not shown)
        assert pane.scanning and 100 <= len(pane.events) < 400
        assert pane.table.row_count == len(pane.events) - pane.hidden_own
        assert "x stops" in await screen_text(pilot)
        await pilot.press("x")
        await until(pilot, lambda: not pane.scanning, what="the scan to stop")
        assert pane.progress.cancelled and pane.table.row_count < 400
        text = await screen_text(pilot)
        assert "cancelled" in text and "scanned" in text
        # nothing more can arrive: the loading worker is gone
        from textual.worker import WorkerState

        assert all(
            w.state in (WorkerState.CANCELLED, WorkerState.SUCCESS)
            for w in app.workers
            if w.group == "audit-load"
        )


async def test_quitting_during_a_scan_is_clean(busy):
    app = AuditApp(target=busy.target())
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.pages >= 1 and pane.scanning)
        await pilot.press("ctrl+c")
    assert app.return_code in (0, None)


async def test_command_line_audit_with_an_identity_picks_it(sandbox):
    """``:audit alice`` from the main screen opens the audit pane filtered to alice's events."""
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(180, 50)) as pilot:
        await app.get_aws()
        await pilot.press("colon", *"audit alice", "enter")
        pane = app.screen.query_one(AuditPane)
        await until(
            pilot, lambda: pane.display and pane.filter.identity == "alice", what="the identity filter"
        )
        # late in a test session the shared account's 24 hours hold many pages of other tests' calls, so
        # wait for alice's first rows rather than for the whole scan (2 requests/s)
        await until(
            pilot,
            lambda: identity_cells(pane) or (pane.progress is not None and pane.progress.done),
            limit=90,
            what="alice's events",
        )
        assert set(identity_cells(pane)) == {"alice"}


async def test_on_resource_finds_its_events_and_the_identity_list_starts_over(sandbox):
    """Issue 15: ``o resnet50-imagenet`` found nothing (it asked LookupEvents for ResourceName only, and
    CloudTrail names SageMaker resources there by ARN) and the identity list kept the old scan's counts. It
    now looks the name up, then scans the window for events naming it, as ``smtui trail --resource`` does."""
    rec = next(
        r
        for r in sandbox.recorder.events
        if r.get("eventName") == "CreateTrainingJob"
        and (r.get("requestParameters") or {}).get("trainingJobName") == "resnet50-imagenet"
    )
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        before = sum(s.calls for s in pane.index.summaries())
        await pilot.press("o", *"resnet50-imagenet", "enter")
        await until(
            pilot,
            lambda: pane.server_resource == "resnet50-imagenet" and pane.progress.done and not pane.scanning,
            limit=40,
        )
        assert rec["eventID"] in shown_ids(pane)
        assert all(
            trail.names_resource(pane.table.get_raw(k), "resnet50-imagenet") for k in pane.table.keys()
        )
        counted = sum(s.calls for s in pane.index.summaries())
        assert counted == len([e for e in pane.events if not e.own]) < before
        ol = pane.query_one("#audit-identities", OptionList)
        assert f"All  {counted:,}" in str(ol.get_option_at_index(0).prompt)
        text = await screen_text(pilot)
        assert "resource=resnet50-imagenet" in text and "CreateTrainingJob" in text


async def test_own_calls_are_hidden_said_and_shown_with_h(sandbox):
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(160, 45)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        own = [e for e in pane.events if e.own]
        assert own and pane.hidden_own == len(own)  # its own ListDomains/DescribeDomain at least
        assert not any(pane.table.get_raw(k).own for k in pane.table.visible_rows())
        assert f"{len(own):,} smtui calls hidden (h)" in await screen_text(pilot)
        shown = pane.table.row_count
        await pilot.press("h")
        await until(pilot, lambda: pane.filter.show_own)
        assert pane.table.row_count == shown + len(own) and pane.hidden_own == 0
        assert "smtui calls shown (h)" in await screen_text(pilot)


async def test_save_key_writes_the_events_or_the_summary_with_the_query_on_top(sandbox, tmp_path):
    app = AuditApp(target=sandbox.target())
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        pane.pick_identity("alice")
        await pilot.pause()
        target = tmp_path / "alice.csv"
        await pilot.press("ctrl+s")
        box = pane.query_one("#audit-input")
        assert box.display and box.value.endswith(".md") and box.value.startswith(str(Path.cwd()))
        box.value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: target.exists(), what="the file")
        text = target.read_text()
        assert text.startswith("# window: ") and "identity=alice" in text
        rows = [line for line in text.splitlines() if not line.startswith("#")][1:]
        assert len(rows) == pane.table.row_count and all(",alice," in r for r in rows)
        assert not box.display
        # a second save to the same name asks first, then overwrites
        await pilot.press("s")
        await pilot.press("ctrl+s")
        box.value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: any("exists" in t for t in toasts(app)), what="the overwrite question")
        assert target.read_text() == text and box.display
        await pilot.press("enter")
        await until(pilot, lambda: target.read_text() != text, what="the summary written")
        assert "sourceIdentity,calls,mutating" in target.read_text()


async def test_athena_shows_the_organisations_events_with_account_and_region_columns(sandbox):
    """With --trail-athena the pane reads the demo organisation's trail in S3: the status line says Athena's
    state and data scanned, the account and region columns appear (the events come from two of each), and
    picking alice shows exactly her calls in every account and region of the window."""
    from support import org_trail_records

    from smtui.sandbox import org_trail

    sandbox.trail_delivery.flush()
    app = AuditApp(target=sandbox.target())
    app.settings.trail_athena = org_trail.TABLE
    async with app.run_test(size=(180, 50)) as pilot:
        pane = app.query_one(AuditPane)
        await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
        assert pane.progress.via == "Athena"
        await pick(pilot, pane, "id:alice")
        await until(
            pilot, lambda: pane.filter.identity == "alice" and pane.progress.done and not pane.scanning
        )
        records = org_trail_records(sandbox, projected=True)
        since = datetime.now(UTC) - timedelta(days=30)
        want = sorted(
            r["eventID"]
            for r in records
            if r["eventSource"] == "sagemaker.amazonaws.com"
            and si(r) == "alice"
            and parse_time(r["eventTime"]) >= since
            and "smtui/" not in r.get("userAgent", "")
        )
        assert shown_ids(pane) == want
        rows = [pane.table.get_raw(k) for k in pane.table.visible_rows()]
        assert {r.account for r in rows} == set(org_trail.ACCOUNTS)
        assert {r.region for r in rows} == set(org_trail.REGIONS)
        text = await screen_text(pilot)
        assert "ACCOUNT" in text and "REGION" in text and org_trail.PROD_ACCOUNT in text
        assert "Athena: SUCCEEDED" in text and "scanned" in text
        assert f"server-side (Athena {org_trail.TABLE})" in pane.details()

        # m: Athena is given the mutating filter too (a new query, not a filter of the rows loaded)
        from smtui.sandbox import fidelity_athena

        before = set(fidelity_athena._executions)
        await pilot.press("m")
        await until(
            pilot,
            lambda: set(fidelity_athena._executions) - before and pane.progress.done and not pane.scanning,
            what="a new Athena query for the mutating filter",
        )
        (new,) = [fidelity_athena._executions[i] for i in set(fidelity_athena._executions) - before]
        assert "readonly" in new.query.lower()
        writes = sorted(
            r["eventID"]
            for r in records
            if r["eventID"] in set(want) and str(r.get("readOnly")).lower() == "false"
        )
        assert writes and len(writes) < len(want)
        assert shown_ids(pane) == writes

        # x stops a query that is still running (StopQueryExecution), and the status line says so
        fidelity_athena.SETTINGS.min_run_seconds = 60.0
        try:
            before = set(fidelity_athena._executions)
            await pilot.press("f")  # failed: another query
            await until(pilot, lambda: pane.progress.status == "RUNNING", what="the query running")
            await pilot.press("x")
            (running,) = [fidelity_athena._executions[i] for i in set(fidelity_athena._executions) - before]
            await until(pilot, lambda: running.state == "CANCELLED" and not pane.scanning, what="stopped")
            assert "cancelled" in await screen_text(pilot)
        finally:
            fidelity_athena.SETTINGS.min_run_seconds = 0.0
