"""Headless `smtui trail` against the seeded sandbox: what a script reading its output relies on."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime, timedelta

from smtui.aws.trail.parse import parse_time
from smtui.config import Settings
from smtui.headless import trail as headless


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    headless.add_arguments(parser)
    return parser.parse_args(list(argv))


async def run(aws, *argv):
    out, err = io.StringIO(), io.StringIO()
    code = await headless.run(parse(*argv), aws, Settings(), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def expected(sandbox, days, pred):
    start = datetime.now(UTC) - timedelta(days=days)
    ids = []
    for rec in list(sandbox.recorder.events):
        t = parse_time(rec.get("eventTime"))
        if rec.get("eventSource") == "sagemaker.amazonaws.com" and t and t >= start and pred(rec):
            ids.append(rec["eventID"])
    return sorted(ids)


def si(rec):
    return ((rec.get("userIdentity") or {}).get("sessionContext") or {}).get("sourceIdentity")


async def test_json_lines_for_one_identity(sandbox, aws):
    code, out, _ = await run(aws, "--source-identity", "alice", "--since", "30d", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["sourceIdentity"] == "alice" for r in rows)
    assert sorted(r["eventId"] for r in rows) == expected(sandbox, 30, lambda r: si(r) == "alice")
    assert [r["time"] for r in rows] == sorted((r["time"] for r in rows), reverse=True)
    assert {"time", "eventName", "principal", "resource", "sourceIPAddress", "errorCode", "readOnly"} <= set(
        rows[0]
    )


async def test_events_without_source_identity_and_event_name(sandbox, aws):
    code, out, _ = await run(
        aws, "--no-source-identity", "--event-name", "CreateTrainingJob", "--since", "30d", "--json"
    )
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and all(r["sourceIdentity"] is None and r["eventName"] == "CreateTrainingJob" for r in rows)
    assert sorted(r["eventId"] for r in rows) == expected(
        sandbox, 30, lambda r: not si(r) and r["eventName"] == "CreateTrainingJob"
    )


async def test_resource_history_text_lines(sandbox, aws):
    from smtui.sandbox import scenario

    code, out, _ = await run(aws, "--resource", scenario.COMPLETED_JOB, "--since", "30d")
    assert code == 0
    lines = out.splitlines()
    assert lines and all(scenario.COMPLETED_JOB in line for line in lines)
    assert any("\tCreateTrainingJob\t" in line for line in lines)


async def test_summary(sandbox, aws):
    code, out, _ = await run(aws, "--since", "30d", "--summary", "--json")
    assert code == 0
    rows = {r["sourceIdentity"]: r for r in map(json.loads, out.splitlines())}
    assert {"alice", "bob", None} <= set(rows)
    assert rows["alice"]["calls"] == len(expected(sandbox, 30, lambda r: si(r) == "alice"))
    assert "CreateTrainingJob" in rows["alice"]["actions"]


async def test_bad_arguments_exit_2(aws):
    code, _, err = await run(aws, "--since", "yesterday-ish")
    assert code == 2 and "not a time" in err
    code, _, err = await run(aws, "--source-identity", "a b;c")
    assert code == 2 and "not a sourceIdentity" in err


def test_smtui_demo_trail_end_to_end():
    """The installed command, as a user runs it over SSH: its own sandbox, JSON lines on stdout."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "smtui",
            "--demo",
            "trail",
            "--source-identity",
            "alice",
            "--since",
            "30d",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows and {r["sourceIdentity"] for r in rows} == {"alice"}
    assert "CreateTrainingJob" in {r["eventName"] for r in rows}
