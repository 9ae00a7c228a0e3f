"""The sandbox server: request log, CloudTrail recording of SageMaker calls, restart, IAM enforcement
with AWS's AccessDenied shape. Everything goes over HTTP on 127.0.0.1.

Tests that create resources or records do it in other regions than the shared sandbox's us-east-1
(moto's state and CloudTrail are regional), so the seeded account other tests look at stays as seeded."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from smtui.sandbox import Sandbox
from smtui.sandbox.middleware import identify
from smtui.sandbox.server import ACCOUNT_ID, ADMIN_KEY

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"


@pytest.fixture(scope="module")
def west(module_sandbox):
    """A sandbox of this module's own, for tests that create jobs and CloudTrail records."""
    return module_sandbox


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _create_job(sm, name: str) -> dict:
    return sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        HyperParameters={"max_depth": "5", "Eta": "0.2"},
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )


def _events(sandbox, **match):
    return [e for e in list(sandbox.recorder.events) if all(e.get(k) == v for k, v in match.items())]


# ---------------------------------------------------------------------- request log
def test_request_log_names_service_operation_and_key(sandbox):
    before = len(sandbox.requests)
    sandbox.boto3_client("sagemaker").list_training_jobs(MaxResults=1)
    sandbox.boto3_client("logs").describe_log_groups(limit=1)
    sandbox.boto3_client("cloudwatch").list_metrics()
    sandbox.boto3_client("sts").get_caller_identity()
    seen = [(r.service, r.operation, r.access_key, r.status) for r in list(sandbox.requests)[before:]]
    assert ("sagemaker", "ListTrainingJobs", ADMIN_KEY, 200) in seen
    assert ("logs", "DescribeLogGroups", ADMIN_KEY, 200) in seen
    assert ("cloudwatch", "ListMetrics", ADMIN_KEY, 200) in seen  # botocore sends CloudWatch as JSON
    assert ("sts", "GetCallerIdentity", ADMIN_KEY, 200) in seen  # query protocol: the Action form field
    assert all(r.source_ip == "127.0.0.1" for r in list(sandbox.requests)[before:])
    assert sandbox.count("sagemaker", "ListTrainingJobs") >= 1
    assert sandbox.count("monitoring", "ListMetrics") == sandbox.count("cloudwatch", "ListMetrics")


