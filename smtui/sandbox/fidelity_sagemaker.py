"""SageMaker fidelity: settable statuses, full Describe shapes, sorted List* and Studio user profiles.

What moto 5.2.5 gets wrong and this module fixes:

* statuses never change (jobs are ``Completed`` and endpoints ``InService`` from birth): the scenario
  and its driver set them with :func:`set_status` / :func:`set_fields`, which edit the backend objects
  so List and Describe agree;
* DescribeTrainingJob returns 19 of its 50 fields, DescribeProcessingJob drops the required
  ``ProcessingResources``: extra fields set per resource are merged into Describe, and CreateProcessingJob
  keeps ``ProcessingResources``;
* List{Training,Processing,Transform}Jobs ignore SortBy/SortOrder and apply MaxResults before every
  filter; ListEndpoints defaults to ascending. The replacement filters, sorts (defaults as AWS: Descending
  for endpoints and transform jobs, Ascending for training and processing jobs), pages with an opaque
  token, and, like AWS, applies MaxResults *before* StatusEquals for training jobs only;
* CreateUserProfile / DescribeUserProfile / ListUserProfiles are not implemented at all.

The small public API (:func:`set_status`, :func:`set_fields`, :func:`get_fields`, :func:`delete`,
:func:`bulk_training_jobs`) is what the scenario, its driver and other tests use.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from typing import Any

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

#: kind key (as in smtui.aws.resources) -> (backend dict attribute, status attribute, name attribute)
_KINDS: dict[str, tuple[str, str, str]] = {
    "training": ("training_jobs", "training_job_status", "training_job_name"),
    "processing": ("processing_jobs", "processing_job_status", "processing_job_name"),
    "transform": ("transform_jobs", "transform_job_status", "transform_job_name"),
    "endpoint": ("endpoints", "endpoint_status", "endpoint_name"),
}
_END_TIME_FIELD = {
    "training": "TrainingEndTime",
    "processing": "ProcessingEndTime",
    "transform": "TransformEndTime",
}
_TERMINAL = frozenset({"Completed", "Failed", "Stopped"})

#: Describe fields that cannot live as attributes (their snake_case name would not round-trip through
#: moto's camel-casing), per backend object.
_EXTRA: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
#: Studio user profiles: (account, region) -> {(domain_id, profile_name): profile}
_USER_PROFILES: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
_lock = threading.RLock()
_applied = False
ORIGINALS: dict[str, Any] = {}


# --------------------------------------------------------------------------- backend access


def backend(account: str = ACCOUNT_ID, region: str = REGION) -> Any:
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]


def _collection(kind: str, account: str = ACCOUNT_ID, region: str = REGION) -> dict[str, Any]:
    try:
        attr = _KINDS[kind][0]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; one of {sorted(_KINDS)}") from None
    return getattr(backend(account, region), attr)


def get(kind: str, name: str, account: str = ACCOUNT_ID, region: str = REGION) -> Any:
    """The moto backend object of resource ``name`` (KeyError when missing)."""
    return _collection(kind, account, region)[name]


_CAMEL_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _snake(pascal: str) -> str:
    return _CAMEL_SPLIT.sub("_", pascal).lower()


def _naive_utc(value: Any) -> Any:
    """moto keeps naive-UTC datetimes; mixing aware ones in breaks its comparisons and sorting."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dict):
        return {k: _naive_utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_naive_utc(v) for v in value]
    return value


def _status_attr(kind: str) -> str:
    return _KINDS[kind][1]


def set_fields(
    kind: str, name: str, *, account: str = ACCOUNT_ID, region: str = REGION, **fields: Any
) -> None:
    """Set Describe fields (PascalCase, as in the API) on a resource; ``None`` removes a field.

    Fields moto keeps as attributes (status, times, FailureReason, ...) are set on the object, so the
    List summaries agree; the rest are kept aside and merged into Describe.
    """
    with _lock:
        obj = get(kind, name, account, region)
        extra = _EXTRA.setdefault(obj, {})
        for key, value in fields.items():
            value = _naive_utc(value)
            if key == _status_key(kind):
                setattr(obj, _status_attr(kind), value)
                continue
            snake = _snake(key)
            if obj.camelCase(snake) == key:
                setattr(obj, snake, value)
                extra.pop(key, None)
            elif value is None:
                extra.pop(key, None)
            else:
                extra[key] = value


