"""The default scenario's hyperparameter tuning jobs and the training jobs SageMaker started for them: a
completed Bayesian search over XGBoost (one of its eight jobs failed), a learning-rate sweep still at work,
one stopped by bob (SageMaker stopped its running jobs) and one whose every job failed.

The tuning jobs are their owners' API calls (CloudTrail records them as such); their training jobs are
SageMaker's own doing: created without anybody's call being recorded, with the ``AwsServiceEvent`` records
CloudTrail writes for what the service did itself (created, stopped), naming both the training job and its
tuning job in ``resources``. Each training job logs ``[job]/algo-1-[epoch]`` as any training job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from smtui.sandbox import containers as ct
from smtui.sandbox.identity import iso
from smtui.sandbox.scenario.names import IMAGES, ROLE_ARN, TRAINING_GROUP
from smtui.sandbox.scenario.seeder import Seeder, bulk_client, spread
from smtui.sandbox.scenario.training import finish

TUNING_JOB = "churn-auc-hpo-1129"  # Completed: 8 jobs, one failed, best validation:auc 0.9476
TUNING_IN_PROGRESS = "llm-lr-sweep"  # InProgress: 2 done, 2 running
TUNING_STOPPED = "churn-depth-hpo"  # Stopped by bob: SageMaker stopped its 2 running jobs
TUNING_FAILED = "resnet-aug-hpo"  # Failed: every training job failed
TUNING_JOBS = (TUNING_JOB, TUNING_IN_PROGRESS, TUNING_STOPPED, TUNING_FAILED)
FAILURE_REASON_TUNING = (
    "No training job succeeded after 3 attempts. For additional details, please take a look at the training "
    "job failures by listing training jobs for the hyperparameter tuning job."
)
XGB_DEPTH_ERROR = "XGBoostError: value 0 for Parameter max_depth should be greater equal to 1"
SERVICE = "sagemaker.amazonaws.com"


def child_name(tuning: str, i: int) -> str:
    """``churn-auc-hpo-1129-003-1f2e3d4c``: SageMaker's names for the jobs of a tuning job."""
    return f"{tuning}-{i:03d}-{hashlib.sha1(f'{tuning}/{i}'.encode()).hexdigest()[:8]}"


def service_event(
    s: Seeder, when: dt.datetime, operation: str, job_arn: str, tuning_arn: str, **details: Any
) -> None:
    """A record of what SageMaker did itself for a tuning job (not anybody's API call): CloudTrail's layout of
    non-API service events (``eventType`` AwsServiceEvent, ``userIdentity`` with ``invokedBy``, no request)."""
    account, region = s.sb.account_id, s.sb.region
    s.sb.recorder.add(
        {
            "eventVersion": "1.09",
            "userIdentity": {"accountId": account, "invokedBy": SERVICE},
            "eventTime": iso(when),
            "eventSource": SERVICE,
            "eventName": operation,
            "awsRegion": region,
            "sourceIPAddress": SERVICE,
            "userAgent": SERVICE,
            "requestParameters": None,
            "responseElements": None,
            "eventID": str(uuid.uuid4()),
            "readOnly": False,
            "resources": [
                {"accountId": account, "type": "AWS::SageMaker::TrainingJob", "ARN": job_arn},
                {"accountId": account, "type": "AWS::SageMaker::HyperParameterTuningJob", "ARN": tuning_arn},
            ],
            "eventType": "AwsServiceEvent",
            "managementEvent": True,
            "recipientAccountId": account,
            "serviceEventDetails": details,
            "eventCategory": "Management",
        }
    )