def test_identify_reads_the_cbor_operation_path():
    environ = {
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/eu-west-1/monitoring/aws4_request, "
        "SignedHeaders=host, Signature=abc",
        "PATH_INFO": "/service/GraniteServiceVersion20100801/operation/GetMetricData",
        "HTTP_SMITHY_PROTOCOL": "rpc-v2-cbor",
    }
    assert identify(environ) == ("cloudwatch", "GetMetricData", "AKIAEXAMPLE", "eu-west-1")
    target = {"HTTP_X_AMZ_TARGET": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"}
    assert identify(target)[1] == "LookupEvents"


# ---------------------------------------------------------------------- CloudTrail records
def test_create_training_job_is_recorded_like_cloudtrail(west):
    name = _unique("rec")
    sm = west.boto3_client("sagemaker")
    arn = _create_job(sm, name)["TrainingJobArn"]
    (event,) = _events(west, eventName="CreateTrainingJob", responseElements={"trainingJobArn": arn})
    assert event["eventVersion"] == "1.09"
    assert event["userIdentity"] == {
        "type": "IAMUser",
        "principalId": event["userIdentity"]["principalId"],
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/sandbox-admin",
        "accountId": ACCOUNT_ID,
        "accessKeyId": ADMIN_KEY,
        "userName": "sandbox-admin",
    }
    assert event["userIdentity"]["principalId"].startswith("AIDA")
    when = datetime.strptime(event["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - when) < timedelta(minutes=1)
    assert event["eventSource"] == "sagemaker.amazonaws.com"
    assert event["awsRegion"] == west.region
    assert event["sourceIPAddress"] == "127.0.0.1"
    # structure keys in lowerCamelCase as CloudTrail writes them; user-chosen map keys as sent
    params = event["requestParameters"]
    assert params["trainingJobName"] == name
    assert params["algorithmSpecification"]["trainingImage"] == IMAGE
    assert params["hyperParameters"] == {"max_depth": "5", "Eta": "0.2"}
    assert event["readOnly"] is False
    assert event["resources"] == [
        {"accountId": ACCOUNT_ID, "type": "AWS::SageMaker::TrainingJob", "ARN": arn}
    ]
    assert event["eventType"] == "AwsApiCall"
    assert event["managementEvent"] is True
    assert event["eventCategory"] == "Management"
    assert event["recipientAccountId"] == ACCOUNT_ID
    uuid.UUID(event["eventID"])
    assert event["requestID"]
    assert "errorCode" not in event

    sm.describe_training_job(TrainingJobName=name)
    describe = [
        e
        for e in _events(west, eventName="DescribeTrainingJob")
        if e.get("requestParameters") == {"trainingJobName": name}
    ][-1]
    assert describe["readOnly"] is True
    assert describe["responseElements"] is None  # reads carry no response, as in AWS


def test_failed_call_records_error_code_and_message(west):
    name = _unique("missing")
    with pytest.raises(ClientError) as raised:
        west.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    event = [
        e
        for e in _events(west, eventName="DescribeTrainingJob")
        if e.get("requestParameters") == {"trainingJobName": name}
    ][-1]
    assert event["errorCode"] == "ValidationException"
    assert name in event["errorMessage"]
    assert event["responseElements"] is None
    assert west.requests[-1].error == "ValidationException"


def test_user_agent_is_kept_raw(west):
    import boto3
    from botocore.config import Config

    hostile = "evil\x1b[2J\x1b]0;pwned\x07agent"
    sm = boto3.client(
        "sagemaker",
        region_name=west.region,
        endpoint_url=west.url,
        aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key="x",
        config=Config(user_agent=hostile, retries={"total_max_attempts": 1}),
    )
    name = _unique("ua")
    with pytest.raises(ClientError):
        sm.describe_training_job(TrainingJobName=name)
    event = [
        e
        for e in _events(west, eventName="DescribeTrainingJob")
        if e.get("requestParameters") == {"trainingJobName": name}
    ][-1]
    assert event["userAgent"].startswith(hostile)


def test_recorder_at_backdates_events_and_unknown_keys_are_unknown(west):
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3, hours=2)
    name = _unique("past")
    with west.recorder.at(when):
        with pytest.raises(ClientError):
            west.boto3_client(
                "sagemaker", aws_access_key_id="AKIANOBODYKNOWS00000", aws_secret_access_key="x"
            ).describe_training_job(TrainingJobName=name)
    event = [
        e
        for e in _events(west, eventName="DescribeTrainingJob")
        if e.get("requestParameters") == {"trainingJobName": name}
    ][-1]
    assert event["eventTime"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert event["userIdentity"]["userName"] == "unknown"
    assert event["userIdentity"]["accessKeyId"] == "AKIANOBODYKNOWS00000"


# ---------------------------------------------------------------------- lifecycle
def test_stop_start_and_restart_keep_port_and_data(own_sandbox):
    from botocore.exceptions import EndpointConnectionError

    sb = own_sandbox("restart")
    try:
        port = sb.port
        name = _unique("restart")
        _create_job(sb.boto3_client("sagemaker"), name)
        sb.stop()
        import boto3
        from botocore.config import Config

        once = boto3.client(
            "sagemaker",
            region_name=sb.region,
            endpoint_url=sb.url,
            aws_access_key_id=ADMIN_KEY,
            aws_secret_access_key="x",
            config=Config(retries={"total_max_attempts": 1}),
        )
        with pytest.raises(EndpointConnectionError):
            once.describe_training_job(TrainingJobName=name)
        sb.start()
        assert sb.port == port
        assert (
            sb.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)["TrainingJobName"]
            == name
        )
        sb.restart()
        assert sb.port == port
        assert (
            sb.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)["TrainingJobName"]
            == name
        )
    finally:
        sb.stop()


def test_unknown_seed_is_refused():
    with pytest.raises(ValueError):
        Sandbox(seed="nonsense")


# ---------------------------------------------------------------------- IAM enforcement
async def test_access_denied_has_the_aws_shape_and_names_the_action(sandbox, own_sandbox):
    """IAM enforcement is process-wide while on: its own sandbox, restored on stop."""
    from moto import settings

    from smtui.aws.session import AwsError, AwsSession

    before = settings.INITIAL_NO_AUTH_ACTION_COUNT
    sb = own_sandbox("iam", iam=True)
    session = None
    try:
        user = _unique("reader")
        creds = sb.create_user_with_policy(
            user,
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:ListTrainingJobs", "Resource": "*"}],
            },
        )
        session = AwsSession(sb.target(creds))
        await session.call("sagemaker", "list_training_jobs", MaxResults=1)
        with pytest.raises(AwsError) as raised:
            await session.call("logs", "describe_log_streams", logGroupName="/aws/sagemaker/TrainingJobs")
        err = raised.value
        assert err.code == "AccessDeniedException"
        assert err.http_status == 400
        assert err.request_id
        assert err.action == "logs:DescribeLogStreams"
        assert err.message == (
            f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: logs:DescribeLogStreams "
            f"on resource: arn:aws:logs:{sb.region}:{ACCOUNT_ID}:log-group:/aws/sagemaker/TrainingJobs:log-stream: "
            "because no identity-based policy allows the logs:DescribeLogStreams action"
        )
        assert err.is_access_denied
        # the denied SageMaker call is recorded as that user, with the error
        with pytest.raises(AwsError) as denied:
            await session.call("sagemaker", "list_endpoints")
        assert denied.value.code == "AccessDeniedException"
        event = [
            e
            for e in _events(sb, eventName="ListEndpoints")
            if (e.get("userIdentity") or {}).get("userName") == user
        ][-1]
        assert event["errorCode"] == "AccessDeniedException"
        # unknown keys and wrong secrets get the JSON-protocol codes too
        stranger = sb.boto3_client(
            "logs", aws_access_key_id="AKIANOSUCHKEY0000000", aws_secret_access_key="x"
        )
        with pytest.raises(ClientError) as unknown:
            stranger.describe_log_groups()
        assert unknown.value.response["Error"]["Code"] == "UnrecognizedClientException"
        assert unknown.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        forger = sb.boto3_client(
            "sagemaker", aws_access_key_id=creds["aws_access_key_id"], aws_secret_access_key="wrong"
        )
        with pytest.raises(ClientError) as forged:
            forger.list_training_jobs()
        assert forged.value.response["Error"]["Code"] == "InvalidSignatureException"
        # the admin key keeps working while IAM is enforced
        assert "TrainingJobSummaries" in sb.boto3_client("sagemaker").list_training_jobs(MaxResults=1)
    finally:
        if session is not None:
            await session.close()
        sb.stop()
    assert settings.INITIAL_NO_AUTH_ACTION_COUNT == before
    # the shared sandbox takes any key again
    sandbox.boto3_client(
        "logs", aws_access_key_id="AKIAANYKEY0000000000", aws_secret_access_key="x"
    ).describe_log_groups(limit=1)


