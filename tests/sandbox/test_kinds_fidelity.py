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
    with pytest.raises(AwsError):
        await aws.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=uid("missing"))

