"""What moto 5.2.5 does on its own, without smtui's fidelity layer: measured in a fresh interpreter
running a plain ``ThreadedMotoServer`` (nothing of smtui imported), so the patches cannot leak in.

The fidelity tests assert these gaps still exist: when moto fixes one, its test fails and the patch
can go.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

_SCRIPT = r"""
import datetime, json
from moto.server import ThreadedMotoServer
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
def client(service, **creds):
    creds.setdefault("aws_access_key_id", "AKIAEXAMPLE")
    creds.setdefault("aws_secret_access_key", "x")
    return boto3.client(service, region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                        config=Config(retries={"total_max_attempts": 1}), **creds)
def code(exc):
    meta = getattr(exc, "response", {}).get("ResponseMetadata", {})
    return {"status": meta.get("HTTPStatusCode"), "code": getattr(exc, "response", {}).get("Error", {}).get("Code")}
out = {}
try:
    client("cloudtrail").lookup_events(MaxResults=5)
    out["lookup_events"] = {"ok": True}
except Exception as exc:
    out["lookup_events"] = {"ok": False, **code(exc)}
sts = client("sts")
good = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="alice",
                       SourceIdentity="alice")
out["assume_role_keys"] = sorted(k for k in good if k != "ResponseMetadata")
try:
    sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="bob",
                    SourceIdentity="not valid!")
    out["invalid_source_identity"] = "accepted"
except Exception as exc:
    out["invalid_source_identity"] = getattr(exc, "response", {}).get("Error", {}).get("Code")
# a role of another account, and a role that trusts only SageMaker: both assumed
other = sts.assume_role(RoleArn="arn:aws:iam::999999999999:role/Theirs", RoleSessionName="xx")
out["other_account_role"] = "assumed" if other.get("Credentials") else "refused"
iam = client("iam")
iam.create_role(RoleName="OnlySageMaker", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
only = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/OnlySageMaker", RoleSessionName="yy",
                       SourceIdentity="alice")
out["untrusted_role"] = "assumed" if only.get("Credentials") else "refused"
# a session past its DurationSeconds: moto never checks
from moto.sts.models import sts_backends
c = only["Credentials"]
for role in sts_backends["123456789012"]["aws"].assumed_roles:
    if role.access_key_id == c["AccessKeyId"]:
        role.expiration = datetime.datetime(2000, 1, 1)
try:
    client("sts", aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
           aws_session_token=c["SessionToken"]).get_caller_identity()
    out["expired_session"] = "works"
except Exception as exc:
    out["expired_session"] = code(exc)["code"]

sm = client("sagemaker")
sm.create_training_job(TrainingJobName="alone", RoleArn="arn:aws:iam::123456789012:role/R",
    AlgorithmSpecification={"TrainingImage": "img:1", "TrainingInputMode": "File"},
    OutputDataConfig={"S3OutputPath": "s3://b/o/"},
    ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
    StoppingCondition={"MaxRuntimeInSeconds": 3600})
d = sm.describe_training_job(TrainingJobName="alone")
out["training_at_birth"] = {
    "status": d["TrainingJobStatus"],
    "transitions": [t["Status"] for t in d.get("SecondaryStatusTransitions", [])],
    "started_at_creation": d.get("TrainingStartTime") == d["CreationTime"],
    "output_keys": sorted(d["OutputDataConfig"]),
    "has_time": "TrainingTimeInSeconds" in d,
}
out["training_streams"] = len(client("logs").describe_log_groups()["logGroups"])
for op, kw in (("stop_training_job", {"TrainingJobName": "alone"}),
               ("update_endpoint", {"EndpointName": "e", "EndpointConfigName": "c"}),
               ("stop_transform_job", {"TransformJobName": "alone"})):
    try:
        getattr(sm, op)(**kw)
        out[op] = {"status": 200}
    except ClientError as exc:
        out[op] = code(exc)
