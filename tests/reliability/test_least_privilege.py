"""Least privilege: a full scripted session (every pane, details, logs, audit, the headless commands) sends
only read operations, and the README's minimal IAM policy is exactly what it needs: with IAM enforced and
a user holding only that policy everything works; without any one of its statements, the matching part
of the screen shows AccessDenied naming the missing action, and the rest keeps working.

The policy is the generated one (``smtui.docs.iam_policy``, from the registry of kinds); tests/test_codebase.py
checks README.md shows exactly it.
"""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

import pytest
from support import screen_text, uid, until

from smtui.app import SmtuiApp
from smtui.aws.resources import BY_KEY, KINDS
from smtui.aws.session import AwsSession, is_read_only
from smtui.config import Settings
from smtui.docs import iam_policy
from smtui.headless import describe as headless_describe
from smtui.headless import logs as headless_logs
from smtui.headless import ls as headless_ls
from smtui.headless import trail as headless_trail
from smtui.screens.detail import DetailScreen
from smtui.screens.logs import LogScreen
from smtui.screens.resource_trail import ResourceTrailScreen

from .conftest import Account, mini_account

#: the client name of a service -> its IAM prefix
IAM_PREFIX = {
    "sagemaker": "sagemaker",
    "logs": "logs",
    "cloudtrail": "cloudtrail",
    "cloudwatch": "cloudwatch",
}
#: actions in the policy that the sandbox session cannot exercise, and why (each one is used by smtui)
OPTIONAL_PATHS = {
    "logs:StartLiveTail": "log follow on real AWS (the sandbox is followed by polling FilterLogEvents)",
    "logs:DescribeLogGroups": "Live Tail needs the log group's ARN",
    "logs:StartQuery": "audit with --trail-log-group (Logs Insights)",
    "logs:GetQueryResults": "audit with --trail-log-group (Logs Insights)",
    "logs:StopQuery": "audit with --trail-log-group, when the user stops a query",
    "cloudtrail:StartQuery": "audit with --trail-lake (CloudTrail Lake)",
    "cloudtrail:GetQueryResults": "audit with --trail-lake (CloudTrail Lake)",
}


def readme_policy() -> dict[str, Any]:
    """The README's policy: generated from the registry (the README is checked to show this one)."""
    return iam_policy()


