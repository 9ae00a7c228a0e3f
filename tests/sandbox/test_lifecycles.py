"""Resources any client creates run, stop, log and end as on SageMaker, driven with boto3's own waiters and
paginators (the waiter models the AWS CLI uses), over HTTP. moto alone (``_moto_alone``) is shown to get
each case wrong: jobs born Completed with no log, endpoints InService at once, Stop/Update answering 500.

Two kinds of sandbox: a fast one (lifecycles compressed 600 times) for the waiters, and one whose clock
is frozen and moved by hand, for the steps in between (deterministic: nothing moves unless the test moves
the clock)."""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.exceptions import ClientError, WaiterError
from support import IMAGE, ROLE, uid

from ._moto_alone import moto_alone

TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"
HF_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310"
FAST = {"Delay": 0.1, "MaxAttempts": 300}


@pytest.fixture
def fast(own_sandbox):
    return own_sandbox("fast", driver=True, time_scale=600)


@pytest.fixture
def frozen(own_sandbox):
    sb = own_sandbox("frozen", driver=True)  # AWS's minutes become seconds
    sb.clock.freeze()
    return sb


def _train(sb, name, *, count=1, instance="ml.m5.xlarge", image=IMAGE, hyper=None, tags=None):
    sb.boto3_client("sagemaker").create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        HyperParameters=hyper or {},
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": instance, "InstanceCount": count, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=tags or [],
    )


def _streams(sb, group, prefix):
    logs = sb.boto3_client("logs")
    if not logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]:
        return []  # no container has logged in this region yet
    pages = logs.get_paginator("describe_log_streams")
    return [
        s["logStreamName"]
        for page in pages.paginate(logGroupName=group, logStreamNamePrefix=prefix)
        for s in page["logStreams"]
    ]


def _messages(sb, group, stream):
    got = sb.boto3_client("logs").get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    return [e["message"] for e in got["events"]]


def _endpoint(sb, name, *, instance="ml.m5.large", count=1, tags=None, config=None):
    sm = sb.boto3_client("sagemaker")
    config = config or f"{name}-config"
    sm.create_model(ModelName=f"{name}-model", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_endpoint_config(
        EndpointConfigName=config,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InstanceType": instance,
                "InitialInstanceCount": count,
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=config, Tags=tags or [])
    return sm


# ---------------------------------------------------------------------------------------------- training


def test_moto_alone_jobs_are_born_completed_without_logs_and_cannot_stop():
    alone = moto_alone()
    assert alone["training_at_birth"]["status"] == "Completed"
    assert alone["training_at_birth"]["started_at_creation"]
    assert not alone["training_at_birth"]["has_time"]
    assert alone["training_streams"] == 0
    assert alone["stop_training_job"]["status"] == 500
    assert alone["stop_transform_job"]["status"] == 500


def test_a_training_job_runs_logs_per_instance_and_completes(fast):
    name = uid("life")
    _train(fast, name, count=2)
    sm = fast.boto3_client("sagemaker")
    first = sm.describe_training_job(TrainingJobName=name)
    # born running, not Completed (on this clock a second is ten minutes: a loaded machine may see it a
    # phase later; the transitions below say it went through each)
    assert first["TrainingJobStatus"] == "InProgress"
    assert first["SecondaryStatus"] in ("Starting", "Downloading", "Training")
    sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=name, WaiterConfig=FAST)
    d = sm.describe_training_job(TrainingJobName=name)
    assert d["TrainingJobStatus"] == "Completed"
    assert [t["Status"] for t in d["SecondaryStatusTransitions"]] == [
        "Starting",
        "Downloading",
        "Training",
        "Uploading",
        "Completed",
    ]
    transitions = d["SecondaryStatusTransitions"]
    assert all(a["EndTime"] == b["StartTime"] for a, b in zip(transitions, transitions[1:], strict=False))
    assert d["CreationTime"] < d["TrainingStartTime"] < d["TrainingEndTime"]
    assert d["TrainingStartTime"] == transitions[1]["StartTime"]  # when the instances are up
    assert d["TrainingTimeInSeconds"] == d["BillableTimeInSeconds"] >= 1
    assert {m["MetricName"] for m in d["FinalMetricDataList"]} == {"train:auc", "validation:auc"}
    streams = sorted(_streams(fast, TRAINING_GROUP, f"{name}/"))
    epoch = int(transitions[2]["StartTime"].timestamp())  # the containers start with training
    assert streams == [f"{name}/algo-1-{epoch}", f"{name}/algo-2-{epoch}"]
    lines = _messages(fast, TRAINING_GROUP, streams[0])
    assert "INFO] Imported framework sagemaker_xgboost_container.training" in lines[0]
    assert any(line.startswith("[0]#011train-auc:") for line in lines)
    assert lines[-1].endswith("sagemaker-training-toolkit INFO     Reporting training SUCCESS")


