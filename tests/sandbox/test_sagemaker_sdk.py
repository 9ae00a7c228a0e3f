"""The SageMaker Python SDK against the sandbox: ``Estimator.attach`` (which on moto alone fails with
``KeyError: 'KmsKeyId'``) works for a job created in the test and for the seeded ones.

The SDK pins a boto3 of its own, so it runs in a virtualenv of its own, named by ``SMTUI_SAGEMAKER_SDK_PYTHON``
(its python); the test is skipped where that is not set. To run it:

    python3 -m venv /tmp/sdk && /tmp/sdk/bin/pip install "sagemaker>=2.230,<3"
    SMTUI_SAGEMAKER_SDK_PYTHON=/tmp/sdk/bin/python pytest tests/sandbox/test_sagemaker_sdk.py
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest
from support import IMAGE, ROLE, uid

from ._moto_alone import moto_alone

SDK_PYTHON = os.environ.get("SMTUI_SAGEMAKER_SDK_PYTHON", "")
pytestmark = pytest.mark.skipif(
    not (SDK_PYTHON and os.access(SDK_PYTHON, os.X_OK)), reason="SMTUI_SAGEMAKER_SDK_PYTHON is not set"
)


def test_estimator_attach_works(own_sandbox):
    assert "KmsKeyId" not in moto_alone()["training_at_birth"]["output_keys"]  # what attach trips on
    sb = own_sandbox("sdk", driver=True, time_scale=600)
    name = uid("attach")
    sm = sb.boto3_client("sagemaker")
    sm.create_training_job(
        TrainingJobName=name,
        RoleArn=ROLE,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    sm.get_waiter("training_job_completed_or_stopped").wait(
        TrainingJobName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 300}
    )
    script = pathlib.Path(__file__).with_name("_sdk_attach.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull
    )
    done = subprocess.run(
        [SDK_PYTHON, str(script), sb.url, sb.region, name],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (attached,) = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert attached["model_data"] == f"s3://ml-team-artifacts/models/{name}/output/model.tar.gz"
    assert (attached["instance_count"], attached["instance_type"]) == (2, "ml.m5.xlarge")
    assert attached["output_kms_key"] == "" and attached["image_uri"] == IMAGE
