"""CloudTrail in the sandbox records the management events of every service it serves (SageMaker,
CloudWatch Logs, IAM, STS) and none of the data-plane calls AWS leaves out (PutLogEvents, GetLogEvents,
FilterLogEvents, InvokeEndpoint); it delivers them late when asked (``trail_delay``, AWS takes about five
minutes); and the sandbox answers nobody but its own seed until the seed is in. moto alone has no
CloudTrail at all (LookupEvents answers 500)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from support import IMAGE, ROLE, uid

from ._moto_alone import moto_alone


@pytest.fixture(scope="module")
def sb(module_sandbox):
    return module_sandbox


def _lookup(sb, key, value):
    got = sb.boto3_client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}], MaxResults=50
    )
    return [json.loads(e["CloudTrailEvent"]) for e in got["Events"]]


def test_moto_alone_has_no_cloudtrail():
    assert moto_alone()["lookup_events"] == {"ok": False, "status": 500, "code": "500"}


def test_logs_management_events_are_recorded_and_its_data_plane_is_not(sb):
    logs = sb.boto3_client("logs")
    group = f"/smtui/{uid('trail')}"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": 1, "message": "x"}])
    logs.get_log_events(logGroupName=group, logStreamName="s")
    logs.filter_log_events(logGroupName=group)
    logs.describe_log_streams(logGroupName=group)
    mine = [
        r
        for r in _lookup(sb, "EventSource", "logs.amazonaws.com")
        if (r.get("requestParameters") or {}).get("logGroupName") == group
    ]
    assert sorted(r["eventName"] for r in mine) == ["CreateLogGroup", "CreateLogStream", "DescribeLogStreams"]
    create = next(r for r in mine if r["eventName"] == "CreateLogGroup")
    assert create["readOnly"] is False and create["userIdentity"]["userName"] == "sandbox-admin"
    assert create["awsRegion"] == sb.region and create["managementEvent"] is True
    assert next(r for r in mine if r["eventName"] == "DescribeLogStreams")["readOnly"] is True


def test_iam_and_sts_calls_are_recorded(sb):
    name = uid("role")
    sb.boto3_client("iam").create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []})
    )
    (record,) = [
        r for r in _lookup(sb, "EventName", "CreateRole") if r["requestParameters"]["roleName"] == name
    ]
    assert record["eventSource"] == "iam.amazonaws.com"
    assert record["awsRegion"] == "us-east-1"  # IAM is global: CloudTrail writes it as us-east-1
    sb.boto3_client("sts").get_caller_identity()
    assert _lookup(sb, "EventName", "GetCallerIdentity")[0]["eventSource"] == "sts.amazonaws.com"


def test_sagemaker_assumes_a_studio_users_role_itself(sb):
    """The AssumeRole of a Studio user's session is SageMaker's own call, as on AWS."""
    user = uid("u")[:20]
    creds = sb.studio_credentials(user)
    (record,) = [
        r
        for r in _lookup(sb, "EventName", "AssumeRole")
        if (r.get("requestParameters") or {}).get("sourceIdentity") == user
    ]
    assert record["userIdentity"] == {"type": "AWSService", "invokedBy": "sagemaker.amazonaws.com"}
    assert record["sourceIPAddress"] == record["userAgent"] == "sagemaker.amazonaws.com"
    assert record["responseElements"]["credentials"]["accessKeyId"] == creds["aws_access_key_id"]


def test_the_ci_pipeline_comes_in_with_a_web_identity(sb):
    creds = sb.ci_credentials("github-actions-77")
    (record,) = [
        r
        for r in _lookup(sb, "EventName", "AssumeRoleWithWebIdentity")
        if r["requestParameters"]["roleSessionName"] == "github-actions-77"
    ]
    assert record["userIdentity"]["type"] == "WebIdentityUser"
    assert record["userIdentity"]["identityProvider"] == "token.actions.githubusercontent.com"
    assert record["responseElements"]["subjectFromWebIdentityToken"].startswith("repo:ml-team/")
    name = uid("ci")
    sb.boto3_client("sagemaker", **creds).create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/o/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    (job,) = [
        r
        for r in _lookup(sb, "EventName", "CreateTrainingJob")
        if r["requestParameters"]["trainingJobName"] == name
    ]
    assert job["userIdentity"]["arn"].endswith(":assumed-role/ci-pipeline-role/github-actions-77")


def test_invoke_endpoint_is_answered_and_kept_out_of_cloudtrail(sb):
    sm = sb.boto3_client("sagemaker")
    name = uid("inv")
    sm.create_model(ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": name,
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)  # nothing runs here: InService at once
    before = len(sb.recorder.events)
    answer = sb.boto3_client("sagemaker-runtime").invoke_endpoint(
        EndpointName=name, ContentType="application/json", Body=json.dumps({"instances": [[1, 2], [3, 4]]})
    )
    assert len(json.loads(answer["Body"].read())["predictions"]) == 2
    assert not [e for e in sb.recorder.events[before:] if e.get("eventSource") == "sagemaker.amazonaws.com"]
    last = list(sb.requests)[-1]
    assert (last.service, last.operation, last.status) == ("sagemaker-runtime", "InvokeEndpoint", 200)


def test_records_are_cloudtrail_s3_files(sb):
    document = json.loads(json.dumps(sb.recorder.s3_file()))
    assert set(document) == {"Records"} and document["Records"]
    assert all(r["eventVersion"] == "1.09" and "eventTime" in r for r in document["Records"])


def test_delivery_can_lag_as_on_aws(own_sandbox):
    late = own_sandbox("late", trail_delay=300)
    late.clock.freeze()
    group = f"/smtui/{uid('late')}"
    late.boto3_client("logs").create_log_group(logGroupName=group)

    def delivered() -> bool:
        return any(
            (r.get("requestParameters") or {}).get("logGroupName") == group
            for r in _lookup(late, "EventName", "CreateLogGroup")
        )

    assert not delivered()
    late.clock.advance(299)
    assert not delivered()
    late.clock.advance(2)
    assert delivered()


def test_nobody_is_answered_before_the_seed_is_in(own_region):
    seeding, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def slow_seed(sb):
        sb.boto3_client("sagemaker").list_training_jobs()  # the seed's own calls are answered
        seen["url"] = sb.url
        seeding.set()
        release.wait(30)

    from smtui.sandbox import Sandbox

    sb = Sandbox(seed=slow_seed, driver=False, region=own_region("seeding"))
    starter = threading.Thread(target=sb.start)
    starter.start()
    try:
        assert seeding.wait(30)
        request = urllib.request.Request(
            f"{seen['url']}/",
            data=b"Action=GetCallerIdentity&Version=2011-06-15",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request, timeout=10)
        assert raised.value.code == 503 and raised.value.headers["Retry-After"] == "1"
        assert b"ServiceUnavailable" in raised.value.read()
    finally:
        release.set()
        starter.join(30)
    try:
        assert sb.boto3_client("sts").get_caller_identity()["Account"] == sb.account_id
        assert [r.status for r in sb.requests if r.operation == "GetCallerIdentity"] == [503, 200]
    finally:
        sb.stop()
