"""Run by the SageMaker Python SDK's own interpreter (a venv of its own: it pins a boto3 of its own), from
test_sagemaker_sdk.py: ``python _sdk_attach.py URL REGION JOB [JOB ...]``. Telemetry is off (the SDK's
documented TelemetryOptOut, in a defaults config of this run's own) and every connection but to
127.0.0.1 is refused, so nothing leaves the machine. Prints one JSON line per job."""

import json
import os
import socket
import sys
import tempfile

_connect = socket.socket.connect


def _loopback_only(self, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise OSError(f"refused: {host} is not loopback")
    return _connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]

config = os.path.join(tempfile.mkdtemp(), "config.yaml")
with open(config, "w") as f:
    f.write("SchemaVersion: '1.0'\nSageMaker:\n  PythonSDK:\n    Modules:\n      TelemetryOptOut: true\n")
os.environ["SAGEMAKER_USER_CONFIG_OVERRIDE"] = config
os.environ["SAGEMAKER_ADMIN_CONFIG_OVERRIDE"] = config

import boto3  # noqa: E402
from sagemaker.estimator import Estimator  # noqa: E402
from sagemaker.session import Session  # noqa: E402

url, region, jobs = sys.argv[1], sys.argv[2], sys.argv[3:]
boto = boto3.Session(aws_access_key_id="AKIAIOSFODNN7SANDBOX", aws_secret_access_key="x", region_name=region)
session = Session(
    boto_session=boto,
    sagemaker_client=boto.client("sagemaker", endpoint_url=url),
    sagemaker_runtime_client=boto.client("sagemaker-runtime", endpoint_url=url),
    default_bucket="ml-team-artifacts",
)
for job in jobs:
    estimator = Estimator.attach(job, sagemaker_session=session)
    print(
        json.dumps(
            {
                "job": job,
                "model_data": estimator.model_data,
                "instance_count": estimator.instance_count,
                "instance_type": estimator.instance_type,
                "output_kms_key": estimator.output_kms_key,
                "image_uri": estimator.image_uri,
            }
        ),
        flush=True,
    )
