"""The Audit pane at 80x24 (a laptop SSH window) and 160x45: SVG snapshots, and the demo's pane read as a
person would at 80x24.

The snapshots are deterministic: a sandbox of this module's own (empty seed), CloudTrail records added with
fixed times, the pane's window fixed to the hours around them, and the sub-title (which holds the sandbox's
random port) fixed. smtui's own calls made during the test fall outside the window; one record in it carries
smtui's user agent, so the status line's "hidden" count is part of the picture. Update with
``pytest tests/app/test_snapshots_audit.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from support import screen_lines, until
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from smtui import __version__
from smtui.app import SmtuiApp
from smtui.screens.audit import AuditPane

UTC = dt.UTC
T0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecutionRole"


def _record(minute, name, who, *, params, read_only, error=None, agent="Boto3/1.40.0 md/Botocore#1.40.0"):
    uid = {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE:{who or 'ci-pipeline'}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/SageMakerExecutionRole/{who or 'ci-pipeline'}",
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "arn": ROLE, "userName": "SageMakerExecutionRole"}
        },
    }
    if who:
        uid["sessionContext"]["sourceIdentity"] = who
    rec = {
        "eventVersion": "1.09",
        "userIdentity": uid,
        "eventTime": (T0 + dt.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "10.0.3.17",
        "userAgent": agent,
        "requestParameters": params,
        "eventID": f"snap-{minute:03d}",
        "readOnly": read_only,
        "eventType": "AwsApiCall",
    }
    if error:
        rec["errorCode"], rec["errorMessage"] = error, "User is not authorized to perform this action"
    return rec


RECORDS = [
    _record(
        5, "CreateTrainingJob", "alice", params={"trainingJobName": "resnet50-imagenet"}, read_only=False
    ),
    _record(
        9, "DescribeTrainingJob", "alice", params={"trainingJobName": "resnet50-imagenet"}, read_only=True
    ),
    _record(20, "CreateModel", "bob", params={"modelName": "fraud-model-v2"}, read_only=False),
    _record(
        21,
        "CreateEndpointConfig",
        "bob",
        params={"endpointConfigName": "fraud-detector-v2-config"},
        read_only=False,
    ),
    _record(23, "CreateEndpoint", "bob", params={"endpointName": "fraud-detector-v2"}, read_only=False),
    _record(
        30,
        "DeleteEndpoint",
        "bob",
        params={"endpointName": "churn-prod"},
        read_only=False,
        error="AccessDeniedException",
    ),
    _record(
        41,
        "CreateTrainingJob",
        None,
        params={"trainingJobName": "nightly-retrain-2026-01-10"},
        read_only=False,
    ),
    _record(
        44,
        "ListTrainingJobs",
        None,
        params={},
        read_only=True,
        agent=f"aiobotocore/3.1.0 smtui/{__version__}",
    ),
    _record(
        50, "StopTrainingJob", "alice", params={"trainingJobName": "llama3-ft-multinode"}, read_only=False
    ),
]


class _AuditOnly(Screen[None]):
    def compose(self) -> ComposeResult:
        pane = AuditPane(id="audit")
        pane.start_at, pane.end_at = T0, T0 + dt.timedelta(hours=2)
        yield pane
        yield Footer()


class AuditApp(SmtuiApp):
    def get_default_screen(self) -> Screen:
        return _AuditOnly()


class _SnapshotNow(dt.datetime):
    """The sandbox's CloudTrail clock for these snapshots: its 90 days of event history end just after the
    records (the records keep fixed times, so the picture is the same on every day it is drawn)."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return T0 + dt.timedelta(hours=3)


@pytest.fixture
def trail_sandbox(own_sandbox, monkeypatch):
    from smtui.sandbox import fidelity_trail

    monkeypatch.setattr(fidelity_trail, "datetime", _SnapshotNow)
    sb = own_sandbox("snap")
    if not any(r.get("eventID") == "snap-005" for r in sb.recorder.events):
        for rec in RECORDS:
            sb.recorder.add(rec)
    return sb


async def _loaded(app: SmtuiApp, pilot) -> None:
    app.sub_title = "us-east-1"
    pane = app.screen.query_one(AuditPane)
    await until(pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning)
    await until(
        pilot,
        lambda: pane.domains is not None and "checking" not in str(pane.query_one("#audit-domains").render()),
    )
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_audit_pane_snapshot(trail_sandbox, snap_compare, size):
    app = AuditApp(target=trail_sandbox.target())
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: _loaded(app, pilot))