# ---------------------------------------------------------------------- python -m smtui.sandbox
def test_module_runs_standalone_and_stops_on_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    import boto3

    env = dict(
        os.environ,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_SECRET_ACCESS_KEY="user-real-secret-do-not-print",
        AWS_ACCESS_KEY_ID="AKIAUSERREALKEY00000",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "smtui.sandbox", "--seed", "empty", "--no-driver"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        hint = proc.stdout.readline()
        assert url in hint
        sm = boto3.client(
            "sagemaker",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id=ADMIN_KEY,
            aws_secret_access_key="x",
        )
        assert "TrainingJobSummaries" in sm.list_training_jobs()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    printed = url + hint + out + err
    assert "user-real-secret-do-not-print" not in printed
    assert "AKIAUSERREALKEY00000" not in printed


def test_records_are_json_serialisable(sandbox):
    json.dumps(sandbox.recorder.events[-50:])


# ---------------------------------------------------------------------- the recorder on its own
def test_recorder_add_at_and_bounded_history():
    from smtui.sandbox.recorder import Recorder, camel

    rec = Recorder(ACCOUNT_ID, "us-east-1", max_events=20)
    outer = datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)
    inner = datetime(2026, 11, 21, 9, 30, 0)  # naive means UTC
    with rec.at(outer):
        first = rec.add({"eventName": "A"})
        with rec.at(inner):
            second = rec.add({"eventName": "B"})
        third = rec.add({"eventName": "C"})
    assert [first["eventTime"], second["eventTime"], third["eventTime"]] == [
        "2026-11-20T08:00:00Z",
        "2026-11-21T09:30:00Z",
        "2026-11-20T08:00:00Z",
    ]
    uuid.UUID(first["eventID"])
    assert [r["eventName"] for _, _, r, _ in rec.snapshot()] == [
        "B",
        "C",
        "A",
    ]  # newest first, ties: last first
    for i in range(30):
        rec.add({"eventName": f"N{i}"})
    assert len(rec.events) <= 20 and rec.events[-1]["eventName"] == "N29"
    rec.clear()
    assert rec.events == [] and rec.snapshot() == []
    assert camel(
        {"TrainingJobName": "x", "Environment": {"MY_VAR": "1"}, "Tags": [{"Key": "k", "Value": "v"}]}
    ) == {"trainingJobName": "x", "environment": {"MY_VAR": "1"}, "tags": [{"key": "k", "value": "v"}]}


