"""SVG snapshots of the resource panes, detail screens, an empty pane and help, at 80x24 (a laptop's SSH
window) and 160x45. (The log view's and the audit pane's are in test_snapshots_logs.py and
test_snapshots_audit.py; the AccessDenied pane's in test_snapshots_denied.py.)

Deterministic: fixed terminal size, resources created here with fixed times, metrics at fixed
timestamps, "now" frozen (``smtui.aws.listing.utcnow``), and the sub-title (which holds the sandbox's
random port) fixed. Update with ``pytest tests/app/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support import IMAGE, ROLE, create_training_job, until

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


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_training_pane_snapshot(sandbox, frozen, snap_compare, size):
    """At 80 columns the name is whole, the status compact, instances short (p4d.24xl x2), reason dropped."""
    app = SmtuiApp(target=sandbox.target())
    assert snap_compare(app, terminal_size=size, run_before=lambda pilot: _training_pane(app, pilot))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_empty_pane_snapshot(sandbox, frozen, snap_compare, size):
    app = SmtuiApp(target=sandbox.target())

    async def run_before(pilot) -> None:
        await app.get_aws()
        app.sub_title = "us-east-1"
        main = app.screen
        pane = main.pane("processing")
        pane.server_filter = ServerFilter(name_contains="no-such-job")
        main.action_show_pane("processing")
        pane.reload()
        await until(pilot, lambda: pane.loaded and not pane.busy, what="the empty listing")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_help_snapshot(sandbox, frozen, snap_compare, size):
    app = SmtuiApp(target=sandbox.target())

    async def run_before(pilot) -> None:
        await _training_pane(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def _seed_endpoint(sandbox) -> str:
    name = f"{PREFIX}-churn-ep"
    if name in fsm.backend().endpoints:
        return name
    sm = sandbox.boto3_client("sagemaker")
    for variant in ("variant-a", "variant-b"):
        sm.create_model(
            ModelName=f"{name}-{variant}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE}
        )
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": variant,
                "ModelName": f"{name}-{variant}",
                "InstanceType": "ml.c5.xlarge",
                "InitialInstanceCount": count,
                "InitialVariantWeight": weight,
            }
            for variant, count, weight in (("variant-a", 2, 0.9), ("variant-b", 1, 0.1))
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")
    fsm.set_status(
        "endpoint",
        name,
        "InService",
        CreationTime=T0 - dt.timedelta(days=3),
        LastModifiedTime=T0 - dt.timedelta(days=1),
    )
    cw = sandbox.boto3_client("cloudwatch")
    data = []
    for minute in range(0, 180, 5):
        t = NOW - dt.timedelta(minutes=180 - minute)
        for variant, share in (("variant-a", 9), ("variant-b", 1)):
            dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": variant}]
            data.append({"MetricName": "Invocations", "Dimensions": dims, "Timestamp": t,
                         "Value": float(share * (40 + minute % 17)), "Unit": "None"})  # fmt: skip
            data.append({"MetricName": "ModelLatency", "Dimensions": dims, "Timestamp": t,
                         "Value": float(18_000 + (minute * 97) % 9_000), "Unit": "Microseconds"})  # fmt: skip
    for i in range(0, len(data), 500):
        cw.put_metric_data(Namespace="AWS/SageMaker", MetricData=data[i : i + 500])
    return name


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_endpoint_detail_snapshot(sandbox, frozen, snap_compare, size):
    name = _seed_endpoint(sandbox)
    app = SmtuiApp(target=sandbox.target())

    async def run_before(pilot) -> None:
        await app.get_aws()
        app.sub_title = "us-east-1"
        main = app.screen
        pane = main.pane("endpoint")
        await until(pilot, lambda: name in pane.table, what="the endpoint listed")
        pane.open_detail(name)
        detail = app.screen
        await until(
            pilot, lambda: getattr(detail, "last_refreshed", None) is not None and not detail.refreshing
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


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


def test_endpoint_pane_snapshot_80x24(sandbox, frozen, snap_compare):
    name = _seed_endpoint(sandbox)
    app = SmtuiApp(target=sandbox.target())

    async def run_before(pilot) -> None:
        await app.get_aws()
        app.sub_title = "us-east-1"
        pane = app.screen.pane("endpoint")
        pane.server_filter = ServerFilter(name_contains=PREFIX)
        pane.reload()
        await until(pilot, lambda: name in pane.table and not pane.busy, what="the endpoint listed")
        await until(pilot, lambda: pane.table.get_raw(name)["variants"], what="variants described")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
