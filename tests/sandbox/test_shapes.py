"""Every answer smtui or the seed relies on, in AWS's output shape (botocore's service models): a test walks
each operation smtui calls (found in its source, so a new one cannot be missed) and each the seed and the
lifecycles make, over HTTP, and checks the answer member by member (:mod:`._shapes`). moto alone sends
members AWS does not have and misses required ones (shown from ``_moto_alone``)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re

import pytest
from support import IMAGE, ROLE, uid

from smtui.sandbox import scenario as sc

from ._moto_alone import moto_alone
from ._shapes import Capture, model, output_shape, problems

SMTUI = pathlib.Path(__file__).resolve().parents[2] / "smtui"
SERVICES = ("sagemaker", "logs", "cloudwatch", "cloudtrail", "sts")
#: operations smtui calls that the sandbox cannot answer faithfully (see docs/sandbox.md)
NOT_WALKED = {
    ("logs", "start_live_tail"): "an event stream: moto sends one update and closes",
    ("cloudtrail", "start_query"): "CloudTrail Lake: moto has none",
    ("cloudtrail", "get_query_results"): "CloudTrail Lake: moto has none",
    ("sagemaker", "search"): 'not called: "search" is the log view\'s search mode',
}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def smtui_operations() -> set[tuple[str, str]]:
    """Every operation of the services smtui uses whose method name appears in smtui's code (outside the
    sandbox), as ``"describe_endpoint"`` or as a call's argument."""
    text = "\n".join(
        p.read_text() for p in SMTUI.rglob("*.py") if "sandbox" not in p.relative_to(SMTUI).parts
    )
    found = set()
    for service in SERVICES:
        for op in model(service).operation_names:
            if f'"{_snake(op)}"' in text:
                found.add((service, _snake(op)))
    return found


def test_moto_alone_misses_required_members_and_sends_empty_ones():
    alone = moto_alone()
    assert alone["training_at_birth"]["output_keys"] == [
        "S3OutputPath"
    ]  # no KmsKeyId: Estimator.attach fails
    assert alone["endpoint_data_capture"] == {}  # AWS leaves DataCaptureConfig out
    shape = output_shape("sagemaker", "DescribeEndpoint")
    assert "DescribeEndpoint.DataCaptureConfig: an empty structure (AWS leaves it out)" in [
        p.replace("<output>", "DescribeEndpoint") for p in problems(shape, {"DataCaptureConfig": {}})
    ]


def test_the_checker_finds_what_is_wrong():
    shape = output_shape("sagemaker", "DescribeTrainingJob")
    found = problems(
        shape,
        {
            "TrainingJobName": "j",
            "TrainingJobArn": "arn:aws:sagemaker:us-east-1:123:training-job/j",
            "TrainingJobStatus": "Done",
            "Tags": [],
        },
    )
    assert "<output>.ModelArtifacts: required, missing" in found
    assert "<output>.TrainingJobStatus: 'Done' is not one of TrainingJobStatus's values" in found
    assert "<output>.Tags: not a member of DescribeTrainingJobResponse" in found
    assert any(p.startswith("<output>.TrainingJobArn:") and "does not match" in p for p in found)


# ---------------------------------------------------------------------------------------------- the walk


