"""SageMaker fidelity: full Describe shapes and sorted List* (method A of aws-api-semantics.md).

What moto 5.2.5 gets wrong and this module fixes:

* statuses never change (jobs are ``Completed`` and endpoints ``InService`` from birth): the lifecycles
  (:mod:`smtui.sandbox.lifecycle`), the scenario and tests set them through
  :mod:`smtui.sandbox.sagemaker_state`, which edits the backend objects so List and Describe agree;
* DescribeTrainingJob returns 19 of its 50 fields, DescribeProcessingJob drops the required
  ``ProcessingResources``, and every Describe carries members AWS does not have or lacks required ones:
  fields set per resource are merged in, and the answer is put in the operation's output shape
  (:mod:`smtui.sandbox.shapes`); CreateProcessingJob keeps ``ProcessingResources``;
* List{Training,Processing,Transform}Jobs ignore SortBy/SortOrder and apply MaxResults before every
  filter; ListEndpoints defaults to ascending. The replacement filters, sorts (defaults as AWS: Descending
  for endpoints and transform jobs, Ascending for training and processing jobs), pages with an opaque
  token, and, like AWS, applies MaxResults *before* StatusEquals for training jobs only;
* endpoint instance types stop at moto's list (no g5, p4d, inf2);
* notebook instances: DescribeNotebookInstance has no FailureReason, ListNotebookInstances ignores the time
  filters and answers members its summaries do not have, and instance types stop at moto's list (no g4dn, g5).

``ORIGINALS`` keeps moto's own functions so tests can show each patch is still needed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from smtui.sandbox import shapes
from smtui.sandbox.sagemaker_state import (  # noqa: F401 - the state API, also reached through this module
    _KINDS,
    _lock,
    _naive_utc,
    apply_fields,
    backend,
    bulk_training_jobs,
    delete,
    describe_fields,
    get,
    get_fields,
    rekey_domain,
    set_fields,
    set_status,
)

ORIGINALS: dict[str, Any] = {}
_applied = False


# --------------------------------------------------------------------------- Describe


def _patched_describe(kind: str, original_name: str) -> Callable[..., dict[str, Any]]:
    def describe(self: Any, name: str | None = None, **kw: Any) -> dict[str, Any]:
        # moto calls some of these with a keyword (describe_transform_job(transform_job_name=...))
        name = name if name is not None else next(iter(kw.values()))
        ORIGINALS[original_name](self, name)  # raises moto's own not-found error
        return shapes.describe(kind, describe_fields(kind, getattr(self, _KINDS[kind][0])[name]))

    describe.__name__ = original_name
    return describe


# --------------------------------------------------------------------------- List


_DEFAULT_ORDER = {
    "notebook": "Ascending",
    "endpoint": "Descending",
    "transform": "Descending",
    "training": "Ascending",
    "processing": "Ascending",
}
_LIST_STATUSES = {
    "notebook": (
        "Pending",
        "InService",
        "Stopping",
        "Stopped",
        "Failed",
        "Deleting",
        "Updating",
        "PendingMaintenance",
        "InMaintenance",
    ),
    "training": ("InProgress", "Completed", "Failed", "Stopping", "Stopped", "Deleting"),
    "processing": ("InProgress", "Completed", "Failed", "Stopping", "Stopped"),
    "transform": ("InProgress", "Completed", "Failed", "Stopping", "Stopped"),
    "endpoint": (
        "Creating",
        "Updating",
        "SystemUpdating",
        "RollingBack",
        "InService",
        "OutOfService",
        "Deleting",
        "Failed",
        "UpdateRollbackFailed",
    ),
}
_SUMMARY_FIELDS = {
    "training": (
        "TrainingJobName",
        "TrainingJobArn",
        "CreationTime",
        "TrainingEndTime",
        "LastModifiedTime",
        "TrainingJobStatus",
        "SecondaryStatus",
    ),
    "processing": (
        "ProcessingJobName",
        "ProcessingJobArn",
        "CreationTime",
        "ProcessingEndTime",
        "LastModifiedTime",
        "ProcessingJobStatus",
        "FailureReason",
        "ExitMessage",
    ),
    "transform": (
        "TransformJobName",
        "TransformJobArn",
        "CreationTime",
        "TransformEndTime",
        "LastModifiedTime",
        "TransformJobStatus",
        "FailureReason",
    ),
    "endpoint": ("EndpointName", "EndpointArn", "CreationTime", "LastModifiedTime", "EndpointStatus"),
    "notebook": (
        "NotebookInstanceName",
        "NotebookInstanceArn",
        "NotebookInstanceStatus",
        "Url",
        "InstanceType",
        "CreationTime",
        "LastModifiedTime",
        "NotebookInstanceLifecycleConfigName",
        "DefaultCodeRepository",
        "AdditionalCodeRepositories",
    ),
}
_LIST_KEY = {
    "training": "TrainingJobSummaries",
    "processing": "ProcessingJobSummaries",
    "transform": "TransformJobSummaries",
    "endpoint": "Endpoints",
    "notebook": "NotebookInstances",
}


def _as_naive(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _list(kind: str, response: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import AWSValidationException

    p = response._get_param
    errors = []
    max_results = p("MaxResults")
    max_results = int(max_results) if max_results is not None else 10
    if not 1 <= max_results <= 100:
        errors.append(
            f"Value '{max_results}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    sort_by = p("SortBy") or "CreationTime"
    sort_order = p("SortOrder") or _DEFAULT_ORDER[kind]
    status_equals = p("StatusEquals")
    if sort_by not in ("Name", "CreationTime", "Status"):
        errors.append(
            f"Value '{sort_by}' at 'sortBy' failed to satisfy constraint: Member must satisfy "
            "enum value set: [Name, CreationTime, Status]"
        )
    if sort_order not in ("Ascending", "Descending"):
        errors.append(
            f"Value '{sort_order}' at 'sortOrder' failed to satisfy constraint: Member must "
            "satisfy enum value set: [Ascending, Descending]"
        )
    if status_equals is not None and status_equals not in _LIST_STATUSES[kind]:
        errors.append(
            f"Value '{status_equals}' at 'statusEquals' failed to satisfy constraint: Member "
            f"must satisfy enum value set: [{', '.join(_LIST_STATUSES[kind])}]"
        )
    if errors:
        raise AWSValidationException(
            f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: {'; '.join(errors)}"
        )
    token = p("NextToken")
    start = 0
    if token:
        m = re.fullmatch(r"smtui-(\d+)", str(token))
        if not m:
            raise AWSValidationException(f'Invalid pagination token because "{token}".')
        start = int(m.group(1))

    name_contains = p("NameContains")
    bounds = {
        k: _as_naive(p(k))
        for k in (
            "CreationTimeAfter",
            "CreationTimeBefore",
            "LastModifiedTimeAfter",
            "LastModifiedTimeBefore",
        )
    }
    _coll_attr, status_attr, name_attr = _KINDS[kind]
    with _lock:
        objs = list(getattr(response.sagemaker_backend, _coll_attr).values())
    rows = []
    for obj in objs:
        name = getattr(obj, name_attr)
        if name_contains and name_contains not in name:
            continue
        created, modified = obj.creation_time, obj.last_modified_time
        if bounds["CreationTimeAfter"] and not created > bounds["CreationTimeAfter"]:
            continue
        if bounds["CreationTimeBefore"] and not created < bounds["CreationTimeBefore"]:
            continue
        if bounds["LastModifiedTimeAfter"] and not modified > bounds["LastModifiedTimeAfter"]:
            continue
        if bounds["LastModifiedTimeBefore"] and not modified < bounds["LastModifiedTimeBefore"]:
            continue
        # AWS applies MaxResults before StatusEquals for training jobs (see the API reference)
        if status_equals and kind != "training" and getattr(obj, status_attr) != status_equals:
            continue
        rows.append(obj)
    if sort_by == "Name":
        key: Any = lambda o: getattr(o, name_attr)  # noqa: E731
    elif sort_by == "Status":
        key = lambda o: (getattr(o, status_attr), o.creation_time)  # noqa: E731
    else:
        key = lambda o: o.creation_time  # noqa: E731
    rows.sort(key=key, reverse=sort_order == "Descending")
    page = rows[start : start + max_results]
    next_token = f"smtui-{start + max_results}" if start + max_results < len(rows) else None
    if status_equals and kind == "training":
        page = [o for o in page if getattr(o, status_attr) == status_equals]
    summaries = []
    for obj in page:
        full = describe_fields(kind, obj)
        summary = {f: full[f] for f in _SUMMARY_FIELDS[kind] if full.get(f) not in (None, "")}
        summaries.append(summary)
    return ActionResult({_LIST_KEY[kind]: summaries, "NextToken": next_token})


# --------------------------------------------------------------------------- Create hooks


def _create_processing_job(self: Any) -> Any:
    result = ORIGINALS["create_processing_job"](self)
    name = self._get_param("ProcessingJobName")
    resources = self._get_param("ProcessingResources")
    if resources:
        with _lock:
            self.sagemaker_backend.processing_jobs[name].processing_resources = resources
    return result


def _create_endpoint(self: Any) -> Any:
    """AWS copies the config's AsyncInferenceConfig into DescribeEndpoint; moto drops it."""
    result = ORIGINALS["create_endpoint"](self)
    name = self._get_param("EndpointName")
    with _lock:
        ep = self.sagemaker_backend.endpoints[name]
        config = self.sagemaker_backend.endpoint_configs.get(ep.endpoint_config_name)
        if config is not None and getattr(config, "async_inference_config", None):
            ep.async_inference_config = config.async_inference_config
    return result