class Tuning:
    """One tuning job of the scenario: created by ``who``, its training jobs started by SageMaker."""

    def __init__(self, s: Seeder, who: str, name: str, created: dt.datetime, *, metric: str, kind: str,
                 ranges: dict[str, list[dict[str, Any]]], static: dict[str, str], image: str, instance: str,
                 limit: int, parallel: int, strategy: str = "Bayesian") -> None:  # fmt: skip
        self.s, self.name, self.created, self.image, self.instance = s, name, created, image, instance
        self.static = static
        self.objective = {"Type": kind, "MetricName": metric}
        config = {
            "Strategy": strategy,
            "HyperParameterTuningJobObjective": self.objective,
            "ResourceLimits": {"MaxNumberOfTrainingJobs": limit, "MaxParallelTrainingJobs": parallel},
            "ParameterRanges": ranges,
            "TrainingJobEarlyStoppingType": "Off",
        }
        self.definition = {
            "StaticHyperParameters": static,
            "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File",
                                       "MetricDefinitions": [{"Name": metric, "Regex": f"{metric}:([0-9.]+)"}]},
            "RoleArn": ROLE_ARN,
            "InputDataConfig": [{"ChannelName": ch, "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix", "S3Uri": f"s3://ml-team-data/{name}/{ch}/",
                "S3DataDistributionType": "FullyReplicated"}}} for ch in ("train", "validation")],
            "OutputDataConfig": {"S3OutputPath": f"s3://ml-team-artifacts/tuning/{name}/"},
            "ResourceConfig": {"InstanceType": instance, "InstanceCount": 1, "VolumeSizeInGB": 50},
            "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
        }  # fmt: skip
        with s.at(created):
            answer = s.sm(who).create_hyper_parameter_tuning_job(
                HyperParameterTuningJobName=name,
                HyperParameterTuningJobConfig=config,
                TrainingJobDefinition=self.definition,
                Tags=[{"Key": "owner", "Value": who}],
            )
        self.arn = answer["HyperParameterTuningJobArn"]
        self.quiet = bulk_client(s.sb, "sagemaker")
        self.jobs: list[dict[str, Any]] = []

    def job(self, i: int, start: dt.datetime, minutes: float, status: str, tuned: dict[str, str], *,
            value: float | None = None, failure: str = "") -> str:  # fmt: skip
        """Training job ``i``: created at ``start`` by SageMaker, trained ``minutes`` and ended ``status``
        (None end: still training)."""
        s, name = self.s, child_name(self.name, i)
        created, begun = start, start + dt.timedelta(minutes=2)
        end = None if status == "InProgress" else begun + dt.timedelta(minutes=minutes)
        d = self.definition
        self.quiet.create_training_job(
            TrainingJobName=name, HyperParameters={**self.static, **tuned},
            AlgorithmSpecification=d["AlgorithmSpecification"], RoleArn=ROLE_ARN,
            InputDataConfig=d["InputDataConfig"], OutputDataConfig=d["OutputDataConfig"],
            ResourceConfig=d["ResourceConfig"], StoppingCondition=d["StoppingCondition"],
        )  # fmt: skip
        metric = self.objective["MetricName"]
        s.set_fields("training", name, CreationTime=created, TuningJobArn=self.arn, FinalMetricDataList=None)
        metrics = [(metric, value)] if value is not None else []
        finish(s, name, status, created, begun, end, failure=failure or None, metrics=metrics)
        arn = f"arn:aws:sagemaker:{s.sb.region}:{self.arn.split(':')[4]}:training-job/{name}"
        service_event(s, created, "CreateTrainingJob", arn, self.arn, trainingJobName=name,
                      hyperParameterTuningJobName=self.name, tunedHyperParameters=tuned)  # fmt: skip
        if status == "Stopped" and end is not None:
            service_event(s, end, "StopTrainingJob", arn, self.arn, trainingJobName=name,
                          hyperParameterTuningJobName=self.name)  # fmt: skip
        self._logs(name, begun, end, status, value, failure)
        from smtui.sandbox import sagemaker_state

        f = sagemaker_state.get_fields("training", name, region=s.sb.region)
        self.jobs.append({"TrainingJobName": name, "TrainingJobArn": arn, "CreationTime": created,
                          "TrainingStartTime": f.get("TrainingStartTime"), "TrainingEndTime": f.get("TrainingEndTime"),
                          "TrainingJobStatus": status, "TunedHyperParameters": tuned, "value": value})  # fmt: skip
        return name

    def _logs(self, name: str, begun: dt.datetime, end: dt.datetime | None, status: str, value: float | None,
              failure: str) -> None:  # fmt: skip
        s, metric = self.s, self.objective["MetricName"]
        stop = end or s.now - dt.timedelta(seconds=20)
        ev = (
            ct.xgb_banner(begun + dt.timedelta(seconds=20))
            if "xgboost" in self.image
            else ct.training_banner(
                begun + dt.timedelta(seconds=20),
                "algo-1",
                1,
                "sagemaker_pytorch_container.training:main",
                "train.py",
            )
        )
        rounds = spread(begun + dt.timedelta(seconds=40), stop - dt.timedelta(seconds=5), 12)
        for r, when in enumerate(rounds):
            score = (value or 0.9) - 0.002 * (len(rounds) - r)
            ev.append(
                (when, f"[{r}]#011train-{metric.split(':')[-1]}:{score + 0.01:.5f}#011{metric}:{score:.5f}")
            )
        if status == "Failed":
            ev += ct.training_failure(
                stop, failure.split(": ", 2)[-1], "python3 -m sagemaker_xgboost_container"
            )
        elif status == "Stopped":
            ev.append((stop, "Received SIGTERM: stopping training (the tuning job was stopped)"))
        stream = f"{name}/algo-1-{int(begun.timestamp())}"
        s.stream(TRAINING_GROUP, stream, ev)
        s.state.streams[("training", name)] = [stream]

    def done(self, status: str, end: dt.datetime | None, *, failure: str = "") -> None:
        """The tuning job's own fields, from its training jobs."""
        by = {k: sum(1 for j in self.jobs if j["TrainingJobStatus"] == k) for k in
              ("Completed", "InProgress", "Failed", "Stopped")}  # fmt: skip
        scored = [j for j in self.jobs if j["value"] is not None]
        fields: dict[str, Any] = {
            "CreationTime": self.created,
            "LastModifiedTime": end or max(j["CreationTime"] for j in self.jobs),
            "HyperParameterTuningEndTime": end,
            "TrainingJobStatusCounters": {"Completed": by["Completed"], "InProgress": by["InProgress"],
                                          "RetryableError": 0, "NonRetryableError": by["Failed"],
                                          "Stopped": by["Stopped"]},
            "ObjectiveStatusCounters": {"Succeeded": len(scored), "Pending": by["InProgress"],
                                        "Failed": len(self.jobs) - len(scored) - by["InProgress"]},
        }  # fmt: skip
        if failure:
            fields["FailureReason"] = failure
        if scored:
            pick = max if self.objective["Type"] == "Maximize" else min
            b = pick(scored, key=lambda j: j["value"])
            best = {k: v for k, v in b.items() if k != "value" and v is not None}
            best["FinalHyperParameterTuningJobObjectiveMetric"] = {**self.objective, "Value": b["value"]}
            best["ObjectiveStatus"] = "Succeeded"
            best["TuningJobName"] = self.name
            fields["BestTrainingJob"] = fields["OverallBestTrainingJob"] = best
        self.s.set_status("tuning", self.name, status, **fields)


