"""The default scenario's Studio apps in the ml-team domain: alice's JupyterServer and a kernel gateway,
bob's JupyterLab on a GPU (what an admin looks for when costs rise), bob's kernel gateway that failed for
want of capacity, a deleted code editor, and the domain-shared RStudioServerPro app; their logs in
``/aws/sagemaker/studio`` under ``[domain-id]/[user-profile-name]/[app-type]/[app-name]`` and
``[domain-id]/domain-shared/rstudioserverpro/default``."""

from __future__ import annotations

import datetime as dt

from smtui.sandbox import fidelity_apps
from smtui.sandbox.account import ACCOUNT_ID
from smtui.sandbox.scenario.names import DOMAIN_ID
from smtui.sandbox.scenario.seeder import Seeder

STUDIO_GROUP = "/aws/sagemaker/studio"
KG_NAME = "datascience-1-0-ml-t3-medium-1abf3407f667f989be9d86559395"
GPU_KG_NAME = "pytorch-2-1-gpu-py310-ml-p3-2xlarge-5c8e02fb1e3a7d9f0c41"
IMAGE = "arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-gpu"
#: (user profile, app type, app name, instance type, status)
APPS = (
    ("alice", "JupyterServer", "default", "system", "InService"),
    ("alice", "KernelGateway", KG_NAME, "ml.t3.medium", "InService"),
    ("bob", "JupyterLab", "default", "ml.g5.2xlarge", "InService"),
    ("bob", "KernelGateway", GPU_KG_NAME, "ml.p3.2xlarge", "Failed"),
    ("alice", "CodeEditor", "default", "ml.t3.medium", "Deleted"),
    ("domain-shared", "RStudioServerPro", "default", "system", "InService"),
)
APP = f"{DOMAIN_ID}/bob/JupyterLab/default"  # InService on a GPU
FAILED_APP = f"{DOMAIN_ID}/bob/KernelGateway/{GPU_KG_NAME}"
RSTUDIO_APP = f"{DOMAIN_ID}/domain-shared/RStudioServerPro/default"
RSTUDIO_STREAM = f"{DOMAIN_ID}/domain-shared/rstudioserverpro/default"
FAILURE_REASON_APP = (
    "Unable to provision requested ML compute capacity. Please retry using a different ML instance type."
)


def stream_of(owner: str, app_type: str, name: str) -> str:
    if owner == "domain-shared" and app_type == "RStudioServerPro":
        return f"{DOMAIN_ID}/domain-shared/rstudioserverpro/{name}"
    return f"{DOMAIN_ID}/{owner}/{app_type}/{name}"


def _lines(app_type: str, t: dt.datetime, failed: bool) -> list[tuple[dt.datetime, str]]:
    def at(seconds: float, msg: str) -> tuple[dt.datetime, str]:
        return t + dt.timedelta(seconds=seconds), msg

    def server(seconds: float, level: str, app: str, msg: str) -> tuple[dt.datetime, str]:
        when = t + dt.timedelta(seconds=seconds)
        return when, f"[{level} {when:%Y-%m-%d %H:%M:%S}.{when.microsecond // 1000:03d} {app}] {msg}"

    if failed:
        return [at(0, "Provisioning an ml.p3.2xlarge instance for the kernel gateway"),
                at(212, "InsufficientInstanceCapacity: we currently do not have sufficient ml.p3.2xlarge capacity")]  # fmt: skip
    if app_type == "KernelGateway":
        return [server(0, "I", "KernelGatewayApp", "Jupyter Kernel Gateway 2.5.2 is available at http://0.0.0.0:8888"),
                server(40, "I", "KernelGatewayApp", "Kernel started: 0d6c9b4e-3f7a-4b1e-8c2d-9e0f1a2b3c4d, name: python3"),
                server(900, "I", "KernelGatewayApp", "Culling kernel 0d6c9b4e-3f7a-4b1e-8c2d-9e0f1a2b3c4d (idle 900s)")]  # fmt: skip
    if app_type == "RStudioServerPro":
        return [at(0, "rserver: RStudio Workbench 2023.12.1 starting"),
                at(2, "rserver: Running as server user 'rstudio-server'"),
                at(3, "rserver: Launcher: Kubernetes plugin not configured; using local launcher")]  # fmt: skip
    return [
        server(0, "I", "ServerApp", "jupyterlab | extension was successfully loaded."),
        server(0.4, "I", "ServerApp", "sagemaker_jupyterlab_extension | extension was successfully loaded."),
        server(1, "I", "ServerApp", "Jupyter Server 2.14.2 is running at:"),
        server(1, "I", "ServerApp", "http://default:8888/jupyterlab/default/lab"),
        server(75, "I", "ServerApp", "Kernel started: 6a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"),
        server(3600, "W", "ServerApp", "WebSocket ping timeout after 90011 ms."),
    ]


def seed(s: Seeder) -> None:
    now, region = s.now, s.sb.region
    for i, (owner, app_type, name, instance, status) in enumerate(APPS):
        who = "admin" if owner == "domain-shared" else owner
        created = now - dt.timedelta(days=8 - i, hours=2 * i)
        spec = {"InstanceType": instance}
        if instance != "system":
            spec["SageMakerImageArn"] = IMAGE
        with s.at(created):
            s.sm(who).create_app(
                DomainId=DOMAIN_ID, UserProfileName=owner, AppType=app_type, AppName=name, ResourceSpec=spec
            )
        fields: dict[str, object] = {
            "Status": status,
            "CreationTime": created,
            "LastHealthCheckTimestamp": now,
        }
        if status == "Failed":
            fields["FailureReason"] = FAILURE_REASON_APP
            fields["LastUserActivityTimestamp"] = created
        else:
            fields["LastUserActivityTimestamp"] = now - dt.timedelta(minutes=20 + 7 * i)
        fidelity_apps.set_app(DOMAIN_ID, owner, app_type, name, account=ACCOUNT_ID, region=region, **fields)
        stream = stream_of(owner, app_type, name)
        s.stream(
            STUDIO_GROUP, stream, _lines(app_type, created + dt.timedelta(minutes=3), status == "Failed")
        )
        s.state.streams[("app", f"{DOMAIN_ID}/{owner}/{app_type}/{name}")] = [stream]