def actions_of(policy: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for st in policy["Statement"]:
        acts = st["Action"]
        out.update([acts] if isinstance(acts, str) else acts)
    return out


def without(policy: dict[str, Any], sid: str) -> dict[str, Any]:
    return {**policy, "Statement": [s for s in policy["Statement"] if s.get("Sid") != sid]}


async def _settle_pane(pilot: Any, pane: Any, name: str) -> None:
    await until(pilot, lambda: pane.loaded and not pane.busy, what=f"{pane.kind.key} listed")
    assert pane.error is None, pane.error and pane.error.details()
    assert name in pane.table, f"{name} not in the {pane.kind.key} pane"
    await until(pilot, lambda: pane.cache.get(name) is not None, what=f"{name} described for the list")


async def _visit(app: SmtuiApp, pilot: Any, key: str, name: str) -> None:
    """One pane: list, describe, the detail screen with metrics, its logs, its CloudTrail history."""
    main = app.screen
    kind = BY_KEY[key]
    if kind.pane_key:
        await pilot.press(kind.pane_key)
    else:
        await pilot.press("colon", *kind.aliases[0], "enter")
    pane = main.pane(key)
    await _settle_pane(pilot, pane, name)
    pane.table.move_to(name)
    pane.table.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail screen")
    detail = app.screen
    await until(pilot, lambda: detail.describe is not None and not detail.refreshing, what="described")
    assert detail.error is None and detail.metrics_error is None, screen_text(app)
    assert detail.metric_calls >= 1 or not kind.metrics_plan
    if not kind.has_logs:
        await pilot.press("escape")
        await pilot.press("t")
        await _trail(app, pilot)
        return
    await pilot.press("l")
    await until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")
    logs = app.screen
    await until(pilot, lambda: not logs.busy and len(logs.view.lines) > 0, what=f"{key} logs")
    assert logs.error is None, logs.error
    if key == "training":  # a server-side filter pattern: FilterLogEvents
        await pilot.press("p", *"epoch", "enter")
        await until(
            pilot,
            lambda: logs.pattern == "epoch" and not logs.busy and logs.view.lines,
            what="filtered history",
        )
        assert logs.error is None, logs.error
    await pilot.press("escape")
    await pilot.press("t")
    await _trail(app, pilot)
    await pilot.press("escape")
    assert app.screen is main


async def _trail(app: SmtuiApp, pilot: Any) -> None:
    """The CloudTrail history screen ``t`` opened: scanned without an error, then left."""
    await until(pilot, lambda: isinstance(app.screen, ResourceTrailScreen), what="trail screen")
    history = app.screen
    await until(pilot, lambda: not history.scanning and history.progress is not None, what="trail scanned")
    assert not history.query_one("#trail-error").display, screen_text(app)
    await pilot.press("escape")


async def _visit_children(app: SmtuiApp, pilot: Any, key: str, name: str) -> None:
    """What a resource started (``o``: a tuning job's training jobs), listed from its pane."""
    from smtui.screens.children import ChildrenScreen

    main = app.screen
    await pilot.press("colon", *key, "enter")
    pane = main.pane(key)
    await _settle_pane(pilot, pane, name)
    pane.table.move_to(name)
    pane.table.focus()
    await pilot.press("o")
    await until(pilot, lambda: isinstance(app.screen, ChildrenScreen) and app.screen.loaded, what="children")
    assert app.screen.error is None, app.screen.error and app.screen.error.details()
    await pilot.press("escape")
    assert app.screen is main


async def scripted_session(app: SmtuiApp, pilot: Any, acct: Account) -> None:
    """Every pane, every kind's detail screen (with metrics), its logs and its CloudTrail history, a
    server-side filter pattern, the audit pane with its domains line. Fails on any error shown."""
    main = app.screen
    for kind in KINDS:
        assert kind.key in acct.names, f"mini_account makes no {kind.singular}: add one"
        await _visit(app, pilot, kind.key, acct.names[kind.key])
    for kind in KINDS:  # what a kind started (a tuning job's training jobs): listed too
        if kind.children is not None:
            await _visit_children(app, pilot, kind.key, acct.names[kind.key])
    await pilot.press("5")
    audit = main.query_one("#audit")
    await until(
        pilot,
        lambda: audit.loaded_once and not audit.scanning and audit.progress is not None and audit.domains,
        limit=30,
        what="audit scan and domains",
    )
    assert audit.last_error is None, audit.last_error and audit.last_error.details()
    assert any(e.name == "CreateTrainingJob" for e in audit.events)


def _args(module: Any, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    return parser.parse_args(list(argv))


async def headless_session(target: Any, acct: Account) -> None:
    """``smtui logs`` and ``smtui trail`` through their run() functions, as the CLI calls them."""
    import contextlib

    aws = AwsSession(target)
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = await headless_logs.run(
                _args(headless_logs, "training", acct.training, "--no-labels"), aws, None
            )
        assert code == 0 and "epoch 19 host 2" in out.getvalue()
        for key, name in acct.names.items():  # smtui ls and smtui describe of every kind
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert await headless_ls.run(_args(headless_ls, key, "--json"), aws, None) == 0
                assert await headless_describe.run(_args(headless_describe, key, name), aws, None) == 0
            # (a Studio app's name is its four parts, domain/profile/type/name: each is in the answers)
            assert all(part in out.getvalue() for part in name.split("/")), (key, name)
        out, err = io.StringIO(), io.StringIO()
        code = await headless_trail.run(
            _args(headless_trail, "--since", "1h", "--json"), aws, Settings(), out=out, err=err
        )
        assert code == 0, err.getvalue()
        assert any(
            json.loads(line).get("eventName") == "CreateTrainingJob" for line in out.getvalue().splitlines()
        )
    finally:
        await aws.close()


@pytest.fixture(scope="module")
def iam_account(module_sandbox):
    """A sandbox of the module's own with one of every kind, then IAM enforcement on."""
    sb = module_sandbox
    acct = mini_account(sb, uid("lp"))
    sb.enable_iam_auth()
    yield acct


async def test_readme_policy_is_exactly_what_a_full_read_only_session_needs(iam_account):
    acct = iam_account
    sb = acct.sb
    policy = readme_policy()
    creds = sb.create_user_with_policy(uid("readme-user"), policy)
    key = creds["aws_access_key_id"]
    first = len(sb.requests)
    app = SmtuiApp(target=sb.target(creds))
    async with app.run_test(size=(160, 45)) as pilot:
        await scripted_session(app, pilot, acct)
        sent_by_session = dict(app.aws.limiter.sent)
    await headless_session(sb.target(creds), acct)

    mine = [r for r in list(sb.requests)[first:] if r.access_key == key]
    ops = {(r.service, r.operation) for r in mine}
    assert ops, "the session sent nothing?"
    # read-only by construction: every operation sent with the key, and every one the session counted
    assert all(is_read_only(op) for _, op in ops), sorted(ops)
    assert all(is_read_only(k.split(".", 1)[1]) for k in sent_by_session), sorted(sent_by_session)
    # nothing was denied, and every action used is in the policy
    assert not [r for r in mine if r.error and "AccessDenied" in r.error]
    used = {f"{IAM_PREFIX[s]}:{op}" for s, op in ops}
    allowed = actions_of(policy)
    assert used <= allowed, sorted(used - allowed)
    # ... and the policy holds nothing else: every other action is on a path the sandbox cannot take
    assert allowed - used <= set(OPTIONAL_PATHS), sorted(allowed - used - set(OPTIONAL_PATHS))
    assert all(is_read_only(a.split(":", 1)[1]) for a in allowed)


@pytest.mark.parametrize(
    ("sid", "action"),
    [
        ("SageMakerRead", "sagemaker:ListTrainingJobs"),
        ("LogsRead", "logs:DescribeLogStreams"),
        ("MetricsRead", "cloudwatch:GetMetricData"),
        ("TrailRead", "cloudtrail:LookupEvents"),
    ],
)
async def test_without_one_statement_only_its_pane_shows_access_denied(iam_account, sid, action):
    acct = iam_account
    sb = acct.sb
    policy = readme_policy()
    assert sid in {s.get("Sid") for s in policy["Statement"]}
    creds = sb.create_user_with_policy(uid(f"no-{sid.lower()}"), without(policy, sid))
    app = SmtuiApp(target=sb.target(creds))
    async with app.run_test(size=(160, 45)) as pilot:
        main = app.screen
        await pilot.press("2")
        training = main.pane("training")
        await until(pilot, lambda: not training.busy and (training.loaded or training.error), what="listing")
        if sid == "SageMakerRead":
            assert training.error is not None and training.error.is_access_denied
            assert action in screen_text(app)
            await pilot.press("5")  # the audit pane still works
            audit = main.query_one("#audit")
            await until(pilot, lambda: audit.progress is not None and not audit.scanning, what="audit")
            assert audit.last_error is None and audit.events
            return
        assert training.error is None and acct.training in training.table
        if sid == "LogsRead":
            await app.push_screen(logs := LogScreen(BY_KEY["training"], acct.training))
            await until(pilot, lambda: not logs.busy and logs.error, what="the log view's error")
            assert "AccessDeniedException" in logs.error and action in logs.error
            assert action in screen_text(app)
        elif sid == "MetricsRead":
            await app.push_screen(detail := DetailScreen(BY_KEY["training"], acct.training))
            await until(
                pilot, lambda: detail.describe is not None and not detail.refreshing, what="described"
            )
            assert detail.error is None and detail.metrics_error is not None
            assert detail.metrics_error.is_access_denied
            assert action in screen_text(app)
            assert acct.training in screen_text(app)  # the rest of the detail screen is there
        elif sid == "TrailRead":
            await pilot.press("5")
            audit = main.query_one("#audit")
            await until(pilot, lambda: audit.last_error is not None, what="audit error")
            assert audit.last_error.is_access_denied
            assert action in screen_text(app)
            await pilot.press("2")
            assert training.error is None
