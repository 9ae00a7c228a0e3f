"""The default scenario's notebook instances: alice's in service with a lifecycle configuration, bob's GPU
one stopped, and one that failed because its lifecycle script ran past SageMaker's five minutes; their logs
in ``/aws/sagemaker/NotebookInstances`` as the developer guide names them (``[name]/jupyter.log``,
``[name]/LifecycleConfigOnCreate``, ``[name]/LifecycleConfigOnStart``)."""

from __future__ import annotations

import base64
import datetime as dt

from smtui.sandbox.account import ACCOUNT_ID
from smtui.sandbox.scenario.names import ROLE_ARN
from smtui.sandbox.scenario.seeder import Seeder

NOTEBOOK_GROUP = "/aws/sagemaker/NotebookInstances"
NOTEBOOK = "alice-exploration"  # InService, ml.t3.medium, lifecycle config install-extensions
STOPPED_NOTEBOOK = "bob-gpu-sandbox"  # Stopped, ml.g4dn.xlarge
FAILED_NOTEBOOK = "feature-eng-nb"  # Failed: its OnStart script ran longer than 5 minutes
NOTEBOOKS = (NOTEBOOK, STOPPED_NOTEBOOK, FAILED_NOTEBOOK)
LIFECYCLE_CONFIG = "install-extensions"
SLOW_LIFECYCLE_CONFIG = "conda-env-setup"


def failure_reason(region: str) -> str:
    """SageMaker's words for a lifecycle script that ran past five minutes."""
    arn = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}"
    return (
        f"Notebook Instance Lifecycle Config '{arn}:notebook-instance-lifecycle-config/{SLOW_LIFECYCLE_CONFIG}' "
        f"for Notebook Instance '{arn}:notebook-instance/{FAILED_NOTEBOOK}' took longer than 5 minutes. "
        "Please check your CloudWatch logs for more details if your Notebook Instance has Internet access."
    )


def _script(text: str) -> list[dict[str, str]]:
    return [{"Content": base64.b64encode(text.encode()).decode()}]


def _jupyter(t: dt.datetime, user: str) -> list[tuple[dt.datetime, str]]:
    """A classic notebook server starting, then a kernel's life (jupyter.log's own format)."""

    def at(seconds: float, level: str, msg: str) -> tuple[dt.datetime, str]:
        when = t + dt.timedelta(seconds=seconds)
        return when, f"[{level} {when:%Y-%m-%d %H:%M:%S}.{when.microsecond // 1000:03d} ServerApp] {msg}"

    return [
        at(0, "I", "jupyter_lsp | extension was successfully linked."),
        at(0.2, "I", "jupyter_server_terminals | extension was successfully linked."),
        at(0.4, "I", "jupyterlab | extension was successfully linked."),
        at(1.1, "I", "Serving notebooks from local directory: /home/ec2-user/SageMaker"),
        at(1.1, "I", "Jupyter Server 2.14.2 is running at:"),
        at(1.1, "I", "http://localhost:8443/lab"),
        at(
            1.2,
            "I",
            "Use Control-C to stop this server and shut down all kernels (twice to skip confirmation).",
        ),
        at(95, "I", f"Kernel started: 7f3e2b4a-91c0-4d55-9a8e-{user[:4].ljust(4, '0')}5e1c0d2f"),
        at(96, "I", "Connecting to kernel 7f3e2b4a-91c0-4d55-9a8e-5e1c0d2f."),
        at(1800, "I", "Saving file at /churn/explore-features.ipynb"),
        at(2410, "W", "404 GET /api/contents/churn/.ipynb_checkpoints?content=0 (127.0.0.1) 2.31ms"),
        at(3600, "I", "Saving file at /churn/explore-features.ipynb"),
    ]