async def _audit_read(app: SmtuiApp, pilot, window) -> tuple[AuditPane, str, list[str], list[str]]:
    """The Audit pane of the running app, its window set by ``window(pane)``, opened with ``5`` and read off
    the screen once loaded: (pane, screen text, its lines, the lines that are event rows)."""
    await app.get_aws()
    pane = app.screen.query_one(AuditPane)
    window(pane)
    await pilot.press("5")
    await until(
        pilot, lambda: pane.progress is not None and pane.progress.done and not pane.scanning, limit=60
    )
    await pilot.pause()
    text = await screen_lines(pilot)
    lines = text.splitlines()
    return pane, text, lines, [ln for ln in lines if re.match(r"^\d\d-\d\d \d\d:\d\d:\d\d", ln)]


async def test_demo_audit_pane_at_80x24_shows_the_teams_calls_first(sandbox):
    """The demo's account (the default seed) at 80x24, read off the screen: alice's and bob's mutating calls
    are on the first page, no row of smtui's own calls is, and every CreateTrainingJob is written out whole.

    The shared sandbox also holds what other tests did since it was seeded, which a demo user would not see
    when smtui starts; the window therefore ends just after the seed's last call by alice or bob (a default
    seed in a sandbox of this module's own region cannot be made yet: the seed's rekey_domain assumes
    us-east-1). smtui's own calls in that window stay, and are hidden by the pane itself."""
    from smtui.aws.trail.parse import parse_time

    team = [
        parse_time(r.get("eventTime"))
        for r in list(sandbox.recorder.events)
        if ((r.get("userIdentity") or {}).get("sessionContext") or {}).get("sourceIdentity")
        in ("alice", "bob")
    ]
    end = max(t for t in team if t) + dt.timedelta(seconds=1)
    app = SmtuiApp(target=sandbox.target())
    async with app.run_test(size=(80, 24)) as pilot:

        def window(pane: AuditPane) -> None:
            pane.start_at, pane.end_at = end - dt.timedelta(hours=24), end

        pane, text, lines, rows = await _audit_read(app, pilot, window)
        assert len(rows) >= 10, text
        mutating = re.compile(r"\b(Create|Update|Stop|Delete)\w+")
        assert any(" alice " in r and mutating.search(r) for r in rows), text
        assert any(" bob " in r and mutating.search(r) for r in rows), text
        assert all(not pane.table.get_raw(k).own for k in pane.table.visible_rows()), (
            "smtui's calls are hidden"
        )
        assert "CreateTrainingJob" in text and "CreateTrainingJ…" not in text
        assert "5 Audit" in lines[1]


async def test_athena_at_80x24_keeps_account_region_identity_and_event_readable(sandbox):
    """``--trail-athena`` at 80x24, read off the screen: the organisation's events come with their account and
    region, and the identity and event name are still there to read beside them; the status line says
    Athena's state and how much it scanned."""
    from smtui.sandbox import org_trail

    sandbox.trail_delivery.flush()
    app = SmtuiApp(target=sandbox.target())
    app.settings.trail_athena = org_trail.TABLE
    async with app.run_test(size=(80, 24)) as pilot:

        def window(pane: AuditPane) -> None:
            pane.window = dt.timedelta(days=30)  # the organisation's other accounts and regions are in it

        pane, text, lines, rows = await _audit_read(app, pilot, window)
        assert len(rows) >= 8, text
        status = next(ln for ln in lines if "Athena:" in ln)
        assert f"{pane.shown:,} shown" in status and "done" in status, status  # the counts are not cut
        assert all(len(ln) <= 80 for ln in lines)
        # the account column, whole; the region is the first to go at 80 columns
        events = [pane.table.get_raw(k) for k in pane.table.visible_rows()]
        assert {ev.account for ev in events} == set(org_trail.ACCOUNTS)  # so the column is drawn
        assert all(ev.account in row for row, ev in zip(rows, events, strict=False)), text
        for row, ev in zip(rows, events, strict=False):
            assert ev.name[:20] in row, (
                row,
                ev.name,
            )  # CreateEndpoint is not cut to look like CreateEndpointConfig
            if ev.source_identity:
                assert ev.source_identity[:5] in row, (row, ev.source_identity)
        assert "Athena: SUCCEEDED" in text  # (bytes scanned and time come last: at 80 columns, cut)
