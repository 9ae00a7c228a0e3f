"""Compilation jobs (the last kind added: its module, one registry line, the sandbox's table and seed): the
demo's two are listed with their capitalised statuses, described, and logged from the one stream named after
the job, never a longer name's."""

from __future__ import annotations

import json

from support import put_lines
from test_logs_headless import run_logs
from test_ls_describe import run

from smtui.sandbox.scenario.compilation import COMPILED, FAILED, FAILURE_REASON, GROUP


async def test_listed_with_their_statuses_and_described_with_why_one_failed(aws, capsys):
    rc, out, _ = await run(aws, capsys, "ls", "neo", "--json")
    assert rc == 0
    statuses = {s["CompilationJobName"]: s["CompilationJobStatus"] for s in json.loads(out)}
    assert statuses[COMPILED] == "COMPLETED" and statuses[FAILED] == "FAILED"
    rc, out, _ = await run(aws, capsys, "ls", "compilation", "--status", "FAILED", "--json")
    assert [s["CompilationJobName"] for s in json.loads(out)] == [FAILED]
    rc, out, _ = await run(aws, capsys, "describe", "compilation", FAILED, "--json")
    doc = json.loads(out)
    assert doc["FailureReason"] == FAILURE_REASON and doc["OutputConfig"]["TargetDevice"] == "jetson_xavier"


async def test_its_logs_are_its_own_stream_not_a_longer_names(sandbox, aws, capsys):
    put_lines(sandbox, GROUP, f"{COMPILED}-2", [(1_700_000_000_000, "another job's line")])
    rc, out, err = await run_logs(aws, capsys, "compilation", COMPILED, "--timestamps", "none")
    assert rc == 0, err
    assert "Uploading compiled model" in out and "another job's line" not in out
    assert all(line.startswith("job ") for line in out.splitlines())  # the one stream, labelled "job"