def _reads(sb) -> list[tuple[str, str, dict]]:
    """The read calls smtui makes, on every kind of resource the seeded account holds."""
    now = dt.datetime.now(dt.UTC)
    group = sc.TRAINING_GROUP
    stream = sb.scenario.streams[("training", sc.COMPLETED_JOB)][0]
    calls: list[tuple[str, str, dict]] = [
        (
            "sagemaker",
            "list_endpoints",
            {"MaxResults": 100, "SortBy": "CreationTime", "SortOrder": "Descending"},
        ),
        ("sagemaker", "list_training_jobs", {"MaxResults": 100}),
        ("sagemaker", "list_processing_jobs", {"MaxResults": 100}),
        ("sagemaker", "list_transform_jobs", {"MaxResults": 100}),
        ("sagemaker", "list_domains", {}),
        ("sagemaker", "list_user_profiles", {"DomainIdEquals": sc.DOMAIN_ID}),
        ("sagemaker", "describe_user_profile", {"DomainId": sc.DOMAIN_ID, "UserProfileName": "alice"}),
        ("sagemaker", "describe_endpoint_config", {"EndpointConfigName": f"{sc.ENDPOINT}-config"}),
        ("logs", "describe_log_groups", {"logGroupNamePrefix": "/aws/sagemaker/"}),
        (
            "logs",
            "describe_log_streams",
            {"logGroupName": group, "logStreamNamePrefix": f"{sc.COMPLETED_JOB}/"},
        ),
        ("logs", "get_log_events", {"logGroupName": group, "logStreamName": stream, "limit": 50}),
        ("logs", "filter_log_events", {"logGroupName": group, "filterPattern": "ERROR", "limit": 50}),
        ("cloudtrail", "lookup_events", {"MaxResults": 50}),
        (
            "logs",
            "start_query",
            {
                "logGroupName": group,
                "startTime": int((now - dt.timedelta(days=2)).timestamp()),
                "endTime": int(now.timestamp()),
                "queryString": "fields @timestamp, @message | limit 5",
            },
        ),
        ("cloudwatch", "list_metrics", {"Namespace": "/aws/sagemaker/TrainingJobs"}),
        (
            "cloudwatch",
            "get_metric_data",
            {
                "StartTime": now - dt.timedelta(hours=3),
                "EndTime": now,
                "MetricDataQueries": [
                    {
                        "Id": "cpu",
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "/aws/sagemaker/TrainingJobs",
                                "MetricName": "CPUUtilization",
                                "Dimensions": [{"Name": "Host", "Value": f"{sc.MULTI_NODE_JOB}/algo-1"}],
                            },
                            "Period": 60,
                            "Stat": "Average",
                        },
                    }
                ],
            },
        ),
        ("sts", "get_caller_identity", {}),
    ]
    calls += [("sagemaker", "describe_training_job", {"TrainingJobName": n}) for n in sc.TRAINING_JOBS]
    calls += [("sagemaker", "describe_processing_job", {"ProcessingJobName": n}) for n in sc.PROCESSING_JOBS]
    calls += [("sagemaker", "describe_transform_job", {"TransformJobName": n}) for n in sc.TRANSFORM_JOBS]
    calls += [("sagemaker", "describe_endpoint", {"EndpointName": n}) for n in sc.ENDPOINTS]
    calls += [("sagemaker", "describe_domain", {"DomainId": d}) for d in (sc.DOMAIN_ID, sc.LEGACY_DOMAIN_ID)]
    calls += _more_kinds()
    calls += _job_reads()
    return calls


def _more_kinds() -> list[tuple[str, str, dict]]:
    """Notebook instances, HyperPod clusters (and their nodes) and Studio apps: listed as their panes list
    them, each seeded one described as its detail screen describes it."""
    from smtui.aws.resources import BY_KEY
    from smtui.sandbox.scenario import apps, clusters, compilation, notebooks

    calls: list[tuple[str, str, dict]] = []
    for key, names in (
        ("notebook", notebooks.NOTEBOOKS),
        ("compilation", (compilation.COMPILED, compilation.FAILED)),
        ("cluster", clusters.CLUSTERS),
        ("app", [f"{sc.DOMAIN_ID}/{o}/{t}/{n}" for o, t, n, _, _ in apps.APPS]),
    ):
        kind = BY_KEY.get(key)
        if kind is None:
            continue
        calls.append(("sagemaker", kind.list_op, kind.list_params()))
        calls += [("sagemaker", kind.describe_op, kind.describe_params(n)) for n in names]
        calls += [("sagemaker", r.op, {r.param: n}) for r in kind.related for n in names]
    return calls


def _job_reads() -> list[tuple[str, str, dict]]:
    """Labeling, inference recommendations and tuning jobs (smtui/sandbox/fidelity_jobs.py)."""
    from smtui.sandbox.scenario.labeling import LABELING_JOBS
    from smtui.sandbox.scenario.recommendations import RECOMMENDATION_JOBS
    from smtui.sandbox.scenario.tuning import TUNING_JOBS

    calls: list[tuple[str, str, dict]] = [
        ("sagemaker", "list_labeling_jobs", {"MaxResults": 100, "SortBy": "CreationTime"}),
        ("sagemaker", "list_inference_recommendations_jobs", {"MaxResults": 100}),
        ("sagemaker", "list_hyper_parameter_tuning_jobs", {"MaxResults": 100, "SortBy": "CreationTime"}),
    ]
    calls += [
        ("sagemaker", "describe_hyper_parameter_tuning_job", {"HyperParameterTuningJobName": n})
        for n in TUNING_JOBS
    ]
    calls += [
        ("sagemaker", "list_training_jobs_for_hyper_parameter_tuning_job", {"HyperParameterTuningJobName": n})
        for n in TUNING_JOBS
    ]
    calls += [("sagemaker", "describe_labeling_job", {"LabelingJobName": n}) for n in LABELING_JOBS]
    calls += [
        ("sagemaker", "describe_inference_recommendations_job", {"JobName": n}) for n in RECOMMENDATION_JOBS
    ]
    return calls


