"""The default scenario as a user's tools see it: over HTTP through smtui's AwsSession."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from smtui.aws.resources import BY_KEY, ENDPOINT, PROCESSING, TRAINING, TRANSFORM
from smtui.sandbox import scenario as sc


async def _list_all(aws, kind) -> list[dict]:
    out: list[dict] = []
    async for page in aws.pages("sagemaker", kind.list_op, **kind.list_params()):
        out += page[kind.list_key]
    return out


async def test_four_lists_show_the_team_account(aws):
    training = {kind_row["TrainingJobName"]: kind_row for kind_row in await _list_all(aws, TRAINING)}
    assert set(sc.TRAINING_JOBS) <= set(training)
    assert len(training) >= 14
    assert sum(n.startswith(sc.NIGHTLY_PREFIX) for n in training) >= sc.NIGHTLY_DAYS
    assert training[sc.MULTI_NODE_JOB]["TrainingJobStatus"] == "InProgress"
    assert training[sc.MULTI_NODE_JOB]["SecondaryStatus"] == "Training"
    assert training[sc.FAILED_JOB]["TrainingJobStatus"] == "Failed"
    assert training[sc.STOPPED_JOB]["TrainingJobStatus"] == "Stopped"
    assert training[sc.COMPLETED_JOB]["TrainingJobStatus"] == "Completed"

    processing = {r["ProcessingJobName"]: r for r in await _list_all(aws, PROCESSING)}
    assert processing[sc.PROCESSING_JOB]["ProcessingJobStatus"] == "Completed"
    assert processing[sc.PROCESSING_IN_PROGRESS]["ProcessingJobStatus"] == "InProgress"
    assert processing[sc.PROCESSING_FAILED]["ProcessingJobStatus"] == "Failed"
    assert "quality" in processing[sc.PROCESSING_FAILED]["FailureReason"]

    transform = {r["TransformJobName"]: r for r in await _list_all(aws, TRANSFORM)}
    assert transform[sc.TRANSFORM_JOB]["TransformJobStatus"] == "Completed"
    assert transform[sc.TRANSFORM_IN_PROGRESS]["TransformJobStatus"] == "InProgress"

    endpoints = {r["EndpointName"]: r for r in await _list_all(aws, ENDPOINT)}
    assert {n: endpoints[n]["EndpointStatus"] for n in sc.ENDPOINTS} == {
        sc.ENDPOINT: "InService",
        sc.ASYNC_ENDPOINT: "InService",
        sc.FAILED_ENDPOINT: "Failed",
        sc.CREATING_ENDPOINT: "Creating",
    }


async def test_lists_are_newest_first_and_creation_times_spread_over_days(aws):
    rows = await _list_all(aws, TRAINING)
    created = [r["CreationTime"] for r in rows]
    assert created == sorted(created, reverse=True)
    assert max(created) - min(created) > dt.timedelta(days=5)


async def test_describe_training_carries_the_fields_users_need(aws):
    failed = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.FAILED_JOB)
    assert "CUDA out of memory" in failed["FailureReason"]
    assert failed["SecondaryStatusTransitions"][-1]["Status"] == "Failed"
    spot = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.SPOT_JOB)
    assert spot["EnableManagedSpotTraining"] is True
    assert spot["BillableTimeInSeconds"] < spot["TrainingTimeInSeconds"]
    bert = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.COMPLETED_JOB)
    assert {m["MetricName"] for m in bert["FinalMetricDataList"]} >= {"validation:accuracy"}
    assert bert["HyperParameters"]["model_name"] == "bert-base-uncased"
    assert bert["ResourceConfig"] == {
        "InstanceType": "ml.g5.2xlarge",
        "InstanceCount": 1,
        "VolumeSizeInGB": 100,
    }
    multi = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.MULTI_NODE_JOB)
    assert multi["ResourceConfig"]["InstanceCount"] == 4
    assert "TrainingEndTime" not in multi


async def test_describe_endpoints(aws):
    prod = await aws.call("sagemaker", "describe_endpoint", EndpointName=sc.ENDPOINT)
    assert {v["VariantName"]: v["CurrentInstanceCount"] for v in prod["ProductionVariants"]} == {
        "variant-a": 2,
        "variant-b": 1,
    }
    assert prod["DataCaptureConfig"]["CaptureStatus"] == "Started"
    summ = await aws.call("sagemaker", "describe_endpoint", EndpointName=sc.ASYNC_ENDPOINT)
    assert summ["AsyncInferenceConfig"]["OutputConfig"]["S3OutputPath"].startswith("s3://")
    failed = await aws.call("sagemaker", "describe_endpoint", EndpointName=sc.FAILED_ENDPOINT)
    assert "ping health check" in failed["FailureReason"]


async def test_domains_and_user_profiles(aws):
    domains = {d["DomainId"]: d for d in (await aws.call("sagemaker", "list_domains"))["Domains"]}
    assert domains[sc.DOMAIN_ID]["DomainName"] == sc.DOMAIN_NAME
    assert domains[sc.LEGACY_DOMAIN_ID]["DomainName"] == sc.LEGACY_DOMAIN_NAME
    team = await aws.call("sagemaker", "describe_domain", DomainId=sc.DOMAIN_ID)
    assert team["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME"
    legacy = await aws.call("sagemaker", "describe_domain", DomainId=sc.LEGACY_DOMAIN_ID)
    assert legacy["DomainSettings"]["ExecutionRoleIdentityConfig"] == "DISABLED"
    profiles = await aws.call("sagemaker", "list_user_profiles", DomainIdEquals=sc.DOMAIN_ID)
    assert sorted(p["UserProfileName"] for p in profiles["UserProfiles"]) == ["alice", "bob"]


async def test_job_log_streams_follow_the_documented_names(aws):
    epoch = r"\d{10}"
    streams = (
        await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=TRAINING.log_group(sc.MULTI_NODE_JOB),
            logStreamNamePrefix=TRAINING.stream_prefix(sc.MULTI_NODE_JOB),
        )
    )["logStreams"]
    names = sorted(s["logStreamName"] for s in streams)
    assert len(names) == 4
    for i, name in enumerate(names, start=1):
        assert re.fullmatch(rf"{sc.MULTI_NODE_JOB}/algo-{i}-{epoch}", name)
        assert TRAINING.source_label(sc.MULTI_NODE_JOB, name) == f"algo-{i}"
    proc = (
        await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=PROCESSING.log_group(sc.PROCESSING_JOB),
            logStreamNamePrefix=PROCESSING.stream_prefix(sc.PROCESSING_JOB),
        )
    )["logStreams"]
    assert sorted(PROCESSING.source_label(sc.PROCESSING_JOB, s["logStreamName"]) for s in proc) == [
        "algo-1",
        "algo-2",
    ]
    xf = (
        await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=TRANSFORM.log_group(sc.TRANSFORM_JOB),
            logStreamNamePrefix=TRANSFORM.stream_prefix(sc.TRANSFORM_JOB),
        )
    )["logStreams"]
    labels = sorted(TRANSFORM.source_label(sc.TRANSFORM_JOB, s["logStreamName"]) for s in xf)
    i1, i2 = sc.TRANSFORM_INSTANCES
    assert labels == [i1, f"{i1}/data-log", i2, f"{i2}/data-log"]
    ep = (await aws.call("logs", "describe_log_streams", logGroupName=ENDPOINT.log_group(sc.ENDPOINT)))[
        "logStreams"
    ]
    assert sorted(s["logStreamName"] for s in ep) == sorted(
        f"{v}/{i}" for v, insts in sc.ENDPOINT_VARIANTS.items() for i in insts
    )
    asy = (
        await aws.call("logs", "describe_log_streams", logGroupName=ENDPOINT.log_group(sc.ASYNC_ENDPOINT))
    )["logStreams"]
    assert any(s["logStreamName"].endswith("/data-log") for s in asy)


async def test_prefix_pair_is_separated_by_the_trailing_slash(aws):
    group = TRAINING.log_group(sc.PREFIX_JOB)
    one = (
        await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=group,
            logStreamNamePrefix=TRAINING.stream_prefix(sc.PREFIX_JOB),
        )
    )["logStreams"]
    two = (
        await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=group,
            logStreamNamePrefix=TRAINING.stream_prefix(sc.PREFIX_JOB_2),
        )
    )["logStreams"]
    assert [s["logStreamName"].split("/")[0] for s in one] == [sc.PREFIX_JOB]
    assert [s["logStreamName"].split("/")[0] for s in two] == [sc.PREFIX_JOB_2]
    got = await aws.call(
        "logs",
        "filter_log_events",
        logGroupName=group,
        logStreamNamePrefix=TRAINING.stream_prefix(sc.PREFIX_JOB),
        filterPattern='"PREFIX-PAIR"',
    )
    assert [e["message"] for e in got["events"]] == [
        "PREFIX-PAIR marker: this line belongs to job 'train' only"
    ]


async def test_get_log_events_reads_realistic_content(aws):
    group = TRAINING.log_group(sc.COMPLETED_JOB)
    stream = (
        await aws.call(
            "logs", "describe_log_streams", logGroupName=group, logStreamNamePrefix=f"{sc.COMPLETED_JOB}/"
        )
    )["logStreams"][0]["logStreamName"]
    got = await aws.call(
        "logs", "get_log_events", logGroupName=group, logStreamName=stream, startFromHead=True
    )
    messages = [e["message"] for e in got["events"]]
    assert any(m.startswith("epoch 3/10 - loss: ") and "val_accuracy: " in m for m in messages)
    assert any("\r" in m and "100%|##########| 500/500" in m for m in messages)
    assert max(len(m.encode()) for m in messages) == sc.LONG_LINE_BYTES
    failed = (
        await aws.call(
            "logs",
            "filter_log_events",
            logGroupName=group,
            logStreamNamePrefix=f"{sc.FAILED_JOB}/",
            filterPattern="Traceback",
        )
    )["events"]
    assert "CUDA out of memory" in failed[0]["message"]


async def test_hostile_lines_arrive_unaltered(aws):
    group = TRAINING.log_group(sc.HOSTILE_JOB)
    got = await aws.call(
        "logs", "filter_log_events", logGroupName=group, logStreamNamePrefix=f"{sc.HOSTILE_JOB}/"
    )
    messages = [e["message"] for e in got["events"]]
    assert messages == list(sc.HOSTILE_LINES)
    joined = "".join(messages)
    for seq in ("\x1b]0;", "\x1b]52;", "\x1b]8;;", "\x1b[2J", "\x9b", "\x7f"):
        assert seq in joined


async def test_endpoint_logs_have_health_checks_and_inference(aws):
    group = ENDPOINT.log_group(sc.ENDPOINT)
    pings = await aws.call(
        "logs", "filter_log_events", logGroupName=group, filterPattern='"GET /ping HTTP/1.1\\" 200"'
    )
    assert len(pings["events"]) > 100
    inv = await aws.call("logs", "filter_log_events", logGroupName=group, filterPattern='"POST /invocations"')
    assert inv["events"]
    streams = {e["logStreamName"] for e in inv["events"]}
    assert {s.split("/")[0] for s in streams} == {"variant-a", "variant-b"}


async def test_metrics_for_jobs_and_endpoints(aws):
    now = dt.datetime.now(dt.UTC)
    queries = [
        {
            "Id": f"h{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": TRAINING.metrics_namespace,
                    "MetricName": "GPUUtilization",
                    "Dimensions": [{"Name": "Host", "Value": f"{sc.MULTI_NODE_JOB}/algo-{i}"}],
                },
                "Period": 60,
                "Stat": "Average",
            },
        }
        for i in range(1, 5)
    ] + [
        {
            "Id": "inv",
            "MetricStat": {
                "Metric": {
                    "Namespace": ENDPOINT.metrics_namespace,
                    "MetricName": "Invocations",
                    "Dimensions": [
                        {"Name": "EndpointName", "Value": sc.ENDPOINT},
                        {"Name": "VariantName", "Value": "variant-a"},
                    ],
                },
                "Period": 60,
                "Stat": "Sum",
            },
        },
        {
            "Id": "cpu",
            "MetricStat": {
                "Metric": {
                    "Namespace": "/aws/sagemaker/Endpoints",
                    "MetricName": "CPUUtilization",
                    "Dimensions": [
                        {"Name": "EndpointName", "Value": sc.ENDPOINT},
                        {"Name": "VariantName", "Value": "variant-b"},
                    ],
                },
                "Period": 60,
                "Stat": "Average",
            },
        },
    ]
    got = await aws.call(
        "cloudwatch",
        "get_metric_data",
        MetricDataQueries=queries,
        StartTime=now - dt.timedelta(hours=3),
        EndTime=now + dt.timedelta(minutes=1),
    )
    counts = {r["Id"]: len(r["Values"]) for r in got["MetricDataResults"]}
    assert all(counts[f"h{i}"] > 100 for i in range(1, 5)), counts
    assert counts["inv"] > 150 and counts["cpu"] > 150, counts


def test_kinds_in_the_registry_cover_the_scenario():
    assert set(BY_KEY) == {
        "endpoint", "training", "processing", "transform", "notebook", "cluster", "app",
        "tuning", "labeling", "recommendation", "compilation",
    }  # fmt: skip


# ---------------------------------------------------------------- on the lifecycles, and the driver


@pytest.fixture(scope="module")
def live(request):
    """The default scenario on its lifecycles (in a region of this module's own), without the driver's
    people, on a clock that only the test moves."""
    from conftest import _POOL

    from smtui.sandbox import Sandbox

    region = _POOL.region(request.module.__name__, "live")
    sb = Sandbox(seed="default", driver=lambda sb: None, region=region).start()
    sb.clock.freeze()
    yield sb
    sb.stop()


def _lines(sb, group, stream):
    got = sb.boto3_client("logs").get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    return [e["message"] for e in got["events"]]


def test_the_scenario_runs_on_the_same_lifecycles_as_anything_created(live):
    sm = live.boto3_client("sagemaker")
    assert sm.describe_endpoint(EndpointName=sc.CREATING_ENDPOINT)["EndpointStatus"] == "Creating"
    streams = live.scenario.streams[("training", sc.MULTI_NODE_JOB)]
    before = {s: len(_lines(live, sc.TRAINING_GROUP, s)) for s in streams}
    live.clock.advance(21)
    assert sm.describe_endpoint(EndpointName=sc.CREATING_ENDPOINT)["EndpointStatus"] == "InService"
    (stream,) = [
        s["logStreamName"]
        for s in live.boto3_client("logs").describe_log_streams(
            logGroupName=sc.endpoint_group(sc.CREATING_ENDPOINT)
        )["logStreams"]
    ]
    assert any(
        "Torch worker started." in m for m in _lines(live, sc.endpoint_group(sc.CREATING_ENDPOINT), stream)
    )
    for s in streams:  # every host of the multi-node job wrote a line a second
        assert len(_lines(live, sc.TRAINING_GROUP, s)) >= before[s] + 21
    d = sm.describe_training_job(TrainingJobName=sc.MULTI_NODE_JOB)
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("InProgress", "Training")
    assert (
        sm.describe_processing_job(ProcessingJobName=sc.PROCESSING_IN_PROGRESS)["ProcessingJobStatus"]
        == "InProgress"
    )
    # churn-prod answers, and logs each call on one of its instances
    rt = live.boto3_client("sagemaker-runtime")
    assert rt.invoke_endpoint(EndpointName=sc.ENDPOINT, ContentType="text/csv", Body="0.1,0.2")["Body"].read()


def test_the_driver_acts_for_the_team_through_the_api(live):
    from smtui.sandbox.driver import ScenarioDriver

    driver = ScenarioDriver(live, spawn_every=1)
    driver.tick()
    (name,) = driver.spawned
    d = live.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)
    assert (d["TrainingJobStatus"], d["SecondaryStatus"]) == ("InProgress", "Starting")  # then its lifecycle
    live.clock.advance(30)
    assert (
        live.boto3_client("sagemaker").describe_training_job(TrainingJobName=name)["SecondaryStatus"]
        != "Starting"
    )
    assert driver.errors == 0


async def test_driver_thread_spawns_jobs_recorded_in_cloudtrail_as_their_owners(sandbox, aws):
    import asyncio
    import json
    import time

    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.driver import ScenarioDriver

    state = sc.ScenarioState(seeded_at=dt.datetime.now(dt.UTC), identities=sandbox.scenario.identities)
    driver = ScenarioDriver(sandbox, state, spawn_every=1, invoke=False).start(interval=0.01)
    try:
        deadline = time.monotonic() + 10
        while len(driver.spawned) < 3 and time.monotonic() < deadline:  # noqa: ASYNC110 - another thread
            await asyncio.sleep(0.02)
    finally:
        driver.stop()
    try:
        assert not driver.running and driver.errors == 0
        alice_job, bob_job, ci_job = driver.spawned[:3]
        got = await aws.call(
            "cloudtrail",
            "lookup_events",
            MaxResults=50,
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateTrainingJob"}],
        )
        who = {}
        for event in got["Events"]:
            record = json.loads(event["CloudTrailEvent"])
            if record.get("eventType") != "AwsApiCall":  # SageMaker's own, for a tuning job: nobody's call
                continue
            ctx = record["userIdentity"].get("sessionContext", {})
            job = record["requestParameters"].get("trainingJobName")
            who.setdefault(job, (record["userIdentity"]["arn"].rsplit("/", 1)[-1], ctx.get("sourceIdentity")))
        assert who[alice_job] == ("alice", "alice")
        assert who[bob_job] == ("bob", "bob")
        assert who[ci_job] == (sc.CI_SESSION_NAME, None)
    finally:
        for name in driver.spawned:
            fsm.delete("training", name)


async def test_cloudtrail_records_each_create_at_its_creation_time_and_by_its_owner(sandbox, aws):
    import json

    records = {}
    async for page in aws.pages(
        "cloudtrail",
        "lookup_events",
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateTrainingJob"}],
    ):
        for event in page["Events"]:
            record = json.loads(event["CloudTrailEvent"])
            if record.get("eventType") != "AwsApiCall":  # SageMaker's own, for a tuning job: nobody's call
                continue
            records.setdefault(record["requestParameters"].get("trainingJobName"), (event, record))
    nightly = sc.nightly_names(sandbox.scenario.seeded_at)
    for name, user, source in (
        (sc.COMPLETED_JOB, "bob", "bob"),
        (sc.MULTI_NODE_JOB, "alice", "alice"),
        (nightly[-1], sc.CI_SESSION_NAME, None),
    ):
        event, record = records[name]
        desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=name)
        assert abs((event["EventTime"] - desc["CreationTime"]).total_seconds()) < 2
        assert record["userIdentity"]["arn"].rsplit("/", 1)[-1] == user
        assert record["userIdentity"].get("sessionContext", {}).get("sourceIdentity") == source


async def test_completed_jobs_have_metrics_for_their_run(aws):
    desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.COMPLETED_JOB)
    got = await aws.call(
        "cloudwatch",
        "get_metric_data",
        StartTime=desc["TrainingStartTime"],
        EndTime=desc["TrainingEndTime"],
        MetricDataQueries=[
            {
                "Id": "gpu",
                "MetricStat": {
                    "Metric": {
                        "Namespace": TRAINING.metrics_namespace,
                        "MetricName": "GPUUtilization",
                        "Dimensions": [{"Name": "Host", "Value": f"{sc.COMPLETED_JOB}/algo-1"}],
                    },
                    "Period": 60,
                    "Stat": "Average",
                },
            }
        ],
    )
    values = got["MetricDataResults"][0]["Values"]
    assert len(values) >= 40 and all(0 <= v <= 100 for v in values)


def test_roles_carry_policies_that_work_under_iam_enforcement(sandbox):
    from botocore.exceptions import ClientError

    alice = sandbox.boto3_client("sagemaker", **sandbox.scenario.identities["alice"])
    ci = sandbox.boto3_client("sagemaker", **sandbox.scenario.identities["ci"])
    sandbox.enable_iam_auth()
    try:
        assert (
            alice.describe_training_job(TrainingJobName=sc.MULTI_NODE_JOB)["TrainingJobStatus"]
            == "InProgress"
        )
        assert ci.list_endpoints(MaxResults=5)["Endpoints"]
        try:
            ci.delete_endpoint(EndpointName="no-such-endpoint")  # denied before it is looked up
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "AccessDeniedException"
        else:
            raise AssertionError("the CI role must not be able to delete endpoints")
    finally:
        sandbox.disable_iam_auth()


async def test_describe_processing_and_transform_jobs(aws):
    proc = await aws.call("sagemaker", "describe_processing_job", ProcessingJobName=sc.PROCESSING_JOB)
    assert proc["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2
    assert proc["ProcessingEndTime"] > proc["ProcessingStartTime"] > proc["CreationTime"]
    failed = await aws.call("sagemaker", "describe_processing_job", ProcessingJobName=sc.PROCESSING_FAILED)
    assert failed["ProcessingJobStatus"] == "Failed" and "constraint" in failed["FailureReason"]
    running = await aws.call(
        "sagemaker", "describe_processing_job", ProcessingJobName=sc.PROCESSING_IN_PROGRESS
    )
    assert running["ProcessingJobStatus"] == "InProgress" and "ProcessingEndTime" not in running
    xf = await aws.call("sagemaker", "describe_transform_job", TransformJobName=sc.TRANSFORM_JOB)
    assert xf["TransformResources"] == {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2}
    assert xf["TransformEndTime"] > xf["TransformStartTime"] and "FailureReason" not in xf
    live = await aws.call("sagemaker", "describe_transform_job", TransformJobName=sc.TRANSFORM_IN_PROGRESS)
    assert live["TransformJobStatus"] == "InProgress" and "TransformEndTime" not in live


async def test_metrics_stay_within_what_each_instance_type_can_report(aws):
    """GPUUtilization is 0-100% per GPU, CPUUtilization 0-100% per vCPU (developer guide, job metrics)."""
    now = dt.datetime.now(dt.UTC)
    cases = {
        "embed": (
            "/aws/sagemaker/TransformJobs",
            "GPUUtilization",
            f"{sc.TRANSFORM_IN_PROGRESS}/",
            100,
        ),  # g5.xlarge: 1 GPU
        "multi": (
            "/aws/sagemaker/TrainingJobs",
            "GPUUtilization",
            f"{sc.MULTI_NODE_JOB}/algo-1",
            800,
        ),  # p4d: 8 GPUs
        "xgb": (
            "/aws/sagemaker/TrainingJobs",
            "CPUUtilization",
            f"{sc.SPOT_JOB}/algo-1",
            400,
        ),  # m5.xlarge: 4 vCPUs
    }
    hosts = (
        await aws.call(
            "cloudwatch",
            "list_metrics",
            Namespace="/aws/sagemaker/TransformJobs",
            MetricName="GPUUtilization",
        )
    )["Metrics"]
    embed_host = next(
        d["Value"] for m in hosts for d in m["Dimensions"] if d["Value"].startswith(cases["embed"][2])
    )
    for key, (namespace, metric, host, limit) in cases.items():
        got = await aws.call(
            "cloudwatch",
            "get_metric_statistics",
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": "Host", "Value": embed_host if key == "embed" else host}],
            StartTime=now - dt.timedelta(days=3),
            EndTime=now,
            Period=3600,
            Statistics=["Maximum"],
        )
        peaks = [p["Maximum"] for p in got["Datapoints"]]
        assert peaks and max(peaks) <= limit, (key, max(peaks))
        assert max(peaks) > limit * 0.3, (key, max(peaks))  # busy, not idle


async def test_the_readme_error_filter_finds_the_endpoints_errors(aws):
    """``smtui logs endpoint churn-prod --filter '"ERROR"'``: the serving container writes levels in capitals."""
    got = await aws.call(
        "logs", "filter_log_events", logGroupName=ENDPOINT.log_group(sc.ENDPOINT), filterPattern='"ERROR"'
    )
    assert got["events"]
    assert all(":ERROR] Exception on /invocations [POST]" in e["message"] for e in got["events"])
    everything = await aws.call(
        "logs", "filter_log_events", logGroupName=ENDPOINT.log_group(sc.ENDPOINT), filterPattern='"error"'
    )
    assert not [e for e in everything["events"] if '"level": "error"' in e["message"]]
