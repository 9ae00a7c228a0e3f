"""The default scenario (placeholder: a handful of jobs; the full team account comes with issue 2)."""

from __future__ import annotations

import time
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def seed_default(sb: Any) -> None:
    sm = sb.boto3_client("sagemaker")
    logs = sb.boto3_client("logs")
    logs.create_log_group(logGroupName="/aws/sagemaker/TrainingJobs")
    now = int(time.time() * 1000)
    for i in range(3):
        name = f"xgb-churn-{i}"
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        stream = f"{name}/algo-1-{now // 1000}"
        logs.create_log_stream(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream)
        logs.put_log_events(logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=stream,
                            logEvents=[{"timestamp": now - 1000 + j, "message": f"[{j}] epoch line"} for j in range(10)])