def test_a_job_asked_to_fail_fails_with_its_reason(fast):
    name = uid("fail")
    _train(fast, name, hyper={"sandbox_fail": "ValueError: bad learning rate"})
    sm = fast.boto3_client("sagemaker")
    with pytest.raises(WaiterError) as raised:  # the waiter's failure acceptor: Failed
        sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=name, WaiterConfig=FAST)
    assert raised.value.last_response["TrainingJobStatus"] == "Failed"
    d = sm.describe_training_job(TrainingJobName=name)
    assert "ValueError: bad learning rate" in d["FailureReason"]
    assert d["FailureReason"].startswith("AlgorithmError: ExecuteUserScriptError:")
    assert [t["Status"] for t in d["SecondaryStatusTransitions"]][-2:] == ["Training", "Failed"]
    (stream,) = _streams(fast, TRAINING_GROUP, f"{name}/")
    lines = _messages(fast, TRAINING_GROUP, stream)
    assert any("sagemaker-training-toolkit ERROR    Reporting training FAILURE" in line for line in lines)
    # a tag does the same, for any kind
    tagged = uid("failtag")
    _train(fast, tagged, tags=[{"Key": "sandbox:fail", "Value": "true"}])
    with pytest.raises(WaiterError):
        sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=tagged, WaiterConfig=FAST)
    assert "CUDA out of memory" in sm.describe_training_job(TrainingJobName=tagged)["FailureReason"]


def test_each_step_happens_when_the_clock_says(frozen):
    name = uid("steps")
    _train(frozen, name, instance="ml.g5.xlarge", image=HF_IMAGE)
    sm = frozen.boto3_client("sagemaker")

    def status():
        d = sm.describe_training_job(TrainingJobName=name)
        return d["TrainingJobStatus"], d["SecondaryStatus"]

    assert status() == ("InProgress", "Starting")
    assert _streams(frozen, TRAINING_GROUP, f"{name}/") == []  # no container yet
    frozen.clock.advance(2.0)  # Starting takes 150 s on AWS: 2.5 s here
    assert status() == ("InProgress", "Starting")
    frozen.clock.advance(1.0)
    assert status() == ("InProgress", "Downloading")
    frozen.clock.advance(1.0)
    assert status() == ("InProgress", "Training")
    (stream,) = _streams(frozen, TRAINING_GROUP, f"{name}/")
    before = len(_messages(frozen, TRAINING_GROUP, stream))
    frozen.clock.advance(3.0)
    after = _messages(frozen, TRAINING_GROUP, stream)
    assert len(after) == before + 3  # a line a second while it trains
    assert after[-1].startswith("{'loss': ")
    # its metrics stay within what one GPU can report
    cw = frozen.boto3_client("cloudwatch")
    values = cw.get_metric_statistics(
        Namespace="/aws/sagemaker/TrainingJobs",
        MetricName="GPUUtilization",
        Dimensions=[{"Name": "Host", "Value": f"{name}/algo-1"}],
        StartTime=frozen.clock.now() - dt.timedelta(hours=1),
        EndTime=frozen.clock.now() + dt.timedelta(minutes=5),
        Period=60,
        Statistics=["Maximum"],
    )["Datapoints"]
    assert values and all(0 <= p["Maximum"] <= 100 for p in values)


