"""The default scenario's HyperPod clusters: a Slurm cluster for LLM pretraining in service (a controller, a
login node and four p5 workers), and one whose creation failed because its workers' lifecycle script could
not reach S3; their nodes' lifecycle-script logs in ``/aws/sagemaker/Clusters/<name>/<id>``, one stream
``LifecycleConfig/<instance-group>/<instance-id>`` per node."""

from __future__ import annotations

import datetime as dt

from smtui.sandbox import fidelity_hyperpod as hp
from smtui.sandbox import sagemaker_state
from smtui.sandbox.account import ACCOUNT_ID
from smtui.sandbox.scenario.names import ROLE_ARN
from smtui.sandbox.scenario.seeder import Seeder

CLUSTER = (
    "llm-pretrain-hp"  # InService: controller-machine 1, login-group 1, worker-group-1 4 x ml.p5.48xlarge
)
FAILED_CLUSTER = "cv-research-hp"  # Failed: worker-group's lifecycle script timed out reaching S3
CLUSTERS = (CLUSTER, FAILED_CLUSTER)
LIFECYCLE_S3 = "s3://sagemaker-ml-team-lifecycle/hyperpod/base-config/"
CLUSTER_GROUPS = {
    CLUSTER: (("controller-machine", "ml.m5.12xlarge", 1), ("login-group", "ml.m5.4xlarge", 1),
              ("worker-group-1", "ml.p5.48xlarge", 4)),
    FAILED_CLUSTER: (("controller-machine", "ml.m5.xlarge", 1), ("worker-group", "ml.g5.48xlarge", 2)),
}  # fmt: skip


def log_group(s: Seeder, name: str) -> str:
    return f"/aws/sagemaker/Clusters/{name}/{hp.cluster_id(name, ACCOUNT_ID, s.sb.region)}"


def failure_message(s: Seeder) -> str:
    return (
        "InstanceGroup worker-group has failed. Reason: Lifecycle scripts did not run successfully. To view "
        f"lifecycle script logs, visit log group '{log_group(s, FAILED_CLUSTER)}' under CloudWatch. Note that "
        "any nodes that failed to provision will be replaced."
    )


def _provisioning(t: dt.datetime, group: str, ok: bool) -> list[tuple[dt.datetime, str]]:
    """What on_create.sh (the HyperPod base-config lifecycle scripts) prints on a node."""

    def at(seconds: float, msg: str) -> tuple[dt.datetime, str]:
        return t + dt.timedelta(seconds=seconds), msg

    role = {"controller-machine": "controller", "login-group": "login"}.get(group, "compute")
    lines = [
        at(0, "[INFO] on_create.sh: START"),
        at(0.4, f"Downloading lifecycle scripts from {LIFECYCLE_S3}"),
    ]
    if not ok:
        return lines + [
            at(60.4, "Connect timeout on endpoint URL: "
                     "\"https://sagemaker-ml-team-lifecycle.s3.us-east-1.amazonaws.com/hyperpod/base-config/\""),
            at(60.5, "ERROR: could not download the lifecycle scripts (is there an S3 VPC endpoint in this VPC?)"),
            at(60.6, "[ERROR] on_create.sh: FAILED with exit code 1"),
        ]  # fmt: skip
    return lines + [
        at(2, f"python3 lifecycle_script.py -rn {role} -s /opt/ml/config/provisioning_parameters.json"),
        at(4, "Mounting FSx for Lustre fs-0a1b2c3d4e5f60789 at /fsx"),
        at(31, "mount.lustre: mounted fs-0a1b2c3d4e5f60789@tcp:/abcdefgh at /fsx"),
        at(33, f"Setting up Slurm ({role} node)"),
        at(
            58,
            {
                "compute": "slurmd: slurmd version 23.11.4 started",
                "controller": "slurmctld: slurmctld version 23.11.4 started",
            }.get(role, "Slurm login node configured: sinfo, squeue and srun reach the controller"),
        ),
        at(61, "[INFO] on_create.sh: DONE"),
    ]


def _cluster(s: Seeder, name: str, who: str, created: dt.datetime) -> None:
    groups = [
        {
            "InstanceGroupName": group,
            "InstanceType": instance,
            "InstanceCount": count,
            "LifeCycleConfig": {"SourceS3Uri": LIFECYCLE_S3, "OnCreate": "on_create.sh"},
            "ExecutionRole": ROLE_ARN,
            "ThreadsPerCore": 1 if instance.startswith("ml.p5") else 2,
        }
        for group, instance, count in CLUSTER_GROUPS[name]
    ]
    with s.at(created):
        s.sm(who).create_cluster(
            ClusterName=name,
            InstanceGroups=groups,
            VpcConfig={"SecurityGroupIds": ["sg-0c1d2e3f4a5b6c7d8"], "Subnets": ["subnet-0a1b2c3d"]},
            NodeRecovery="Automatic",
            Tags=[{"Key": "owner", "Value": who}],
        )


def seed(s: Seeder) -> None:
    now, region = s.now, s.sb.region
    # the pretraining cluster: up for a week
    created = now - dt.timedelta(days=7, hours=3)
    _cluster(s, CLUSTER, "bob", created)
    groups = sagemaker_state.get_fields("cluster", CLUSTER, region=region)["InstanceGroups"]
    s.set_status(
        "cluster",
        CLUSTER,
        "InService",
        CreationTime=created,
        InstanceGroups=[{**g, "Status": "InService"} for g in groups],
    )
    group, streams = log_group(s, CLUSTER), []
    for g, _, count in CLUSTER_GROUPS[CLUSTER]:
        for n in range(count):
            node = hp.instance_id(CLUSTER, g, n)
            launched = created + dt.timedelta(minutes=9, seconds=7 * n)
            hp.set_node(CLUSTER, node, account=ACCOUNT_ID, region=region, launch_time=launched,
                        hostname=f"ip-10-1-{n + 10}-{40 + n}.ec2.internal")  # fmt: skip
            stream = f"LifecycleConfig/{g}/{node}"
            s.stream(group, stream, _provisioning(launched + dt.timedelta(minutes=2), g, ok=True))
            streams.append(stream)
    s.state.streams[("cluster", CLUSTER)] = streams

    # the failed one: its workers could not fetch their lifecycle scripts (no S3 VPC endpoint)
    created = now - dt.timedelta(days=2, hours=5)
    _cluster(s, FAILED_CLUSTER, "alice", created)
    group, streams = log_group(s, FAILED_CLUSTER), []
    for g, _, count in CLUSTER_GROUPS[FAILED_CLUSTER]:
        for n in range(count):
            node = hp.instance_id(FAILED_CLUSTER, g, n)
            stream = f"LifecycleConfig/{g}/{node}"
            t = created + dt.timedelta(minutes=11, seconds=5 * n)
            s.stream(group, stream, _provisioning(t, g, ok=g != "worker-group"))
            streams.append(stream)
    hp.remove_nodes(FAILED_CLUSTER, account=ACCOUNT_ID, region=region)
    described = sagemaker_state.get_fields("cluster", FAILED_CLUSTER, region=region)
    groups = [
        {**g, "CurrentCount": 0, **({"Status": "Failed"} if g["InstanceGroupName"] == "worker-group" else {})}
        for g in described["InstanceGroups"]
    ]
    s.set_status(
        "cluster", FAILED_CLUSTER, "Failed", CreationTime=created, FailureMessage=failure_message(s),
        InstanceGroups=groups,
    )  # fmt: skip
    s.state.streams[("cluster", FAILED_CLUSTER)] = streams