def seed(s: Seeder) -> None:
    now = s.now
    xgb = {"objective": "binary:logistic", "num_round": "200", "eval_metric": "auc"}
    ranges = {
        "ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.05", "MaxValue": "0.5", "ScalingType": "Logarithmic"}],
        "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "0", "MaxValue": "10", "ScalingType": "Auto"}],
    }  # fmt: skip

    t = Tuning(s, "bob", TUNING_JOB, now - dt.timedelta(days=2, hours=3), metric="validation:auc", kind="Maximize",
               ranges=ranges, static=xgb, image=IMAGES["xgb"], instance="ml.m5.xlarge", limit=8, parallel=2)  # fmt: skip
    scores = (0.9312, 0.9388, None, 0.9402, 0.9476, 0.9451, 0.9433, 0.9469)
    for i, score in enumerate(scores, start=1):
        start = t.created + dt.timedelta(minutes=1 + 11 * ((i - 1) // 2))
        tuned = {"eta": f"{0.05 + 0.05 * i:.2f}", "max_depth": "0" if score is None else str(3 + i % 5)}
        if score is None:
            t.job(i, start, 1, "Failed", tuned, failure=f"AlgorithmError: {XGB_DEPTH_ERROR}")
        else:
            t.job(i, start, 8, "Completed", tuned, value=score)
    t.done("Completed", t.created + dt.timedelta(minutes=47))

    t = Tuning(s, "alice", TUNING_IN_PROGRESS, now - dt.timedelta(minutes=70), metric="eval:loss", kind="Minimize",
               ranges={"ContinuousParameterRanges": [{"Name": "lr", "MinValue": "1e-5", "MaxValue": "1e-3",
                                                      "ScalingType": "Logarithmic"}]},
               static={"epochs": "1", "model_id": "bert-base-uncased"}, image=IMAGES["hf"],
               instance="ml.g5.2xlarge", limit=4, parallel=2, strategy="Random")  # fmt: skip
    t.job(1, t.created + dt.timedelta(minutes=1), 25, "Completed", {"lr": "0.00021"}, value=0.4127)
    t.job(2, t.created + dt.timedelta(minutes=1), 28, "Completed", {"lr": "0.00087"}, value=0.5311)
    t.job(3, t.created + dt.timedelta(minutes=32), 0, "InProgress", {"lr": "0.000043"})
    t.job(4, t.created + dt.timedelta(minutes=35), 0, "InProgress", {"lr": "0.00012"})
    t.done("InProgress", None)

    t = Tuning(s, "bob", TUNING_STOPPED, now - dt.timedelta(hours=30), metric="validation:auc", kind="Maximize",
               ranges=ranges, static=xgb, image=IMAGES["xgb"], instance="ml.m5.xlarge", limit=10, parallel=2)  # fmt: skip
    t.job(
        1, t.created + dt.timedelta(minutes=1), 8, "Completed", {"eta": "0.3", "max_depth": "6"}, value=0.9398
    )
    t.job(
        2,
        t.created + dt.timedelta(minutes=1),
        8,
        "Completed",
        {"eta": "0.12", "max_depth": "8"},
        value=0.9417,
    )
    stopped = t.created + dt.timedelta(minutes=16)
    t.job(3, t.created + dt.timedelta(minutes=12), 2, "Stopped", {"eta": "0.07", "max_depth": "9"})
    t.job(4, t.created + dt.timedelta(minutes=12), 2, "Stopped", {"eta": "0.41", "max_depth": "4"})
    with s.at(stopped):
        s.sb.recorder.record_call(
            access_key=s.state.identities["bob"]["aws_access_key_id"], event_source=SERVICE,
            operation="StopHyperParameterTuningJob", region=s.sb.region, source_ip="10.0.3.17",
            user_agent="aws-cli/2.15.30 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8",
            request_parameters={"hyperParameterTuningJobName": TUNING_STOPPED}, response_elements=None,
            request_id=str(uuid.uuid4()), resources=[{"accountId": t.arn.split(":")[4],
                                                     "type": "AWS::SageMaker::HyperParameterTuningJob", "ARN": t.arn}],
        )  # fmt: skip
    t.done("Stopped", stopped + dt.timedelta(minutes=1))

    t = Tuning(s, "alice", TUNING_FAILED, now - dt.timedelta(hours=11), metric="validation:accuracy", kind="Maximize",
               ranges={"CategoricalParameterRanges": [{"Name": "augment", "Values": ["randaugment", "autoaugment", "mixup"]}]},
               static={"arch": "resnet50", "epochs": "30", "batch-size": "512"}, image=IMAGES["pytorch"],
               instance="ml.p3.2xlarge", limit=6, parallel=3)  # fmt: skip
    for i, aug in enumerate(("randaugment", "autoaugment", "mixup"), start=1):
        t.job(i, t.created + dt.timedelta(minutes=1), 4, "Failed", {"augment": aug},
              failure=f"AlgorithmError: {ct.OOM_ERROR}")  # fmt: skip
    t.done("Failed", t.created + dt.timedelta(minutes=9), failure=FAILURE_REASON_TUNING)