sm.create_model(ModelName="m", ExecutionRoleArn="arn:aws:iam::123456789012:role/R", PrimaryContainer={"Image": "img:1"})
sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[{"VariantName": "AllTraffic",
    "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
sm.create_endpoint(EndpointName="e", EndpointConfigName="c")
raw = {}
def keep(http_response, **kw):
    raw["body"] = http_response.content
sm.meta.events.register("after-call.sagemaker.DescribeEndpoint", keep)
e = sm.describe_endpoint(EndpointName="e")
out["endpoint_at_birth"] = e["EndpointStatus"]
out["endpoint_raw_keys"] = sorted(json.loads(raw["body"]))
out["endpoint_data_capture"] = json.loads(raw["body"]).get("DataCaptureConfig", "absent")
rt = client("sagemaker-runtime")
answer = rt.invoke_endpoint(EndpointName="no-such-endpoint", Body=b"1,2,3", ContentType="text/csv")
out["invoke_missing_endpoint"] = {"body": answer["Body"].read().decode(), "type": answer["ContentType"]}
# Athena: a query that names a table nobody made, and one without an output location
ath = client("athena")
qid = ath.start_query_execution(QueryString="SELECT no_such_column FROM no_such_table",
                                ResultConfiguration={"OutputLocation": "s3://nowhere/"})["QueryExecutionId"]
ex = ath.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
out["athena_missing_table"] = {"state": ex["Status"]["State"],
                               "scanned": ex.get("Statistics", {}).get("DataScannedInBytes"),
                               "rows": len(ath.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"])}
bare = ath.start_query_execution(QueryString="SELECT 1")["QueryExecutionId"]
out["athena_no_output"] = ath.get_query_execution(QueryExecutionId=bare)["QueryExecution"]["Status"]["State"]
# notebook instances: no FailureReason member, the time filters ignored, no g5 instances
sm.create_notebook_instance(NotebookInstanceName="nb", InstanceType="ml.t3.medium",
    RoleArn="arn:aws:iam::123456789012:role/R")
future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
out["notebook_created_after_tomorrow"] = len(sm.list_notebook_instances(CreationTimeAfter=future)["NotebookInstances"])
try:
    sm.create_notebook_instance(NotebookInstanceName="nb-g5", InstanceType="ml.g5.xlarge",
        RoleArn="arn:aws:iam::123456789012:role/R")
    out["notebook_g5"] = "accepted"
except ClientError as exc:
    out["notebook_g5"] = code(exc)["code"]
# HyperPod clusters: ARNs end with the name, nodes are "<group>-<n>", SortBy as the API spells it is ignored
for cname in ("hp-b", "hp-a"):
    sm.create_cluster(ClusterName=cname, InstanceGroups=[{"InstanceGroupName": "workers",
        "InstanceType": "ml.c5.xlarge", "InstanceCount": 2, "ExecutionRole": "arn:aws:iam::123456789012:role/R",
        "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-x/lc/", "OnCreate": "on_create.sh"},
        "ThreadsPerCore": 1}])
out["cluster_arn"] = sm.describe_cluster(ClusterName="hp-a")["ClusterArn"]
out["cluster_nodes"] = [n["InstanceId"] for n in sm.list_cluster_nodes(ClusterName="hp-a")["ClusterNodeSummaries"]]
out["cluster_node_message"] = sm.list_cluster_nodes(ClusterName="hp-a")["ClusterNodeSummaries"][0]["InstanceStatus"].get("Message")
out["clusters_by_name"] = [c["ClusterName"] for c in sm.list_clusters(SortBy="NAME", SortOrder="Ascending")["ClusterSummaries"]]
# Studio apps: none of their calls
for op, kw in (("list_apps", {}), ("describe_app", {"DomainId": "d-x", "UserProfileName": "u",
               "AppType": "JupyterServer", "AppName": "default"})):
    try:
        getattr(sm, op)(**kw)
        out[op] = {"status": 200}
    except ClientError as exc:
        out[op] = code(exc)
server.stop()
print(json.dumps(out))
"""


@functools.lru_cache(maxsize=1)
def moto_alone() -> dict:
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


_CALLS_SCRIPT = r"""
import json, sys
from moto.server import ThreadedMotoServer
import boto3
from botocore.config import Config

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
sm = boto3.client("sagemaker", region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                  aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x",
                  config=Config(retries={"total_max_attempts": 1}))
out = []
for op, params in json.loads(sys.argv[1]):
    try:
        answer = getattr(sm, op)(**params)
        answer.pop("ResponseMetadata", None)
        out.append({"ok": True, "answer": json.loads(json.dumps(answer, default=str))})
    except Exception as exc:
        response = getattr(exc, "response", {})
        out.append({"ok": False, "status": response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    "code": response.get("Error", {}).get("Code") or type(exc).__name__})
server.stop()
print(json.dumps(out))
"""


def moto_alone_calls(calls: list[tuple[str, dict]]) -> list[dict]:
    """Each SageMaker call (boto3 method, parameters) made in order against a plain moto server in a fresh
    interpreter: ``{"ok": True, "answer": ...}`` or ``{"ok": False, "status": ..., "code": ...}``."""
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run(
        [sys.executable, "-c", _CALLS_SCRIPT, json.dumps(calls)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: list[dict] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
