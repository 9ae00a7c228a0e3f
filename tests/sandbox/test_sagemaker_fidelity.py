"""The SageMaker fidelity patches: moto alone still gets each case wrong (shown on its own functions),
and the sandbox, over HTTP through aiobotocore, answers as AWS does. Every test makes its own resources
with unique names and removes them."""

from __future__ import annotations

import datetime as dt
import inspect
import time
import uuid

import pytest

from smtui.aws.errors import AwsError
from smtui.aws.resources import ENDPOINT, TRAINING
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.fidelity_sagemaker import ORIGINALS
from smtui.sandbox.scenario import IMAGES, ROLE_ARN

UTC = dt.UTC


def _uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _create_training(sandbox, name: str) -> None:
    sandbox.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE_ARN,
        AlgorithmSpecification={"TrainingImage": IMAGES["xgb"], "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


@pytest.fixture
def cleanup():
    made: list[tuple[str, str]] = []
    yield made
    for kind, name in made:
        fsm.delete(kind, name)


@pytest.fixture
def jobs(sandbox, cleanup):
    """Three training jobs sharing a unique prefix, created in the order b, c, a with times a < b < c."""
    prefix = _uid("fid")
    now = dt.datetime.now(UTC)
    times = {
        "b": now - dt.timedelta(hours=2),
        "c": now - dt.timedelta(hours=1),
        "a": now - dt.timedelta(hours=3),
    }
    statuses = {"a": "Completed", "b": "Failed", "c": "InProgress"}
    for key in ("b", "c", "a"):
        name = f"{prefix}-{key}"
        _create_training(sandbox, name)
        cleanup.append(("training", name))
        fsm.set_status("training", name, statuses[key], CreationTime=times[key])
    return prefix


async def test_status_is_settable_and_lists_agree_with_describe(sandbox, aws, cleanup):
    name = _uid("fid-status")
    _create_training(sandbox, name)
    cleanup.append(("training", name))
    moto_alone = ORIGINALS["describe_training_job"](fsm.backend(), name)
    assert moto_alone["TrainingJobStatus"] == "Completed"  # moto alone: done at birth, forever
    fsm.set_status("training", name, "InProgress", SecondaryStatus="Downloading")
    desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=name)
    assert (desc["TrainingJobStatus"], desc["SecondaryStatus"]) == ("InProgress", "Downloading")
    assert "TrainingEndTime" not in desc
    listed = await aws.call("sagemaker", "list_training_jobs", NameContains=name, **TRAINING.list_params())
    summary = listed["TrainingJobSummaries"][0]
    assert (summary["TrainingJobStatus"], summary["SecondaryStatus"]) == ("InProgress", "Downloading")
    fsm.set_status("training", name, "Failed", FailureReason="AlgorithmError: boom")
    desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=name)
    assert desc["TrainingJobStatus"] == "Failed" and desc["FailureReason"] == "AlgorithmError: boom"
    assert desc["TrainingEndTime"] >= desc["CreationTime"]


async def test_describe_training_gets_the_fields_moto_omits(sandbox, aws, cleanup):
    name = _uid("fid-fields")
    _create_training(sandbox, name)
    cleanup.append(("training", name))
    moto_alone = ORIGINALS["describe_training_job"](fsm.backend(), name)
    for field in ("TrainingTimeInSeconds", "BillableTimeInSeconds", "FailureReason"):
        assert field not in moto_alone
    start = dt.datetime.now(UTC) - dt.timedelta(minutes=30)
    fsm.set_fields(
        "training",
        name,
        TrainingTimeInSeconds=1500,
        BillableTimeInSeconds=450,
        EnableManagedSpotTraining=True,
        TrainingStartTime=start,
        FinalMetricDataList=[{"MetricName": "validation:auc", "Value": 0.93, "Timestamp": start}],
        WarmPoolStatus={"Status": "Available", "ResourceRetainedBillableTimeInSeconds": 60},
    )
    desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=name)
    assert desc["TrainingTimeInSeconds"] == 1500 and desc["BillableTimeInSeconds"] == 450
    assert desc["EnableManagedSpotTraining"] is True
    assert desc["FinalMetricDataList"][0]["MetricName"] == "validation:auc"
    assert desc["WarmPoolStatus"]["Status"] == "Available"
    assert abs((desc["TrainingStartTime"] - start).total_seconds()) < 1