def test_keys_of_iam_users_made_elsewhere_are_resolved_from_moto(west):
    iam = west.boto3_client("iam")
    name = _unique("made-elsewhere")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    identity = west.recorder.identity(key["AccessKeyId"])
    assert (identity.type, identity.name) == ("IAMUser", name)
    assert identity.user_identity(key["AccessKeyId"])["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"


def test_the_url_comes_first_once_the_account_is_seeded():
    """With the default seed, the first line is the URL, and by then every seeded job is there."""
    import os
    import subprocess
    import sys

    import boto3

    from smtui.sandbox import scenario as sc

    proc = subprocess.Popen(
        [sys.executable, "-m", "smtui.sandbox", "--no-driver", "--trail-delay", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"),
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        sm = boto3.client(
            "sagemaker",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id=ADMIN_KEY,
            aws_secret_access_key="x",
        )
        from smtui.sandbox.scenario.tuning import TUNING_JOBS

        names = {j["TrainingJobName"] for j in sm.list_training_jobs(MaxResults=100)["TrainingJobSummaries"]}
        # every seeded job is there at once: the scenario's own, the nightly ones and the tuning jobs' (a
        # tuning job names its training jobs after itself)
        tuned = {n for n in names if n.startswith(TUNING_JOBS)}
        assert tuned and set(sc.TRAINING_JOBS) <= names
        assert len(names - tuned) == len(sc.TRAINING_JOBS) + sc.NIGHTLY_DAYS
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_the_command_line_takes_the_clock_and_the_trail_delay(capsys):
    from smtui.sandbox.__main__ import parse_args

    args = parse_args(["--time-scale", "600", "--trail-delay", "300"])
    assert (args.time_scale, args.trail_delay) == (600.0, 300.0)
    for bad in (["--time-scale", "0"], ["--trail-delay", "-1"]):
        with pytest.raises(SystemExit):
            parse_args(bad)
    assert "must" in capsys.readouterr().err