def _status_key(kind: str) -> str:
    return {
        "training": "TrainingJobStatus",
        "processing": "ProcessingJobStatus",
        "transform": "TransformJobStatus",
        "endpoint": "EndpointStatus",
    }[kind]


def get_fields(kind: str, name: str, account: str = ACCOUNT_ID, region: str = REGION) -> dict[str, Any]:
    """The resource's Describe fields as the fidelity layer serves them (datetimes naive UTC)."""
    obj = get(kind, name, account, region)
    return _describe(kind, obj)


def set_status(
    kind: str, name: str, status: str, *, account: str = ACCOUNT_ID, region: str = REGION, **extra_fields: Any
) -> None:
    """Set a resource's status (and any other fields), with LastModifiedTime = now unless given.

    Jobs: a terminal status sets the end time to now when it has none; ``InProgress`` clears it.
    """
    now = dt.datetime.now(dt.UTC)
    fields: dict[str, Any] = {_status_key(kind): status}
    end_field = _END_TIME_FIELD.get(kind)
    if end_field is not None:
        current = get_fields(kind, name, account, region).get(end_field)
        if status in _TERMINAL and current is None:
            fields[end_field] = now
        elif status in ("InProgress", "Stopping"):
            fields[end_field] = None
    fields.setdefault("LastModifiedTime", now)
    fields.update(extra_fields)
    set_fields(kind, name, account=account, region=region, **fields)


def delete(kind: str, name: str, account: str = ACCOUNT_ID, region: str = REGION) -> None:
    with _lock:
        _collection(kind, account, region).pop(name, None)


def bulk_training_jobs(
    sb: Any,
    n: int,
    prefix: str,
    *,
    status: str = "Completed",
    start: dt.datetime | None = None,
    spacing: dt.timedelta = dt.timedelta(seconds=37),
    instance_type: str = "ml.m5.xlarge",
) -> list[str]:
    """Insert ``n`` training jobs named ``{prefix}-{i:05d}`` straight into the backend (no HTTP).

    For list benchmarks: 10,000 jobs take well under a second. Creation times step back from ``start``
    (default now) by ``spacing``; the newest is ``{prefix}-00000``.
    """
    from moto.sagemaker.models import FakeTrainingJob

    region = getattr(sb, "region", REGION)
    be = backend(ACCOUNT_ID, region)
    start = _naive_utc(start or dt.datetime.now(dt.UTC))
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"
    names = []
    with _lock:
        for i in range(n):
            name = f"{prefix}-{i:05d}"
            job = FakeTrainingJob(
                account_id=ACCOUNT_ID,
                region_name=region,
                training_job_name=name,
                hyper_parameters={"max_depth": "6"},
                algorithm_specification={
                    "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                    "TrainingInputMode": "File",
                },
                role_arn=role,
                input_data_config=[],
                output_data_config={"S3OutputPath": "s3://ml-team-artifacts/bulk/"},
                resource_config={"InstanceType": instance_type, "InstanceCount": 1, "VolumeSizeInGB": 30},
                vpc_config=None,
                stopping_condition={"MaxRuntimeInSeconds": 3600},
                tags=[],
                enable_network_isolation=False,
                enable_inter_container_traffic_encryption=False,
                enable_managed_spot_training=False,
                checkpoint_config=None,
                debug_hook_config=None,
                debug_rule_configurations=None,
                tensor_board_output_config=None,
                experiment_config=None,
            )
            created = start - spacing * i
            job.creation_time = created
            job.training_start_time = created + dt.timedelta(seconds=90)
            job.training_end_time = created + dt.timedelta(seconds=600) if status in _TERMINAL else None
            job.last_modified_time = job.training_end_time or created
            job.training_job_status = status
            job.secondary_status = status if status in _TERMINAL else "Training"
            be.training_jobs[name] = job
            names.append(name)
    return names


# --------------------------------------------------------------------------- Describe


def _describe(kind: str, obj: Any) -> dict[str, Any]:
    resp = dict(obj.response_object)
    resp.update(_EXTRA.get(obj, {}))
    if not resp.get("FailureReason"):
        resp.pop("FailureReason", None)
    for key in [k for k, v in resp.items() if v is None]:
        del resp[key]
    return resp


def _patched_describe(kind: str, original_name: str):
    def describe(self: Any, name: str | None = None, **kw: Any) -> dict[str, Any]:
        # moto calls some of these with a keyword (describe_transform_job(transform_job_name=...))
        name = name if name is not None else next(iter(kw.values()))
        ORIGINALS[original_name](self, name)  # raises moto's own not-found error
        return _describe(kind, getattr(self, _KINDS[kind][0])[name])

    describe.__name__ = original_name
    return describe


