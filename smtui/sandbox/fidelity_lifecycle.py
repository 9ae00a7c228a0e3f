"""The SageMaker calls that start, stop, change and end resources, and InvokeEndpoint.

moto 5.2.5: created jobs are ``Completed`` and endpoints ``InService`` at once; StopTrainingJob,
StopTransformJob and UpdateEndpoint answer HTTP 500 (not implemented); StopProcessingJob makes a job
``Stopped`` whatever its status; DeleteEndpoint removes at once; InvokeEndpoint answers the body ``body`` of
content type ``content_type`` for any endpoint name, even one that does not exist.

Here, in a region whose sandbox runs lifecycles (:mod:`smtui.sandbox.lifecycle`), a Create starts the
resource's plan, a Stop gives Stopping then Stopped, UpdateEndpoint Updating then InService with the new
config, DeleteEndpoint Deleting then gone. Where nothing runs (a Sandbox with ``driver=False``: the world
stands still, for tests that set every status themselves), Stop and Update take effect at once. Stopping a
job that is not in progress, updating an endpoint that is not InService and invoking one that does not
exist fail as on AWS.

How to make a resource fail: the tag ``sandbox:fail`` (any kind), the hyperparameter ``sandbox_fail``
(training) or the environment variable ``SANDBOX_FAIL`` (processing, transform); the value is the error
the container dies of (``true``: CUDA out of memory). How long it works: ``sandbox:seconds`` /
``sandbox_seconds`` / ``SANDBOX_SECONDS``, in AWS seconds (then compressed like the rest).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from typing import Any

from smtui.sandbox import containers, lifecycle
from smtui.sandbox import sagemaker_state as state
from smtui.sandbox.endpoint_life import (
    CREATING_SECONDS,
    DELETING_SECONDS,
    UPDATING_SECONDS,
    EndpointLife,
    variants_of,
)
from smtui.sandbox.joblogs import JobScript
from smtui.sandbox.timeline import TERMINAL, Step, transitions, utc

ORIGINALS: dict[str, Any] = {}
_applied = False
HEALTH_CHECK_FAILURE = (
    "The primary container for production variant {variant} did not pass the ping health check. "
    "Please check CloudWatch logs for this endpoint."
)
_WHAT = {"training": "training job", "processing": "processing job", "transform": "transform job"}


def _errors() -> tuple[Any, Any]:
    from moto.sagemaker.exceptions import ResourceNotFound, ValidationError

    return ValidationError, ResourceNotFound


def options(tags: Any, *maps: Any) -> tuple[str, float | None]:
    """(the error to fail with or "", the work phase's AWS seconds or None) from tags and parameters."""
    found: dict[str, str] = {}
    for tag in tags or []:
        if isinstance(tag, dict) and str(tag.get("Key", "")).startswith("sandbox:"):
            found[str(tag["Key"])[8:]] = str(tag.get("Value", ""))
    for m in maps:
        for key, value in (m or {}).items():
            low = str(key).lower()
            if low.startswith("sandbox_"):
                found[low[8:]] = str(value)
    error = found.get("fail", "")
    if error.lower() in ("true", "1", "yes"):
        error = containers.OOM_ERROR
    elif error and ":" not in error:
        error = f"RuntimeError: {error}"
    seconds = None
    try:
        seconds = float(found["seconds"]) if "seconds" in found else None
    except ValueError:
        seconds = None
    return error, seconds


# --------------------------------------------------------------------------- create


def _start_job(self: Any, kind: str, name: str) -> None:
    engine = lifecycle.engine_for(self.current_account, self.region)
    if engine is None:
        return
    p = self._get_param
    tags = p("Tags")
    if kind == "training":
        hyper = p("HyperParameters") or {}
        error, seconds = options(tags, hyper)
        res = p("ResourceConfig") or {}
        itype, count = res.get("InstanceType", "ml.m5.xlarge"), int(res.get("InstanceCount") or 1)
        image = (p("AlgorithmSpecification") or {}).get("TrainingImage", "")
        entry = str(hyper.get("sagemaker_program") or "train.py").strip('"')
        hosts = [f"algo-{i}" for i in range(1, count + 1)]
        spot = bool(p("EnableManagedSpotTraining"))
    elif kind == "processing":
        error, seconds = options(tags, p("Environment"))
        cluster = (p("ProcessingResources") or {}).get("ClusterConfig") or {}
        itype, count = cluster.get("InstanceType", "ml.m5.xlarge"), int(cluster.get("InstanceCount") or 1)
        app = p("AppSpecification") or {}
        image = app.get("ImageUri", "")
        entry = str((app.get("ContainerEntrypoint") or ["processing.py"])[-1]).rsplit("/", 1)[-1]
        hosts = [f"algo-{i}" for i in range(1, count + 1)]
        spot = False
    else:
        error, seconds = options(tags, p("Environment"))
        res = p("TransformResources") or {}
        itype, count = res.get("InstanceType", "ml.m5.xlarge"), int(res.get("InstanceCount") or 1)
        model = state.backend(self.current_account, self.region)._models.get(p("ModelName") or "")
        image = ((getattr(model, "primary_container", None) or {}).get("Image")) or ""
        entry = "inference.py"
        hosts = [lifecycle_instance(name, i) for i in range(1, count + 1)]
        spot = False
    now = engine.clock.time()
    clear = {
        "training": dict(
            TrainingStartTime=None,
            TrainingEndTime=None,
            FinalMetricDataList=None,
            SecondaryStatusTransitions=None,
        ),
        "processing": dict(ProcessingStartTime=None, ProcessingEndTime=None),
        "transform": dict(TransformStartTime=None, TransformEndTime=None),
    }[kind]
    state.apply_fields(kind, name, self.current_account, self.region, CreationTime=utc(now), **clear)
    script = JobScript(kind, name, image, count, entry=entry, error=error)
    steps = lifecycle.plan(kind, now, engine.clock, work=seconds, fail=bool(error))
    work = engine.clock.compress(seconds if seconds is not None else lifecycle.work_seconds(kind))
    interval = min(lifecycle.LINE_INTERVAL, max(0.05, work / 10))  # a short job still logs a few steps
    engine.add_job(lifecycle.JobLife(kind, name, itype, hosts, steps, script, spot=spot, interval=interval))


def lifecycle_instance(job: str, i: int) -> str:
    return "i-0" + hashlib.sha1(f"{job}/{i}".encode()).hexdigest()[:16]


def _create(kind: str, original: str) -> Any:
    name_param = {
        "training": "TrainingJobName",
        "processing": "ProcessingJobName",
        "transform": "TransformJobName",
    }

    def create(self: Any) -> Any:
        result = ORIGINALS[original](self)
        _start_job(self, kind, self._get_param(name_param[kind]))
        return result

    create.__name__ = original
    return create


def _create_endpoint(self: Any) -> Any:
    result = ORIGINALS["create_endpoint"](self)
    engine = lifecycle.engine_for(self.current_account, self.region)
    if engine is None:
        return result
    name = self._get_param("EndpointName")
    be = state.backend(self.current_account, self.region)
    ep = be.endpoints[name]
    variants = variants_of(be, name, ep.endpoint_config_name)
    error, _ = options(self._get_param("Tags"))
    now = engine.clock.time()
    end = now + engine.clock.compress(CREATING_SECONDS)
    steps = [Step("Creating", now), Step("Failed" if error else "InService", end)]
    state.apply_fields(
        "endpoint",
        name,
        self.current_account,
        self.region,
        CreationTime=utc(now),
        ProductionVariants=[
            {"VariantName": v.name, "DesiredInstanceCount": v.count, "DesiredWeight": v.weight}
            for v in variants
        ],
    )
    config = be.endpoint_configs.get(ep.endpoint_config_name)
    life = EndpointLife(
        name,
        ep.endpoint_config_name,
        variants,
        steps,
        async_inference=bool(getattr(config, "async_inference_config", None)),
        failure=HEALTH_CHECK_FAILURE.format(variant=variants[0].name if variants else "AllTraffic"),
    )
    engine.add_endpoint(life)
    return result


# --------------------------------------------------------------------------- stop


def _stop(kind: str) -> Any:
    name_param = {
        "training": "TrainingJobName",
        "processing": "ProcessingJobName",
        "transform": "TransformJobName",
    }

    def stop(self: Any) -> Any:
        from moto.core.responses import EmptyResult

        validation, not_found = _errors()
        name = self._get_param(name_param[kind])
        account, region = self.current_account, self.region
        try:
            fields = state.get_fields(kind, name, account, region)
        except KeyError:
            raise not_found(message="Requested resource not found.") from None
        status = fields.get(state._status_key(kind))
        if status != "InProgress":
            raise validation(
                message=f"The request was rejected because the {_WHAT[kind]} is in status {status}."
            )
        engine = lifecycle.engine_for(account, region)
        if engine is None or not engine.stop_job(kind, name):
            _stop_now(kind, name, account, region, fields)
        return EmptyResult()

    stop.__name__ = f"stop_{kind}_job"
    return stop


def _stop_now(kind: str, name: str, account: str, region: str, fields: dict[str, Any]) -> None:
    """Where nothing runs: Stopping and Stopped at once."""
    now = time.time()
    end = {"training": "TrainingEndTime", "processing": "ProcessingEndTime", "transform": "TransformEndTime"}[
        kind
    ]
    update: dict[str, Any] = {
        state._status_key(kind): "Stopped",
        end: utc(now),
        "LastModifiedTime": utc(now),
    }
    if kind == "training":
        past = [
            Step(t["Status"], _epoch(t["StartTime"]), t.get("StatusMessage", ""))
            for t in fields.get("SecondaryStatusTransitions") or []
            if t.get("Status") not in TERMINAL
        ]
        steps = past + [
            Step("Stopping", now, lifecycle.FINAL_MESSAGES["Stopping"]),
            Step("Stopped", now, lifecycle.FINAL_MESSAGES["Stopped"]),
        ]
        update.update(SecondaryStatus="Stopped", SecondaryStatusTransitions=transitions(steps))
    state.apply_fields(kind, name, account, region, **update)


def _epoch(value: Any) -> float:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    return float(value)


# --------------------------------------------------------------------------- update and delete endpoints


def _endpoint_life(engine: Any, be: Any, name: str) -> EndpointLife:
    """The engine's life of ``name``, adopting an endpoint it does not run yet (made before it started)."""
    life: EndpointLife | None = engine.endpoints.get(name)
    if life is None:
        ep = be.endpoints[name]
        life = EndpointLife(name, ep.endpoint_config_name, variants_of(be, name, ep.endpoint_config_name), [])
        life.steps = [Step(ep.endpoint_status, engine.clock.time())]
        life.applied = 1
        engine.endpoints[name] = life
    return life


def _update_endpoint(self: Any) -> Any:
    from moto.core.responses import ActionResult

    validation, _ = _errors()
    name, config = self._get_param("EndpointName"), self._get_param("EndpointConfigName")
    account, region = self.current_account, self.region
    be = state.backend(account, region)
    ep = be.endpoints.get(name)
    if ep is None:
        raise validation(
            message=f'Could not find endpoint "arn:aws:sagemaker:{region}:{account}:endpoint/{name}".'
        )
    if config not in be.endpoint_configs:
        raise validation(
            message=f'Could not find endpoint configuration "arn:aws:sagemaker:{region}:{account}:endpoint-config/{config}".'
        )
    if ep.endpoint_status != "InService":
        raise validation(message=f'Cannot update in-progress endpoint "{ep.arn}".')
    engine = lifecycle.engine_for(account, region)
    new = variants_of(be, name, config)
    if engine is None:
        state.apply_fields(
            "endpoint",
            name,
            account,
            region,
            EndpointConfigName=config,
            LastModifiedTime=dt.datetime.now(dt.UTC),
            ProductionVariants=[
                {
                    "VariantName": v.name,
                    "CurrentWeight": v.weight,
                    "DesiredWeight": v.weight,
                    "CurrentInstanceCount": v.count,
                    "DesiredInstanceCount": v.count,
                }
                for v in new
            ],
        )
    else:
        with engine._lock:
            life = _endpoint_life(engine, be, name)
            now = engine.clock.time()
            life.next_config = (config, new)
            life.steps = life.steps[: life.applied] + [
                Step("Updating", now),
                Step("InService", now + engine.clock.compress(UPDATING_SECONDS)),
            ]
            life.pump(engine.out, now)
    return ActionResult({"EndpointArn": ep.arn})


def _delete_endpoint(self: Any) -> Any:
    engine = lifecycle.engine_for(self.current_account, self.region)
    name = self._get_param("EndpointName")
    be = state.backend(self.current_account, self.region)
    if engine is None or name not in be.endpoints:
        return ORIGINALS["delete_endpoint"](self)  # at once, or moto's not-found error
    from moto.core.responses import EmptyResult

    with engine._lock:
        life = _endpoint_life(engine, be, name)
        now = engine.clock.time()
        life.steps = life.steps[: life.applied] + [
            Step("Deleting", now),
            Step("Deleted", now + engine.clock.compress(DELETING_SECONDS)),
        ]
        life.pump(engine.out, now)
    return EmptyResult()


# --------------------------------------------------------------------------- InvokeEndpoint


def _runtime_error(status: int, code: str, message: str, **extra: Any) -> tuple[str, dict[str, Any]]:
    body = json.dumps({"__type": code, "Message": message, **extra})
    return body, {"status": status, "Content-Type": "application/json", "x-amzn-ErrorType": code}


def score(body: bytes, content_type: str) -> tuple[int, str, str]:
    """A model's plausible answer: (container status, content type, body); one score per CSV row or per
    JSON instance, the same for the same input."""

    def value(row: str) -> str:
        return f"{int(hashlib.sha256(row.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF:.6f}"

    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            data = json.loads(text or "null")
        except ValueError:
            return 400, "text/plain", "Failed to parse the JSON payload"
        rows = data.get("instances") if isinstance(data, dict) else data
        rows = rows if isinstance(rows, list) else [rows]
        return (
            200,
            "application/json",
            json.dumps({"predictions": [{"score": float(value(json.dumps(r)))} for r in rows]}),
        )
    rows = [r for r in text.splitlines() if r.strip()]
    for r in rows:
        try:
            [float(x) for x in r.split(",") if x.strip()]
        except ValueError:
            return (
                415,
                "text/plain",
                f"Loading csv data failed with Exception, please ensure data is in csv format: could not convert string to float: {r.split(',')[0]!r}",
            )
    return 200, "text/csv", "\n".join(value(r) for r in rows)


def _invoke_endpoint(self: Any) -> Any:
    account, region = self.current_account, self.region
    name = self.path.split("/")[2]
    be = state.backend(account, region)
    ep = be.endpoints.get(name)
    if ep is None or ep.endpoint_status not in ("InService", "Updating"):
        return _runtime_error(400, "ValidationError", f"Endpoint {name} of account {account} not found.")
    engine = lifecycle.engine_for(account, region)
    rng = random.Random(self.body if isinstance(self.body, bytes) else str(self.body).encode())
    body = self.body if isinstance(self.body, bytes) else str(self.body or "").encode()
    status, content_type, answer = score(body, self.headers.get("Content-Type") or "text/csv")
    wanted = self.headers.get("X-Amzn-SageMaker-Target-Variant")
    life = engine.endpoints.get(name) if engine is not None else None
    if life is None and engine is not None:
        life = _endpoint_life(engine, be, name)
    variant_name = wanted or (ep.production_variants or [{}])[0].get("VariantName", "AllTraffic")
    if engine is not None and life is not None and life.variants:
        variant = life.pick(wanted, rng)
        variant_name = variant.name
        with engine._lock:
            error = answer if status != 200 else ""
            life.invoked(engine.out, variant, status, rng.uniform(3000, 9000), engine.clock.time(), error)
    if status != 200:
        stream = f"arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/Endpoints/{name}"
        return _runtime_error(
            424,
            "ModelError",
            f'Received client error ({status}) from primary with message "{answer}". See {stream} in account '
            f"{account} for more information.",
            OriginalStatusCode=status,
            OriginalMessage=answer,
            LogStreamArn=stream,
        )
    return 200, {"Content-Type": content_type, "x-Amzn-Invoked-Production-Variant": variant_name}, answer


# --------------------------------------------------------------------------- apply


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sagemaker.responses import SageMakerResponse
    from moto.sagemakerruntime.responses import SageMakerRuntimeResponse

    for kind, op in (
        ("training", "create_training_job"),
        ("processing", "create_processing_job"),
        ("transform", "create_transform_job"),
    ):
        ORIGINALS[op] = getattr(SageMakerResponse, op)
        setattr(SageMakerResponse, op, _create(kind, op))
    for name, fn in (
        ("create_endpoint", _create_endpoint),
        ("delete_endpoint", _delete_endpoint),
        ("update_endpoint", _update_endpoint),
        ("stop_training_job", _stop("training")),
        ("stop_processing_job", _stop("processing")),
        ("stop_transform_job", _stop("transform")),
    ):
        ORIGINALS[name] = SageMakerResponse.__dict__.get(name)
        setattr(SageMakerResponse, name, fn)
    ORIGINALS["invoke_endpoint"] = SageMakerRuntimeResponse.invoke_endpoint
    SageMakerRuntimeResponse.invoke_endpoint = _invoke_endpoint  # type: ignore[method-assign]
    state.on_manual_change.append(_release)
    _applied = True


def _release(kind: str, name: str, account: str, region: str) -> None:
    engine = lifecycle.engine_for(account, region)
    if engine is not None:
        engine.release(kind, name)