def _describe_notebook_instance(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("NotebookInstanceName")
    obj = self.sagemaker_backend.get_notebook_instance(name)  # raises moto's own not-found error
    return ActionResult(shapes.describe("notebook", describe_fields("notebook", obj)))


# --------------------------------------------------------------------------- apply


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    for kind, op in (
        ("training", "describe_training_job"),
        ("processing", "describe_processing_job"),
        ("transform", "describe_transform_job"),
        ("endpoint", "describe_endpoint"),
    ):
        ORIGINALS[op] = getattr(SageMakerModelBackend, op)
        setattr(SageMakerModelBackend, op, _patched_describe(kind, op))
    for kind, op in (
        ("training", "list_training_jobs"),
        ("processing", "list_processing_jobs"),
        ("transform", "list_transform_jobs"),
        ("endpoint", "list_endpoints"),
        ("notebook", "list_notebook_instances"),
    ):
        ORIGINALS["response." + op] = getattr(SageMakerResponse, op)

        def lister(self: Any, _kind: str = kind) -> Any:
            return _list(_kind, self)

        lister.__name__ = op
        setattr(SageMakerResponse, op, lister)
    # moto's list of endpoint instance types stops before g5/p4d/inf2; AWS accepts any current ml.* type
    from moto.sagemaker.models import FakeEndpointConfig

    ORIGINALS["validate_instance_type"] = FakeEndpointConfig.validate_instance_type

    def validate_instance_type(self: Any, instance_type: str) -> None:
        if not re.fullmatch(r"ml\.[a-z0-9-]+\.[0-9]*x?large|ml\.[a-z0-9-]+\.medium", instance_type or ""):
            ORIGINALS["validate_instance_type"](self, instance_type)

    FakeEndpointConfig.validate_instance_type = validate_instance_type  # type: ignore[method-assign]
    from moto.sagemaker.models import FakeSagemakerNotebookInstance

    ORIGINALS["notebook.validate_instance_type"] = FakeSagemakerNotebookInstance.validate_instance_type

    def validate_notebook_type(self: Any, instance_type: str) -> None:
        if not re.fullmatch(r"ml\.[a-z0-9-]+\.[0-9]*x?large|ml\.[a-z0-9-]+\.medium", instance_type or ""):
            ORIGINALS["notebook.validate_instance_type"](self, instance_type)

    FakeSagemakerNotebookInstance.validate_instance_type = validate_notebook_type  # type: ignore[method-assign]
    ORIGINALS["describe_notebook_instance"] = SageMakerResponse.describe_notebook_instance
    SageMakerResponse.describe_notebook_instance = _describe_notebook_instance  # type: ignore[method-assign]
    ORIGINALS["create_processing_job"] = SageMakerResponse.create_processing_job
    SageMakerResponse.create_processing_job = _create_processing_job  # type: ignore[method-assign]
    ORIGINALS["create_endpoint"] = SageMakerResponse.create_endpoint
    SageMakerResponse.create_endpoint = _create_endpoint  # type: ignore[method-assign]
    _applied = True


__all__ = [
    "ORIGINALS",
    "apply",
    "apply_fields",
    "backend",
    "bulk_training_jobs",
    "delete",
    "get",
    "get_fields",
    "rekey_domain",
    "set_fields",
    "set_status",
]