def test_stop_gives_stopping_then_stopped(frozen):
    name = uid("stop")
    _train(frozen, name)
    sm = frozen.boto3_client("sagemaker")
    frozen.clock.advance(5.0)
    sm.stop_training_job(TrainingJobName=name)
    d = sm.describe_training_job(TrainingJobName=name)
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("Stopping", "Stopping")
    frozen.clock.advance(1.0)  # AWS's half minute
    d = sm.describe_training_job(TrainingJobName=name)
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("Stopped", "Stopped")
    assert [t["Status"] for t in d["SecondaryStatusTransitions"]][-2:] == ["Stopping", "Stopped"]
    assert "TrainingEndTime" in d
    sm.get_waiter("training_job_completed_or_stopped").wait(TrainingJobName=name, WaiterConfig=FAST)
    with pytest.raises(ClientError) as raised:
        sm.stop_training_job(TrainingJobName=name)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "in status Stopped" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        sm.stop_training_job(TrainingJobName=uid("nosuch"))
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"


def test_where_nothing_runs_stop_takes_effect_at_once(own_sandbox):
    sb = own_sandbox("still")  # driver off: the world stands still
    name = uid("still")
    _train(sb, name)
    sm = sb.boto3_client("sagemaker")
    assert (
        sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"] == "Completed"
    )  # as moto makes it
    with pytest.raises(ClientError):
        sm.stop_training_job(TrainingJobName=name)  # not in progress: refused, not a 500
    from smtui.sandbox import fidelity_sagemaker as fsm

    fsm.set_status("training", name, "InProgress", SecondaryStatus="Training", region=sb.region)
    sm.stop_training_job(TrainingJobName=name)
    d = sm.describe_training_job(TrainingJobName=name)
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("Stopped", "Stopped")


# ---------------------------------------------------------------------------------------------- processing, transform