async def test_processing_resources_survive(sandbox, aws, cleanup):
    from moto.sagemaker.models import SageMakerModelBackend

    assert (
        "processing_resources"
        not in inspect.signature(SageMakerModelBackend.create_processing_job).parameters
    )
    name = _uid("fid-proc")
    sandbox.boto3_client("sagemaker").create_processing_job(
        ProcessingJobName=name,
        RoleArn=ROLE_ARN,
        AppSpecification={"ImageUri": IMAGES["sklearn"]},
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 3, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
    )
    cleanup.append(("processing", name))
    desc = await aws.call("sagemaker", "describe_processing_job", ProcessingJobName=name)
    assert desc["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 3


async def test_job_lists_honour_sort(aws, jobs):
    from moto.sagemaker.models import SageMakerModelBackend

    assert "sort_by" not in inspect.signature(SageMakerModelBackend.list_training_jobs).parameters
    moto_alone = fsm.backend().list_training_jobs(None, None, None, None, None, None, jobs, None)
    assert [s["TrainingJobName"][-1] for s in moto_alone["TrainingJobSummaries"]] == ["b", "c", "a"]

    async def order(**params):
        got = await aws.call("sagemaker", "list_training_jobs", NameContains=jobs, MaxResults=10, **params)
        return "".join(s["TrainingJobName"][-1] for s in got["TrainingJobSummaries"])

    assert await order(SortBy="CreationTime", SortOrder="Descending") == "cba"
    assert await order(SortBy="CreationTime", SortOrder="Ascending") == "abc"
    assert await order() == "abc"  # ListTrainingJobs defaults to Ascending
    assert await order(SortBy="Name", SortOrder="Descending") == "cba"
    assert await order(SortBy="Status", SortOrder="Ascending") == "abc"  # Completed < Failed < InProgress
    after = dt.datetime.now(UTC) - dt.timedelta(minutes=150)
    assert await order(SortBy="Name", SortOrder="Ascending", CreationTimeAfter=after) == "bc"


async def test_training_max_results_applies_before_status_equals(aws, jobs):
    pages = []
    async for page in aws.pages(
        "sagemaker",
        "list_training_jobs",
        NameContains=jobs,
        MaxResults=1,
        SortBy="Name",
        SortOrder="Ascending",
        StatusEquals="Failed",
    ):
        pages.append([s["TrainingJobName"][-1] for s in page["TrainingJobSummaries"]])
    assert pages == [[], ["b"], []]  # empty pages with a token are normal


async def test_endpoints_default_to_newest_first_and_statuses_move(sandbox, aws, cleanup):
    sm = sandbox.boto3_client("sagemaker")
    prefix = _uid("fid-ep")
    sm.create_model(
        ModelName=prefix, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={"Image": IMAGES["inference"]}
    )
    sm.create_endpoint_config(
        EndpointConfigName=prefix,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": prefix,
                "InstanceType": "ml.g5.xlarge",
                "InitialInstanceCount": 1,
            }
        ],
    )  # moto alone rejects ml.g5.* (see below)
    with pytest.raises(Exception, match="instanceType"):
        ORIGINALS["validate_instance_type"](None, "ml.g5.xlarge")
    now = dt.datetime.now(UTC)
    for i in range(3):
        sm.create_endpoint(EndpointName=f"{prefix}-{i}", EndpointConfigName=prefix)
        cleanup.append(("endpoint", f"{prefix}-{i}"))
        fsm.set_fields("endpoint", f"{prefix}-{i}", CreationTime=now - dt.timedelta(minutes=10 - i))
    got = await aws.call("sagemaker", "list_endpoints", NameContains=prefix)
    assert [e["EndpointName"][-1] for e in got["Endpoints"]] == ["2", "1", "0"]
    fsm.set_status("endpoint", f"{prefix}-1", "Updating")
    got = await aws.call(
        "sagemaker",
        "list_endpoints",
        NameContains=prefix,
        StatusEquals="Updating",
        **{k: v for k, v in ENDPOINT.list_params().items() if k != "MaxResults"},
    )
    assert [e["EndpointName"] for e in got["Endpoints"]] == [f"{prefix}-1"]
    fsm.delete("endpoint", f"{prefix}-2")
    with pytest.raises(AwsError) as err:
        await aws.call("sagemaker", "describe_endpoint", EndpointName=f"{prefix}-2")
    assert err.value.code == "ValidationException" and "Could not find endpoint" in err.value.message


async def test_user_profiles_exist(aws):
    from moto.sagemaker.models import SageMakerModelBackend

    assert not hasattr(SageMakerModelBackend, "create_user_profile")  # moto alone: NotImplemented (500)
    from smtui.sandbox import scenario as sc

    got = await aws.call("sagemaker", "describe_user_profile", DomainId=sc.DOMAIN_ID, UserProfileName="alice")
    assert got["Status"] == "InService" and got["UserProfileArn"].endswith(f"/{sc.DOMAIN_ID}/alice")
    with pytest.raises(AwsError) as err:
        await aws.call("sagemaker", "describe_user_profile", DomainId=sc.DOMAIN_ID, UserProfileName="nobody")
    assert err.value.code == "ResourceNotFound"


async def test_bulk_training_jobs_are_fast_and_listable(sandbox, aws, cleanup):
    prefix = _uid("bulk")
    t0 = time.perf_counter()
    names = fsm.bulk_training_jobs(sandbox, 500, prefix)
    elapsed = time.perf_counter() - t0
    cleanup.extend(("training", n) for n in names)
    assert elapsed < 2.0, elapsed  # 10,000 take a few seconds at most
    got = await aws.call(
        "sagemaker",
        "list_training_jobs",
        NameContains=prefix,
        MaxResults=100,
        SortBy="CreationTime",
        SortOrder="Descending",
    )
    assert [s["TrainingJobName"] for s in got["TrainingJobSummaries"]] == names[:100]
    assert got["NextToken"]