def _walk(sb, calls) -> list[str]:
    captures: dict[str, Capture] = {}
    found: list[str] = []
    for service, op, params in calls:
        capture = captures.get(service) or captures.setdefault(service, Capture(sb.boto3_client(service)))
        found += capture.check(op, **params)
        if op == "start_query":  # the Insights flow: results, then stop
            query = capture.parsed["queryId"]
            found += capture.check("get_query_results", queryId=query)
            found += capture.check("stop_query", queryId=query)
    return found


def test_every_operation_smtui_calls_is_walked(sandbox):
    walked = {(service, op) for service, op, _ in _reads(sandbox)}
    walked |= {("logs", "get_query_results"), ("logs", "stop_query")}  # after start_query, in _walk
    missing = smtui_operations() - walked - set(NOT_WALKED)
    assert not missing, f"smtui calls these, the shape walk does not: {sorted(missing)}"


def test_what_smtui_reads_has_aws_shapes(sandbox):
    assert _walk(sandbox, _reads(sandbox)) == []


def test_what_the_seed_and_lifecycles_write_answers_in_aws_shapes(own_sandbox):
    sb = own_sandbox("writes", driver=True)
    name = uid("shape")
    iam = Capture(sb.boto3_client("iam"))
    found = iam.check(
        "create_role",
        RoleName=name,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    found += iam.check(
        "put_role_policy",
        RoleName=name,
        PolicyName="p",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )
    found += iam.check("get_role", RoleName=name)
    found += iam.check("create_user", UserName=name)
    found += iam.check("create_access_key", UserName=name)
    sm = Capture(sb.boto3_client("sagemaker"))
    found += sm.check(
        "create_training_job",
        TrainingJobName=name,
        RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://b/o/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    found += sm.check("describe_training_job", TrainingJobName=name)  # InProgress, Starting
    found += sm.check("stop_training_job", TrainingJobName=name)
    found += sm.check("describe_training_job", TrainingJobName=name)  # Stopping
    found += sm.check(
        "create_model", ModelName=name, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE}
    )
    found += sm.check(
        "create_endpoint_config",
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
    found += sm.check("create_endpoint", EndpointName=name, EndpointConfigName=name)
    found += sm.check("describe_endpoint", EndpointName=name)  # Creating
    found += sm.check(
        "create_processing_job",
        ProcessingJobName=name,
        RoleArn=ROLE,
        AppSpecification={"ImageUri": IMAGE},
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}
        },
    )
    found += sm.check("describe_processing_job", ProcessingJobName=name)
    found += sm.check(
        "create_transform_job",
        TransformJobName=name,
        ModelName=name,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
        TransformOutput={"S3OutputPath": "s3://b/out/"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )
    found += sm.check("describe_transform_job", TransformJobName=name)
    logs = Capture(sb.boto3_client("logs"))
    found += logs.check("create_log_group", logGroupName=f"/shape/{name}")
    found += logs.check("create_log_stream", logGroupName=f"/shape/{name}", logStreamName="s")
    found += logs.check(
        "put_log_events",
        logGroupName=f"/shape/{name}",
        logStreamName="s",
        logEvents=[{"timestamp": 1, "message": "m"}],
    )
    sts = Capture(sb.boto3_client("sts"))
    found += sts.check(
        "assume_role",
        RoleArn=sb.ensure_role(
            uid("r"),
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}
                ],
            },
        ),
        RoleSessionName="shape",
    )
    assert found == []


@pytest.mark.parametrize("kind", ["training", "endpoint"])
def test_describe_is_fitted_even_for_fields_set_by_hand(sandbox, kind):
    """A test that sets a member AWS does not have, or an empty structure, still gets AWS's shape."""
    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.shapes import describe

    fields = fsm.get_fields(kind, sc.FAILED_JOB if kind == "training" else sc.FAILED_ENDPOINT)
    fitted = describe(kind, {**fields, "Bogus": 1, "DataCaptureConfig": {}})
    assert "Bogus" not in fitted and "DataCaptureConfig" not in fitted