def seed(s: Seeder) -> None:
    sm = s.sm("admin")
    now, region = s.now, s.sb.region
    with s.at(now - dt.timedelta(days=21)):
        sm.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=LIFECYCLE_CONFIG,
            OnStart=_script("#!/bin/bash\nset -e\nsudo -u ec2-user -i pip install jupyterlab-git\n"),
        )
        sm.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=SLOW_LIFECYCLE_CONFIG,
            OnStart=_script("#!/bin/bash\nset -e\nconda env create -f /home/ec2-user/SageMaker/env.yml\n"),
        )

    def create(name: str, who: str, created: dt.datetime, instance: str, config: str | None) -> None:
        extra = {"LifecycleConfigName": config} if config else {}
        with s.at(created):
            s.sm(who).create_notebook_instance(
                NotebookInstanceName=name,
                InstanceType=instance,
                RoleArn=ROLE_ARN,
                VolumeSizeInGB=50,
                DirectInternetAccess="Enabled",
                PlatformIdentifier="notebook-al2-v2",
                Tags=[{"Key": "owner", "Value": who}],
                **extra,
            )

    # alice's: in service since it was last started, this morning
    created = now - dt.timedelta(days=20)
    create(NOTEBOOK, "alice", created, "ml.t3.medium", LIFECYCLE_CONFIG)
    started = now - dt.timedelta(hours=3)
    s.set_status("notebook", NOTEBOOK, "InService", CreationTime=created, LastModifiedTime=started)
    boot = started - dt.timedelta(minutes=4)
    s.stream(
        NOTEBOOK_GROUP,
        f"{NOTEBOOK}/LifecycleConfigOnStart",
        [
            (boot, "Collecting jupyterlab-git"),
            (boot + dt.timedelta(seconds=3), "  Downloading jupyterlab_git-0.50.1-py3-none-any.whl (1.2 MB)"),
            (boot + dt.timedelta(seconds=9), "Successfully installed jupyterlab-git-0.50.1 nbdime-4.0.1"),
        ],
    )
    s.stream(NOTEBOOK_GROUP, f"{NOTEBOOK}/jupyter.log", _jupyter(started, "alice"))

    # bob's GPU instance: stopped after a day's work
    created = now - dt.timedelta(days=12)
    create(STOPPED_NOTEBOOK, "bob", created, "ml.g4dn.xlarge", None)
    stopped = created + dt.timedelta(hours=9)
    s.set_status("notebook", STOPPED_NOTEBOOK, "Stopped", CreationTime=created, LastModifiedTime=stopped)
    s.stream(
        NOTEBOOK_GROUP, f"{STOPPED_NOTEBOOK}/jupyter.log", _jupyter(created + dt.timedelta(minutes=6), "bob")
    )

    # the failed one: its OnStart script was still building a conda environment after five minutes
    created = now - dt.timedelta(days=1, hours=2)
    create(FAILED_NOTEBOOK, "alice", created, "ml.m5.xlarge", SLOW_LIFECYCLE_CONFIG)
    failed = created + dt.timedelta(minutes=9)
    s.set_status(
        "notebook",
        FAILED_NOTEBOOK,
        "Failed",
        CreationTime=created,
        LastModifiedTime=failed,
        FailureReason=failure_reason(region),
    )
    t = created + dt.timedelta(minutes=3, seconds=40)
    s.stream(
        NOTEBOOK_GROUP,
        f"{FAILED_NOTEBOOK}/LifecycleConfigOnStart",
        [
            (t, "Collecting package metadata (repodata.json): ...working... done"),
            (t + dt.timedelta(seconds=41), "Solving environment: ...working... done"),
            (t + dt.timedelta(seconds=42), "Downloading and Extracting Packages: ...working..."),
            (t + dt.timedelta(minutes=5), "pytorch-2.3.0        | 1.43 GB   | ########4  |  84%"),
        ],
    )
    s.state.streams[("notebook", NOTEBOOK)] = [
        f"{NOTEBOOK}/LifecycleConfigOnStart",
        f"{NOTEBOOK}/jupyter.log",
    ]
    s.state.streams[("notebook", STOPPED_NOTEBOOK)] = [f"{STOPPED_NOTEBOOK}/jupyter.log"]
    s.state.streams[("notebook", FAILED_NOTEBOOK)] = [f"{FAILED_NOTEBOOK}/LifecycleConfigOnStart"]