def test_processing_and_transform_jobs_run_and_log(fast):
    sm = fast.boto3_client("sagemaker")
    proc = uid("proc")
    sm.create_processing_job(
        ProcessingJobName=proc,
        RoleArn=ROLE,
        AppSpecification={"ImageUri": IMAGE, "ContainerEntrypoint": ["python3", "/opt/ml/code/prep.py"]},
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
    )
    assert sm.describe_processing_job(ProcessingJobName=proc)["ProcessingJobStatus"] == "InProgress"
    sm.get_waiter("processing_job_completed_or_stopped").wait(ProcessingJobName=proc, WaiterConfig=FAST)
    d = sm.describe_processing_job(ProcessingJobName=proc)
    assert d["ProcessingJobStatus"] == "Completed" and d["ProcessingEndTime"] > d["ProcessingStartTime"]
    streams = _streams(fast, "/aws/sagemaker/ProcessingJobs", f"{proc}/")
    assert sorted(s.rsplit("-", 1)[0] for s in streams) == [f"{proc}/algo-1", f"{proc}/algo-2"]

    sm.create_model(ModelName=f"{proc}-m", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    xf = uid("xf")
    sm.create_transform_job(
        TransformJobName=xf,
        ModelName=f"{proc}-m",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
        TransformOutput={"S3OutputPath": "s3://b/out/"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )
    sm.get_waiter("transform_job_completed_or_stopped").wait(TransformJobName=xf, WaiterConfig=FAST)
    assert sm.describe_transform_job(TransformJobName=xf)["TransformJobStatus"] == "Completed"
    streams = sorted(_streams(fast, "/aws/sagemaker/TransformJobs", f"{xf}/"))
    assert len(streams) == 2 and streams[1] == streams[0] + "/data-log"  # [job]/[instance-id]-[epoch]
    assert any(
        '"POST /invocations HTTP/1.1" 200' in m
        for m in _messages(fast, "/aws/sagemaker/TransformJobs", streams[0])
    )


# ---------------------------------------------------------------------------------------------- endpoints


def test_moto_alone_endpoints_are_in_service_at_once_and_cannot_update():
    alone = moto_alone()
    assert alone["endpoint_at_birth"] == "InService"
    assert alone["update_endpoint"]["status"] == 500


def test_an_endpoint_is_created_serves_updates_and_is_deleted(fast):
    name = uid("ep")
    sm = _endpoint(fast, name, count=2)
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Creating"
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)
    d = sm.describe_endpoint(EndpointName=name)
    (variant,) = d["ProductionVariants"]
    assert variant["CurrentInstanceCount"] == 2 and variant["DeployedImages"][0]["SpecifiedImage"] == IMAGE
    group = f"/aws/sagemaker/Endpoints/{name}"
    streams = sorted(_streams(fast, group, "AllTraffic/"))
    assert len(streams) == 2 and all(s.startswith("AllTraffic/i-0") for s in streams)
    assert any("Starting gunicorn" in m for m in _messages(fast, group, streams[0]))
    # invocations are answered and logged
    rt = fast.boto3_client("sagemaker-runtime")
    answer = rt.invoke_endpoint(EndpointName=name, ContentType="text/csv", Body="0.1,0.2,0.3\n0.4,0.5,0.6")
    scores = answer["Body"].read().decode().splitlines()
    assert len(scores) == 2 and all(0 <= float(s) <= 1 for s in scores)
    assert answer["InvokedProductionVariant"] == "AllTraffic"
    logged = [
        m for s in streams for m in _messages(fast, group, s) if '"POST /invocations HTTP/1.1" 200' in m
    ]
    assert len(logged) == 1
    # UpdateEndpoint: Updating, then InService on the new config
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-v2",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InstanceType": "ml.m5.xlarge",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.update_endpoint(EndpointName=name, EndpointConfigName=f"{name}-v2")
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Updating"
    with pytest.raises(ClientError):
        sm.update_endpoint(EndpointName=name, EndpointConfigName=f"{name}-v2")  # not InService
    sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)
    d = sm.describe_endpoint(EndpointName=name)
    assert d["EndpointConfigName"] == f"{name}-v2" and d["ProductionVariants"][0]["CurrentInstanceCount"] == 1
    # DeleteEndpoint: Deleting, then gone
    sm.delete_endpoint(EndpointName=name)
    assert sm.describe_endpoint(EndpointName=name)["EndpointStatus"] == "Deleting"
    sm.get_waiter("endpoint_deleted").wait(EndpointName=name, WaiterConfig=FAST)
    with pytest.raises(ClientError) as raised:
        sm.describe_endpoint(EndpointName=name)
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_an_endpoint_asked_to_fail_fails_its_health_check(fast):
    name = uid("epfail")
    sm = _endpoint(fast, name, tags=[{"Key": "sandbox:fail", "Value": "true"}])
    with pytest.raises(WaiterError) as raised:
        sm.get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)
    assert raised.value.last_response["EndpointStatus"] == "Failed"
    assert "did not pass the ping health check" in sm.describe_endpoint(EndpointName=name)["FailureReason"]
    (stream,) = _streams(fast, f"/aws/sagemaker/Endpoints/{name}", "AllTraffic/")
    assert any(
        '"GET /ping HTTP/1.1" 503' in m for m in _messages(fast, f"/aws/sagemaker/Endpoints/{name}", stream)
    )


def test_invoking_a_missing_endpoint_or_with_unreadable_rows_fails_as_on_aws(fast):
    assert moto_alone()["invoke_missing_endpoint"] == {"body": "body", "type": "content_type"}
    rt = fast.boto3_client("sagemaker-runtime")
    with pytest.raises(ClientError) as raised:
        rt.invoke_endpoint(EndpointName=uid("nosuch"), ContentType="text/csv", Body="1,2")
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert "not found" in raised.value.response["Error"]["Message"]
    name = uid("epbad")
    _endpoint(fast, name).get_waiter("endpoint_in_service").wait(EndpointName=name, WaiterConfig=FAST)
    with pytest.raises(rt.exceptions.ModelError) as raised:
        rt.invoke_endpoint(EndpointName=name, ContentType="text/csv", Body="n/a,1,2")
    assert raised.value.response["OriginalStatusCode"] == 415
    (stream,) = _streams(fast, f"/aws/sagemaker/Endpoints/{name}", "AllTraffic/")
    lines = _messages(fast, f"/aws/sagemaker/Endpoints/{name}", stream)
    assert any(":ERROR] Exception on /invocations [POST]" in m for m in lines)
