"""The SageMaker resources' state in moto's backend, as the sandbox serves it: the API the scenario, the
lifecycles and tests use to read and set a resource's Describe fields (moto keeps some as attributes, the
rest are kept aside per object and merged into Describe).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from collections.abc import Callable
from typing import Any

from smtui.sandbox.account import ACCOUNT_ID, REGION
from smtui.sandbox.kinds import KINDS

#: kind key -> (backend dict attribute, status attribute, name attribute), for the kinds moto keeps
_KINDS: dict[str, tuple[str, ...]] = {key: k.moto for key, k in KINDS.items() if k.moto}
#: kinds whose moto objects give their Describe fields by a method, not ``response_object``
_DESCRIBE_METHOD = {key: k.describe_method for key, k in KINDS.items() if k.describe_method}
#: the Describe field set when a resource reaches a terminal status
_END_TIME_FIELD = {key: k.end_field for key, k in KINDS.items() if k.end_field}
_TERMINAL = frozenset({"Completed", "Failed", "Stopped", "COMPLETED", "FAILED", "STOPPED"})

#: Describe fields that cannot live as attributes (their snake_case name would not round-trip through
#: moto's camel-casing), per backend object.
_EXTRA: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_lock = threading.RLock()
#: called with (kind, name, account, region) when a caller sets fields by hand (the lifecycles release it)
on_manual_change: list[Callable[[str, str, str, str], None]] = []


# --------------------------------------------------------------------------- backend access


def backend(account: str = ACCOUNT_ID, region: str = REGION) -> Any:
    from moto.sagemaker.models import sagemaker_backends

    return sagemaker_backends[account][region]


def _collection(kind: str, account: str = ACCOUNT_ID, region: str = REGION) -> dict[str, Any]:
    try:
        attr = _KINDS[kind][0]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; one of {sorted(_KINDS)}") from None
    found: dict[str, Any] = getattr(backend(account, region), attr)
    return found


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
    List summaries agree; the rest are kept aside and merged into Describe. A resource set by hand is no
    longer moved by its lifecycle: its fields are the caller's from now on.
    """
    for hook in list(on_manual_change):
        hook(kind, name, account, region)
    apply_fields(kind, name, account, region, **fields)


def apply_fields(
    kind: str, name: str, account: str = ACCOUNT_ID, region: str = REGION, **fields: Any
) -> None:
    """:func:`set_fields` without releasing the resource from its lifecycle (what the lifecycles use)."""
    with _lock:
        obj = get(kind, name, account, region)
        extra = _EXTRA.setdefault(obj, {})
        for key, value in fields.items():
            value = _naive_utc(value)
            if key == _status_key(kind):
                setattr(obj, _status_attr(kind), value)
                continue
            snake = _snake(key)
            if _is_attribute(kind, obj, snake, key):
                setattr(obj, snake, value)
                extra.pop(key, None)
            elif value is None:
                extra.pop(key, None)
            else:
                extra[key] = value


def _is_attribute(kind: str, obj: Any, snake: str, key: str) -> bool:
    """Whether Describe field ``key`` is kept as attribute ``snake`` of the moto object: any attribute that
    round-trips through moto's camel-casing where Describe is built from all of them (``response_object``),
    only those it was made with where a method builds it (notebook instances, clusters)."""
    if kind in _DESCRIBE_METHOD:
        return hasattr(obj, snake) and "".join(p.capitalize() for p in snake.split("_")) == key
    return bool(obj.camelCase(snake) == key)


def _status_key(kind: str) -> str:
    return KINDS[kind].status_field


def get_fields(kind: str, name: str, account: str = ACCOUNT_ID, region: str = REGION) -> dict[str, Any]:
    """The resource's Describe fields as the fidelity layer serves them (datetimes naive UTC)."""
    obj = get(kind, name, account, region)
    return describe_fields(kind, obj)


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
        elif status in ("InProgress", "Stopping", "IN_PROGRESS", "STOPPING"):
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
            config: dict[str, Any] = dict(
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
            job = FakeTrainingJob(**config)
            created = start - spacing * i
            job.creation_time = created
            job.training_start_time = created + dt.timedelta(seconds=90)
            job.training_end_time = created + dt.timedelta(seconds=600) if status in _TERMINAL else None  # type: ignore[assignment]
            job.last_modified_time = job.training_end_time or created
            job.training_job_status = status
            job.secondary_status = status if status in _TERMINAL else "Training"
            be.training_jobs[name] = job
            names.append(name)
    return names


def describe_fields(kind: str, obj: Any) -> dict[str, Any]:
    """A resource's Describe fields: moto's, with the fields set on it merged in and absent ones left out."""
    method = _DESCRIBE_METHOD.get(kind)
    resp = dict(getattr(obj, method)() if method else obj.response_object)
    resp.update(_EXTRA.get(obj, {}))
    if not resp.get("FailureReason"):
        resp.pop("FailureReason", None)
    for key in [k for k, v in resp.items() if v is None]:
        del resp[key]
    return resp


def rekey_domain(old_id: str, new_id: str, account: str = ACCOUNT_ID, region: str = REGION) -> None:
    """Give a domain an AWS-shaped id (moto makes ``d-<name>``)."""
    with _lock:
        domains = backend(account, region).domains
        dom = domains.pop(old_id)
        dom.id = new_id
        dom.arn = dom.arn.rsplit("/", 1)[0] + "/" + new_id
        dom.url = f"https://{new_id}.studio.{region}.sagemaker.aws"
        domains[new_id] = dom
