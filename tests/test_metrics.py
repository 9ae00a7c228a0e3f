"""Metrics: the documented namespaces, dimensions and units, and one GetMetricData call per refresh."""

from __future__ import annotations

import datetime as dt

from smtui.aws import metrics
from smtui.aws.resources import BY_KEY, ENDPOINT, TRAINING
from smtui.widgets.sparkline import spark

UTC = dt.UTC


def test_job_queries_use_the_host_dimension_per_instance():
    hosts = metrics.job_hosts(TRAINING, "llama", {"ResourceConfig": {"InstanceCount": 4}})
    assert hosts == [f"llama/algo-{i}" for i in range(1, 5)]
    queries = metrics.job_queries(TRAINING, hosts)
    assert {q.metric for q in queries} == set(
        TRAINING.metric_names
    ) and "DiskUtilization" in TRAINING.metric_names
    assert all(q.namespace == "/aws/sagemaker/TrainingJobs" and q.unit == "Percent" for q in queries)
    assert {q.dimensions for q in queries} == {(("Host", h),) for h in hosts}
    assert len({q.id for q in queries}) == len(queries)
    transform = metrics.job_queries(BY_KEY["transform"], ["t/i-0abc"])
    assert "DiskUtilization" not in {q.metric for q in transform}  # not reported for batch transform


def test_endpoint_queries_per_variant_with_units():
    queries = metrics.endpoint_queries("churn-prod", ["variant-a", "variant-b"])
    by = {(q.namespace, q.metric, q.label): q for q in queries}
    inv = by[("AWS/SageMaker", "Invocations", "variant-a")]
    assert inv.stat == "Sum" and inv.unit == "None"
    assert inv.dimensions == (("EndpointName", "churn-prod"), ("VariantName", "variant-a"))
    assert by[("AWS/SageMaker", "ModelLatency", "variant-b")].unit == "Microseconds"
    assert by[("/aws/sagemaker/Endpoints", "CPUUtilization", "variant-b")].unit == "Percent"


def test_window_covers_the_end_of_a_finished_job_and_now_for_a_running_one():
    now = dt.datetime(2026, 11, 27, 12, tzinfo=UTC)
    done = {
        "TrainingJobStatus": "Completed",
        "TrainingStartTime": now - dt.timedelta(hours=30),
        "TrainingEndTime": now - dt.timedelta(hours=20),
    }
    w = metrics.window_for(TRAINING, done, now)
    assert w.end >= now - dt.timedelta(hours=20) and w.end - w.start <= dt.timedelta(hours=3, minutes=5)
    running = {"TrainingJobStatus": "InProgress", "TrainingStartTime": now - dt.timedelta(minutes=30)}
    w = metrics.window_for(TRAINING, running, now)
    assert w.end >= now and w.period % 60 == 0
    req = metrics.request(metrics.endpoint_queries("e", ["v"]), metrics.window_for(ENDPOINT, {}, now))
    assert len(req["MetricDataQueries"]) == 10


def test_sparkline():
    assert spark([]) == ""
    assert spark([0, 50, 100], floor=0) == "▁▅█"
    assert len(spark(list(range(500)), 40)) == 40


async def test_fetch_is_one_call_for_every_metric_of_a_running_multi_host_job(sandbox, aws):
    d = await aws.call("sagemaker", "describe_training_job", TrainingJobName="llama3-ft-multinode")
    hosts = metrics.job_hosts(TRAINING, "llama3-ft-multinode", d)
    assert len(hosts) == 4
    queries = metrics.job_queries(TRAINING, hosts)
    before = aws.limiter.sent["cloudwatch.GetMetricData"]
    series = await metrics.fetch(aws, queries, metrics.window_for(TRAINING, d))
    assert aws.limiter.sent["cloudwatch.GetMetricData"] - before == 1
    cpu = [s for s in series if s.query.metric == "CPUUtilization"]
    assert len(cpu) == 4 and all(s.values for s in cpu)


async def test_transform_hosts_are_discovered(sandbox, aws):
    kind = BY_KEY["transform"]
    hosts = await metrics.discover_hosts(aws, kind, "batch-embed-docs")
    assert hosts and all(h.startswith("batch-embed-docs/") for h in hosts)