# --------------------------------------------------------------------------- List


_DEFAULT_ORDER = {
    "endpoint": "Descending",
    "transform": "Descending",
    "training": "Ascending",
    "processing": "Ascending",
}
_LIST_STATUSES = {
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
}
_LIST_KEY = {
    "training": "TrainingJobSummaries",
    "processing": "ProcessingJobSummaries",
    "transform": "TransformJobSummaries",
    "endpoint": "Endpoints",
}


def _as_naive(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _naive_utc(value) if value.tzinfo else value
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    return _naive_utc(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


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
        full = _describe(kind, obj)
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


# --------------------------------------------------------------------------- user profiles


def _profiles(response: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return _USER_PROFILES.setdefault((response.current_account, response.region), {})


def _create_user_profile(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceInUseException, ValidationError

    domain_id = self._get_param("DomainId")
    name = self._get_param("UserProfileName")
    if domain_id not in self.sagemaker_backend.domains:
        raise ValidationError(message=f"Could not find domain '{domain_id}'.")
    profiles = _profiles(self)
    if (domain_id, name) in profiles:
        raise ResourceInUseException(
            message=f"Resource Already Exists: UserProfile with name {name} "
            "already exists. Choose a different name."
        )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:user-profile/{domain_id}/{name}"
    profiles[(domain_id, name)] = {
        "DomainId": domain_id,
        "UserProfileArn": arn,
        "UserProfileName": name,
        "HomeEfsFileSystemUid": str(200000 + len(profiles) + 1),
        "Status": "InService",
        "LastModifiedTime": now,
        "CreationTime": now,
        "UserSettings": self._get_param("UserSettings") or {},
        "SingleSignOnUserIdentifier": self._get_param("SingleSignOnUserIdentifier"),
        "SingleSignOnUserValue": self._get_param("SingleSignOnUserValue"),
    }
    return ActionResult({"UserProfileArn": arn})


def _describe_user_profile(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceNotFound

    key = (self._get_param("DomainId"), self._get_param("UserProfileName"))
    profile = _profiles(self).get(key)
    if profile is None:
        raise ResourceNotFound(message=f"User profile {key[1]} does not exist in domain {key[0]}.")
    return ActionResult({k: v for k, v in profile.items() if v is not None})


def _list_user_profiles(self: Any) -> Any:
    from moto.core.responses import ActionResult

    domain = self._get_param("DomainIdEquals")
    contains = self._get_param("UserProfileNameContains")
    rows = [
        p
        for (d, n), p in sorted(_profiles(self).items())
        if (not domain or d == domain) and (not contains or contains in n)
    ]
    fields = ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime")
    return ActionResult({"UserProfiles": [{f: p[f] for f in fields} for p in rows]})


def _delete_user_profile(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    _profiles(self).pop((self._get_param("DomainId"), self._get_param("UserProfileName")), None)
    return EmptyResult()


def rekey_domain(old_id: str, new_id: str, account: str = ACCOUNT_ID, region: str = REGION) -> None:
    """Give a domain an AWS-shaped id (moto makes ``d-<name>``)."""
    with _lock:
        domains = backend(account, region).domains
        dom = domains.pop(old_id)
        dom.id = new_id
        dom.arn = dom.arn.rsplit("/", 1)[0] + "/" + new_id
        dom.url = f"https://{new_id}.studio.{region}.sagemaker.aws"
        domains[new_id] = dom


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

    FakeEndpointConfig.validate_instance_type = validate_instance_type
    ORIGINALS["create_processing_job"] = SageMakerResponse.create_processing_job
    SageMakerResponse.create_processing_job = _create_processing_job
    ORIGINALS["create_endpoint"] = SageMakerResponse.create_endpoint
    SageMakerResponse.create_endpoint = _create_endpoint
    SageMakerResponse.create_user_profile = _create_user_profile
    SageMakerResponse.describe_user_profile = _describe_user_profile
    SageMakerResponse.list_user_profiles = _list_user_profiles
    SageMakerResponse.delete_user_profile = _delete_user_profile
    _applied = True


__all__ = [
    "apply",
    "backend",
    "bulk_training_jobs",
    "delete",
    "get",
    "get_fields",
    "rekey_domain",
    "set_fields",
    "set_status",
]
