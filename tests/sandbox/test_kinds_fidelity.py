"""Notebook instances, Studio apps and HyperPod clusters as AWS answers for them, where moto 5.2.5 alone does
not (each gap is shown in ``_moto_alone``): over HTTP through aiobotocore, in AWS's output shapes."""

from __future__ import annotations

import datetime as dt

import pytest
from support import uid

from smtui.aws.errors import AwsError
from smtui.aws.resources import BY_KEY
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.scenario.names import ROLE_ARN

from ._moto_alone import moto_alone
from ._shapes import output_shape, problems

UTC = dt.UTC


def assert_shape(operation: str, answer: dict) -> None:
    """The parsed answer has every required member of the operation's output shape, in its types."""
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    assert problems(output_shape("sagemaker", operation), answer, raw=False) == []


async def test_notebook_instances_fail_with_a_reason_filter_by_time_and_take_current_types(sandbox, aws):
    alone = moto_alone()
    assert alone["notebook_created_after_tomorrow"] == 1  # moto ignores CreationTimeAfter
    assert alone["notebook_g5"] == "ValidationException"  # and refuses instance types AWS has
    name = uid("nb")
    await aws.call(
        "sagemaker",
        "create_notebook_instance",
        NotebookInstanceName=name,
        InstanceType="ml.g5.xlarge",
        RoleArn=ROLE_ARN,
    )
    fsm.set_status("notebook", name, "Failed", FailureReason="Lifecycle script took longer than 5 minutes.")
    desc = await aws.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=name)
    assert (desc["NotebookInstanceStatus"], desc["FailureReason"]) == (
        "Failed",
        "Lifecycle script took longer than 5 minutes.",
    )
    assert_shape("DescribeNotebookInstance", desc)
    kind = BY_KEY["notebook"]
    listed = await aws.call("sagemaker", "list_notebook_instances", NameContains=name, **kind.list_params())
    (summary,) = listed["NotebookInstances"]
    assert summary["NotebookInstanceStatus"] == "Failed" and "RoleArn" not in summary  # the summary's members
    assert_shape("ListNotebookInstances", listed)
    tomorrow = dt.datetime.now(UTC) + dt.timedelta(days=1)
    later = await aws.call(
        "sagemaker", "list_notebook_instances", NameContains=name, CreationTimeAfter=tomorrow
    )
    assert later["NotebookInstances"] == []
    with pytest.raises(AwsError) as missing:
        await aws.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=uid("missing"))
    assert (
        missing.value.code == "ValidationException" and missing.value.is_not_found
    )  # RecordNotFound, as AWS


def _groups(n: int = 2) -> list[dict]:
    return [
        {
            "InstanceGroupName": "workers",
            "InstanceType": "ml.c5.xlarge",
            "InstanceCount": n,
            "ExecutionRole": ROLE_ARN,
            "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-x/lc/", "OnCreate": "on_create.sh"},
            "ThreadsPerCore": 1,
        }
    ]


