"""SVG snapshots of the log view: a laptop SSH window (80x24: short times and labels, wrapped) and a wide
terminal (160x45: full timestamps, one line a row).

Deterministic: a finished 4-instance job (three have logged) with lines at fixed times in 2026, a coloured
line, a multi-line traceback and a line longer than the screen; the sub-title (the sandbox's port) fixed.
Update with ``pytest tests/app/test_snapshots_logs.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import TRAINING_GROUP, create_training_job, put_lines, until

from smtui.app import SmtuiApp
from smtui.aws.resources import TRAINING
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.server import ACCOUNT_ID
from smtui.screens.logs import LogScreen

JOB = "snaplogs-llama-4x"
T0 = int(dt.datetime(2026, 1, 10, 8, 0, tzinfo=dt.UTC).timestamp() * 1000)


def _lines(host: int) -> list[tuple[int, str]]:
    out = [(T0 + host, f"[algo-{host}] Initializing process group: rank {host - 1} of 4, backend nccl")]
    for step in range(0, 120, 10):
        t = T0 + 60_000 + step * 1000 + host
        loss = 2.5 - step / 100 + host / 100
        out.append(
            (t, f"[algo-{host}] step {step:4d} loss={loss:.4f} lr=2.0e-05 tokens/s={18000 + 37 * host}")
        )
    if host == 1:
        out.append(
            (T0 + 200_000, "\x1b[32mINFO\x1b[0m checkpoint saved to s3://ml-team-artifacts/llama/ckpt-120/")
        )
        out.append((T0 + 201_000, "WARNING " + "gradient overflow, skipping step; loss scale reduced " * 3))
    if host == 2:
        out.append(
            (
                T0 + 202_000,
                'Traceback (most recent call last):\n  File "train.py", line 88, in <module>\n'
                "RuntimeError: NCCL watchdog timeout on rank 1",
            )
        )
    return out


def _put_old(sandbox, stream: str, events: list[tuple[int, str]]) -> None:
    """Lines at fixed times in January 2026: PutLogEvents (and moto's backend) refuse events older than 14
    days, so they go into the stream moto keeps, as if logged then."""
    from moto.logs.models import logs_backends

    put_lines(sandbox, TRAINING_GROUP, stream, [])  # the group and the stream, over HTTP
    backend = logs_backends[ACCOUNT_ID][sandbox.region]
    backend.groups[TRAINING_GROUP].streams[stream].put_log_events(
        [{"timestamp": t, "message": m} for t, m in sorted(events)]
    )


@pytest.fixture
def seeded(sandbox):
    if JOB not in fsm.backend().training_jobs:
        create_training_job(sandbox, JOB, "ml.p4d.24xlarge", instances=4)
        start = dt.datetime(2026, 1, 10, 7, 58, tzinfo=dt.UTC)
        fsm.set_status(
            "training",
            JOB,
            "Failed",
            CreationTime=start,
            TrainingStartTime=start,
            TrainingEndTime=start + dt.timedelta(minutes=6),
            FailureReason="AlgorithmError: NCCL watchdog timeout",
        )
        for host in (1, 2, 3):
            _put_old(sandbox, f"{JOB}/algo-{host}-1768032000", _lines(host))


def _run_before(app: SmtuiApp):
    async def run_before(pilot) -> None:
        await app.get_aws()
        app.sub_title = "us-east-1"
        screen = LogScreen(TRAINING, JOB)
        await app.push_screen(screen)
        await until(pilot, lambda: len(screen.view.lines) == 44 and not screen.busy, what="the job's lines")
        await pilot.pause()

    return run_before


def test_log_view_snapshot_80x24(sandbox, seeded, snap_compare):
    app = SmtuiApp(target=sandbox.target())
    assert snap_compare(app, terminal_size=(80, 24), run_before=_run_before(app))


def test_log_view_snapshot_160x45(sandbox, seeded, snap_compare):
    app = SmtuiApp(target=sandbox.target())
    assert snap_compare(app, terminal_size=(160, 45), run_before=_run_before(app))
