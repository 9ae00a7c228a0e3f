"""Answers in AWS's output shapes (botocore's service models): the members AWS always sends are there, the
ones it does not have are not, and an optional structure that would be empty is left out, as AWS leaves
it out (DescribeEndpoint's ``DataCaptureConfig`` of an endpoint without capture).

moto builds Describe answers from its objects' attributes, so they carry members no model has (``Tags``,
the config's ``AsyncInferenceConfig`` fields) and miss required ones (``OutputDataConfig.KmsKeyId``, which
the SageMaker SDK's ``Estimator.attach`` reads, ``ModelArtifacts`` of jobs that are not Completed).
"""

from __future__ import annotations

import functools
from typing import Any

_OPERATIONS = {
    "training": "DescribeTrainingJob",
    "processing": "DescribeProcessingJob",
    "transform": "DescribeTransformJob",
    "endpoint": "DescribeEndpoint",
    "notebook": "DescribeNotebookInstance",
    "cluster": "DescribeCluster",
}
#: AWS's default when a job is created without a StoppingCondition: one day
DEFAULT_MAX_RUNTIME = 86400


@functools.cache
def service_model(service: str) -> Any:
    """botocore's model of ``service``, loaded once per process (a SageMaker model is megabytes of JSON:
    loading it per request cost the sandbox a tenth of a second on every List call)."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


@functools.cache
def output_shape(service: str, operation: str) -> Any:
    return service_model(service).operation_model(operation).output_shape


@functools.cache
def shape(service: str, name: str) -> Any:
    """A named shape of ``service``'s model (``TrainingJobSummary``, ...)."""
    return service_model(service).shape_for(name)


def fit(shape: Any, value: Any) -> Any:
    """``value`` with only the members ``shape`` has, recursively, and without empty optional structures."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            member = shape.members.get(key)
            if member is None or item is None:
                continue
            item = fit(member, item)
            if member.type_name == "structure" and item == {} and key not in shape.required_members:
                continue
            out[key] = item
        return out
    if kind == "list" and isinstance(value, list):
        return [fit(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {k: fit(shape.value, v) for k, v in value.items()}
    return value


def describe(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A Describe answer of ``kind`` in its output shape, with the required members AWS always sends."""
    fields = dict(fields)
    if kind == "training":
        _training_defaults(fields)
    elif kind == "endpoint":
        _endpoint_defaults(fields)
    fitted: dict[str, Any] = fit(output_shape("sagemaker", _OPERATIONS[kind]), fields)
    return fitted


def _training_defaults(fields: dict[str, Any]) -> None:
    output = dict(fields.get("OutputDataConfig") or {})
    output.setdefault("KmsKeyId", "")  # AWS sends "" when no key was given
    fields["OutputDataConfig"] = output
    if not (fields.get("ModelArtifacts") or {}).get("S3ModelArtifacts"):
        path = str(output.get("S3OutputPath") or "").rstrip("/")
        fields["ModelArtifacts"] = {
            "S3ModelArtifacts": f"{path}/{fields.get('TrainingJobName', '')}/output/model.tar.gz"
        }
    fields.setdefault("SecondaryStatus", fields.get("TrainingJobStatus") or "Starting")
    fields.setdefault("StoppingCondition", {"MaxRuntimeInSeconds": DEFAULT_MAX_RUNTIME})
    resource = fields.get("ResourceConfig")
    if isinstance(resource, dict) and "VolumeSizeInGB" not in resource:
        fields["ResourceConfig"] = {**resource, "VolumeSizeInGB": 30}


def _endpoint_defaults(fields: dict[str, Any]) -> None:
    capture = fields.get("DataCaptureConfig")
    if isinstance(capture, dict):
        if "EnableCapture" not in capture or "DestinationS3Uri" not in capture:
            del fields["DataCaptureConfig"]  # moto's {} for an endpoint without capture: AWS omits it
        else:
            fields["DataCaptureConfig"] = {
                "CaptureStatus": "Started" if capture.get("EnableCapture") else "Stopped",
                "CurrentSamplingPercentage": capture.get("InitialSamplingPercentage", 100),
                "KmsKeyId": "",
                **capture,
            }