async def test_hyperpod_clusters_have_aws_ids_instance_ids_and_sort_as_asked(sandbox, aws):
    alone = moto_alone()
    assert alone["cluster_arn"].endswith(":cluster/hp-a")  # moto: the name, not an id
    assert alone["cluster_nodes"] == ["workers-0", "workers-1"]  # moto: not instance ids
    assert alone["cluster_node_message"] == "message"
    assert alone["clusters_by_name"] == ["hp-b", "hp-a"]  # SortBy=NAME ignored
    base = uid("hp")
    for suffix in ("b", "a"):
        await aws.call(
            "sagemaker", "create_cluster", ClusterName=f"{base}-{suffix}", InstanceGroups=_groups()
        )
    name = f"{base}-a"
    desc = await aws.call("sagemaker", "describe_cluster", ClusterName=name)
    assert_shape("DescribeCluster", desc)
    cid = desc["ClusterArn"].rsplit("/", 1)[-1]
    assert len(cid) == 12 and cid.isalnum() and cid.islower() and cid != name
    assert "FailureMessage" not in desc  # not failed: AWS sends none
    by_arn = await aws.call("sagemaker", "describe_cluster", ClusterName=desc["ClusterArn"])
    assert by_arn["ClusterName"] == name
    nodes = (await aws.call("sagemaker", "list_cluster_nodes", ClusterName=name))["ClusterNodeSummaries"]
    assert len(nodes) == 2 and all(
        n["InstanceId"].startswith("i-0") and len(n["InstanceId"]) == 19 for n in nodes
    )
    assert all("Message" not in n["InstanceStatus"] for n in nodes)
    listed = await aws.call(
        "sagemaker", "list_clusters", NameContains=base, SortBy="NAME", SortOrder="Ascending"
    )
    assert [c["ClusterName"] for c in listed["ClusterSummaries"]] == [f"{base}-a", f"{base}-b"]
    newest = await aws.call(
        "sagemaker", "list_clusters", NameContains=base, **BY_KEY["cluster"].list_params()
    )
    assert [c["ClusterName"] for c in newest["ClusterSummaries"]] == [
        f"{base}-a",
        f"{base}-b",
    ]  # newest first
    fsm.set_status("cluster", name, "Failed", FailureMessage="InstanceGroup workers has failed.")
    failed = await aws.call("sagemaker", "describe_cluster", ClusterName=name)
    assert (failed["ClusterStatus"], failed["FailureMessage"]) == (
        "Failed",
        "InstanceGroup workers has failed.",
    )
    with pytest.raises(AwsError) as missing:
        await aws.call("sagemaker", "describe_cluster", ClusterName=uid("nope"))
    assert missing.value.code == "ValidationException" and missing.value.is_not_found


async def test_studio_apps_are_created_listed_across_domains_and_described(sandbox, aws):
    alone = moto_alone()
    assert alone["list_apps"]["status"] == 500 and alone["describe_app"]["status"] == 500  # not implemented
    from smtui.sandbox.scenario.names import DOMAIN_ID, LEGACY_DOMAIN_ID

    kind = BY_KEY["app"]
    name = uid("app")
    await aws.call(
        "sagemaker",
        "create_app",
        DomainId=LEGACY_DOMAIN_ID,
        UserProfileName="analyst",
        AppType="KernelGateway",
        AppName=name,
        ResourceSpec={"InstanceType": "ml.m5.large"},
    )
    key = f"{LEGACY_DOMAIN_ID}/analyst/KernelGateway/{name}"
    desc = await aws.call("sagemaker", "describe_app", **kind.describe_params(key))
    assert_shape("DescribeApp", desc)
    assert desc["AppArn"].endswith(f":app/{LEGACY_DOMAIN_ID}/analyst/kernelgateway/{name}")
    assert (desc["Status"], desc["ResourceSpec"]["InstanceType"]) == ("InService", "ml.m5.large")
    listed = await aws.call("sagemaker", "list_apps", **kind.list_params())  # every domain, every profile
    assert_shape("ListApps", listed)
    names = [kind.name_of(a) for a in listed["Apps"]]
    assert key in names and any(n.startswith(DOMAIN_ID + "/") for n in names)
    times = [a["CreationTime"] for a in listed["Apps"]]
    assert times == sorted(times, reverse=True)
    one = await aws.call(
        "sagemaker", "list_apps", DomainIdEquals=LEGACY_DOMAIN_ID, UserProfileNameEquals="analyst"
    )
    assert [kind.name_of(a) for a in one["Apps"]] == [key]
    with pytest.raises(AwsError) as taken:
        await aws.call(
            "sagemaker", "create_app", DomainId=LEGACY_DOMAIN_ID, UserProfileName="analyst",
            AppType="KernelGateway", AppName=name,
        )  # fmt: skip
    assert taken.value.code == "ResourceInUse"
    with pytest.raises(AwsError) as nobody:
        await aws.call(
            "sagemaker", "create_app", DomainId=LEGACY_DOMAIN_ID, UserProfileName="nobody",
            AppType="JupyterServer", AppName="default",
        )  # fmt: skip
    assert nobody.value.code == "ValidationException"
    await aws.call("sagemaker", "delete_app", **kind.describe_params(key))
    gone = await aws.call("sagemaker", "describe_app", **kind.describe_params(key))
    assert gone["Status"] == "Deleted"  # AWS lists and describes deleted apps for a while
    with pytest.raises(AwsError) as missing:
        await aws.call(
            "sagemaker", "describe_app", **kind.describe_params(f"{DOMAIN_ID}/alice/JupyterLab/none")
        )
    assert missing.value.code == "ResourceNotFound"
