"""The default scenario as a user's tools see it: over HTTP through smtui's AwsSession."""

from __future__ import annotations

import datetime as dt
import re

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
    assert set(BY_KEY) == {"endpoint", "training", "processing", "transform"}


# ---------------------------------------------------------------- the driver


async def test_driver_tick_moves_a_job_through_its_life_and_appends_events(sandbox, aws):
    import uuid

    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.driver import PHASE_TICKS, ScenarioDriver

    name = f"drv-{uuid.uuid4().hex[:8]}"
    ep_name = f"drv-ep-{uuid.uuid4().hex[:8]}"
    sm = sandbox.boto3_client("sagemaker")
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=sc.ROLE_ARN,
        AlgorithmSpecification={"TrainingImage": sc.IMAGES["xgb"], "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    sm.create_model(
        ModelName=ep_name, ExecutionRoleArn=sc.ROLE_ARN, PrimaryContainer={"Image": sc.IMAGES["xgb"]}
    )
    sm.create_endpoint_config(
        EndpointConfigName=ep_name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": ep_name,
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=ep_name, EndpointConfigName=ep_name)
    fsm.set_status(
        "training",
        name,
        "InProgress",
        SecondaryStatus="Starting",
        SecondaryStatusTransitions=[
            {"Status": "Starting", "StartTime": dt.datetime.now(dt.UTC), "StatusMessage": "Preparing"}
        ],
    )
    fsm.set_status("endpoint", ep_name, "Creating")
    state = sc.ScenarioState(seeded_at=dt.datetime.now(dt.UTC), identities={})
    state.runs[("training", name)] = sc.Run(
        "training",
        name,
        sc.TRAINING_GROUP,
        [],
        [f"{name}/algo-1", f"{name}/algo-2"],
        TRAINING.metrics_namespace,
        "llm",
        total_steps=5,
        phase="Starting",
    )
    state.endpoints[ep_name] = sc.LiveEndpoint(
        ep_name, {"AllTraffic": ("i-0123456789abcdef0",)}, {}, ticks_to_in_service=3
    )
    driver = ScenarioDriver(sandbox, state, spawn_every=0)
    try:

        async def job():
            return await aws.call("sagemaker", "describe_training_job", TrainingJobName=name)

        async def streams():
            got = await aws.call(
                "logs",
                "describe_log_streams",
                logGroupName=sc.TRAINING_GROUP,
                logStreamNamePrefix=TRAINING.stream_prefix(name),
            )
            return [s["logStreamName"] for s in got["logStreams"]]

        for _ in range(PHASE_TICKS["Starting"]):
            driver.tick()
        assert (await job())["SecondaryStatus"] == "Downloading"
        assert await streams() == []  # streams appear when the container starts, as on SageMaker
        ep = await aws.call("sagemaker", "describe_endpoint", EndpointName=ep_name)
        assert ep["EndpointStatus"] == "InService"
        for _ in range(PHASE_TICKS["Downloading"] + 2):
            driver.tick()
        desc = await job()
        assert desc["TrainingJobStatus"] == "InProgress" and desc["SecondaryStatus"] == "Training"
        assert [t["Status"] for t in desc["SecondaryStatusTransitions"]] == [
            "Starting",
            "Downloading",
            "Training",
        ]
        names = await streams()
        assert [TRAINING.source_label(name, s) for s in sorted(names)] == ["algo-1", "algo-2"]
        first = await aws.call(
            "logs",
            "get_log_events",
            logGroupName=sc.TRAINING_GROUP,
            logStreamName=sorted(names)[0],
            startFromHead=True,
        )
        driver.tick()
        second = await aws.call(
            "logs",
            "get_log_events",
            logGroupName=sc.TRAINING_GROUP,
            logStreamName=sorted(names)[0],
            startFromHead=True,
        )
        assert len(second["events"]) > len(first["events"])
        assert "'loss': " in second["events"][-1]["message"]
        for _ in range(10):
            driver.tick()
        desc = await job()
        assert desc["TrainingJobStatus"] == "Completed" and desc["SecondaryStatus"] == "Completed"
        assert [t["Status"] for t in desc["SecondaryStatusTransitions"]][-2:] == ["Uploading", "Completed"]
        assert desc["TrainingTimeInSeconds"] >= 0 and "TrainingEndTime" in desc
        assert ("training", name) not in state.runs
        ep_streams = await aws.call("logs", "describe_log_streams", logGroupName=ENDPOINT.log_group(ep_name))
        assert [s["logStreamName"] for s in ep_streams["logStreams"]] == ["AllTraffic/i-0123456789abcdef0"]
    finally:
        fsm.delete("training", name)
        fsm.delete("endpoint", ep_name)


async def test_driver_on_the_default_scenario_keeps_the_multi_node_job_writing(sandbox, aws):
    from smtui.sandbox.driver import ScenarioDriver

    run = sandbox.scenario.runs[("training", sc.MULTI_NODE_JOB)]
    assert run.total_steps - run.step >= 1800  # 30+ minutes of demo at one tick a second

    async def sizes():
        got = await aws.call(
            "logs",
            "describe_log_streams",
            logGroupName=sc.TRAINING_GROUP,
            logStreamNamePrefix=f"{sc.MULTI_NODE_JOB}/",
        )
        return {s["logStreamName"]: s["storedBytes"] for s in got["logStreams"]}

    before = await sizes()
    ScenarioDriver(sandbox, spawn_every=0).tick()
    after = await sizes()
    assert set(after) == set(before) and all(after[s] > before[s] for s in before)
    desc = await aws.call("sagemaker", "describe_training_job", TrainingJobName=sc.MULTI_NODE_JOB)
    assert desc["TrainingJobStatus"] == "InProgress"


async def test_driver_thread_spawns_jobs_recorded_in_cloudtrail_as_their_owners(sandbox, aws):
    import asyncio
    import json
    import time

    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.driver import ScenarioDriver

    state = sc.ScenarioState(seeded_at=dt.datetime.now(dt.UTC), identities=sandbox.scenario.identities)
    driver = ScenarioDriver(sandbox, state, spawn_every=1).start(interval=0.01)
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


def test_driver_drops_a_job_deleted_under_it(sandbox):
    import uuid

    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.driver import ScenarioDriver

    state = sc.ScenarioState(seeded_at=dt.datetime.now(dt.UTC), identities={})
    name = f"gone-{uuid.uuid4().hex[:8]}"
    state.runs[("training", name)] = sc.Run(
        "training",
        name,
        sc.TRAINING_GROUP,
        [],
        [f"{name}/algo-1"],
        TRAINING.metrics_namespace,
        "xgb",
        phase="Starting",
    )
    driver = ScenarioDriver(sandbox, state, spawn_every=0)
    for _ in range(10):
        driver.tick()  # the job never existed in the backend
    assert state.runs == {}
    assert name not in fsm.backend().training_jobs
