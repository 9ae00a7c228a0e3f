"""SVG snapshots of the main screen and a detail screen.

Deterministic: fixed terminal size, resources created here with fixed times, metrics at fixed
timestamps, "now" frozen (``smtui.aws.listing.utcnow``), and the sub-title (which holds the sandbox's
random port) fixed. Update with ``pytest tests/app/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import create_training_job, until

from smtui.app import SmtuiApp
from smtui.aws import listing
from smtui.aws.listing import ServerFilter
from smtui.sandbox import fidelity_sagemaker as fsm

UTC = dt.UTC
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
T0 = dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
PREFIX = "snapjob"


def _seed(sandbox) -> None:
    if f"{PREFIX}-llm-finetune" in fsm.backend().training_jobs:
        return
    jobs = [
        ("llm-finetune", "ml.p4d.24xlarge", 2, "InProgress", "Training", 0, None, None),
        ("churn-xgb", "ml.m5.xlarge", 1, "Completed", "Completed", 30, 47, None),
        (
            "resnet-oom",
            "ml.p3.2xlarge",
            1,
            "Failed",
            "Failed",
            60,
            95,
            "AlgorithmError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity)",
        ),
        ("spot-retry", "ml.g5.2xlarge", 1, "Stopped", "Stopped", 90, 120, None),
    ]
    for suffix, itype, count, status, secondary, start_min, end_min, reason in jobs:
        name = f"{PREFIX}-{suffix}"
        create_training_job(sandbox, name, itype, count)
        created = T0 + dt.timedelta(minutes=start_min)
        fields = {
            "CreationTime": created,
            "TrainingStartTime": created + dt.timedelta(minutes=2),
            "LastModifiedTime": created + dt.timedelta(minutes=(end_min or start_min) - start_min + 2),
            "SecondaryStatus": secondary,
        }
        if end_min is not None:
            fields["TrainingEndTime"] = T0 + dt.timedelta(minutes=end_min)
        if reason:
            fields["FailureReason"] = reason
        transitions = [
            {
                "Status": "Starting",
                "StartTime": created,
                "EndTime": created + dt.timedelta(minutes=2),
                "StatusMessage": "Preparing the instances for training",
            },
            {
                "Status": "Downloading",
                "StartTime": created + dt.timedelta(minutes=2),
                "EndTime": created + dt.timedelta(minutes=5),
                "StatusMessage": "Downloading input data",
            },
            {
                "Status": "Training",
                "StartTime": created + dt.timedelta(minutes=5),
                **({"EndTime": fields["TrainingEndTime"]} if end_min is not None else {}),
                "StatusMessage": "Training image download completed. Training in progress.",
            },
        ]
        if status == "Failed":
            transitions.append(
                {
                    "Status": "Failed",
                    "StartTime": fields["TrainingEndTime"],
                    "EndTime": fields["TrainingEndTime"],
                    "StatusMessage": reason,
                }
            )
        fields["SecondaryStatusTransitions"] = transitions
        fields["FinalMetricDataList"] = (
            []
            if end_min is None
            else [{"MetricName": "validation:auc", "Value": 0.8125, "Timestamp": fields["TrainingEndTime"]}]
        )
        fsm.set_status("training", name, status, **fields)
    # one hour of metrics for the failed job, at fixed timestamps
    cw = sandbox.boto3_client("cloudwatch")
    data = []
    for minute in range(62, 95):
        t = T0 + dt.timedelta(minutes=minute)
        for metric, value in (
            ("CPUUtilization", 150 + (minute * 37) % 90),
            ("MemoryUtilization", 40 + minute % 20),
            ("GPUUtilization", 60 + (minute * 13) % 40),
            ("GPUMemoryUtilization", 70 + minute % 30),
            ("DiskUtilization", 21.0),
        ):
            data.append(
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": "Host", "Value": f"{PREFIX}-resnet-oom/algo-1"}],
                    "Timestamp": t,
                    "Value": float(value),
                    "Unit": "Percent",
                }
            )
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace="/aws/sagemaker/TrainingJobs", MetricData=data[i : i + 500])


@pytest.fixture
def frozen(sandbox, monkeypatch):
    _seed(sandbox)
    monkeypatch.setattr(listing, "utcnow", lambda: NOW)


async def _training_pane(app: SmtuiApp, pilot) -> None:
    await app.get_aws()
    app.sub_title = "us-east-1"
    main = app.screen
    pane = main.pane("training")
    pane.server_filter = ServerFilter(name_contains=PREFIX)
    main.action_show_pane("training")
    pane.reload()
    await until(pilot, lambda: len(pane.table) == 4 and not pane.busy, what="snapshot rows")
    await until(
        pilot,
        lambda: all(pane.table.get_raw(k)["instances"] for k in pane.table.keys()),
        what="instances described",
    )
    await pilot.pause()


def test_main_screen_snapshot(sandbox, frozen, snap_compare):
    app = SmtuiApp(target=sandbox.target())
    assert snap_compare(app, terminal_size=(130, 20), run_before=lambda pilot: _training_pane(app, pilot))


def test_detail_screen_snapshot(sandbox, frozen, snap_compare):
    app = SmtuiApp(target=sandbox.target())

    async def run_before(pilot) -> None:
        await _training_pane(app, pilot)
        pane = app.screen.pane("training")
        pane.table.move_to(f"{PREFIX}-resnet-oom")
        await pilot.press("enter")
        detail = app.screen
        await until(
            pilot, lambda: getattr(detail, "last_refreshed", None) is not None and not detail.refreshing
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=(130, 48), run_before=run_before)
