"""SageMaker jobs moto 5.2.5 lacks or half-serves (method A of aws-api-semantics.md):

* labeling jobs and inference recommendations jobs: moto has no API for them at all (every call answers
  "not implemented"). Create, List and Describe are served here, in AWS's shapes, from resources kept
  in moto's backend beside its own, so :mod:`smtui.sandbox.sagemaker_state` reads and sets them as any
  other kind;
* hyperparameter tuning jobs: moto has Create/List/Describe, but not ListTrainingJobsForHyperParameterTuningJob,
  and its Describe answers a made-up best training job (``FakeTrainingJobName``) and made-up completion
  details for every job. Describe answers what was set on the job (by the scenario or a test) in its
  output shape; the training jobs of a tuning job are those whose ``TuningJobArn`` is its ARN.

Nothing here runs: a labeling or recommendations job keeps the status it was created (or set) with.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from smtui.sandbox import shapes
from smtui.sandbox.sagemaker_state import _EXTRA, _lock, _naive_utc, apply_fields, describe_fields

ORIGINALS: dict[str, Any] = {}
_applied = False


class StoredJob:
    """A resource moto has no model for, kept as moto keeps its own: Describe fields as snake_case
    attributes (what :func:`smtui.sandbox.sagemaker_state.apply_fields` sets), read back in PascalCase."""

    def __init__(self, **attrs: Any) -> None:
        self.__dict__.update(attrs)

    @staticmethod
    def camelCase(key: str) -> str:  # noqa: N802 - moto's name, which sagemaker_state calls
        return "".join(word.title() for word in key.split("_"))

    @property
    def response_object(self) -> dict[str, Any]:
        return {(self.camelCase(k) if "_" in k else k[:1].upper() + k[1:]): v for k, v in vars(self).items()}


@dataclass(frozen=True)
class Spec:
    """One kind served here: its fields' names, its ARN's resource type, its calls' shapes."""

    kind: str
    collection: str  # the backend attribute holding it (sagemaker_state._KINDS)
    name_key: str
    arn_key: str
    status_key: str
    arn_type: str
    describe_op: str
    list_key: str
    summary_shape: str
    created_status: str
    statuses: tuple[str, ...]
    noun: str


LABELING = Spec(
    "labeling", "labeling_jobs", "LabelingJobName", "LabelingJobArn", "LabelingJobStatus", "labeling-job",
    "DescribeLabelingJob", "LabelingJobSummaryList", "LabelingJobSummary", "InProgress",
    ("Initializing", "InProgress", "Completed", "Failed", "Stopping", "Stopped"), "labeling job",
)  # fmt: skip
RECOMMENDATION = Spec(
    "recommendation", "inference_recommendations_jobs", "JobName", "JobArn", "Status",
    "inference-recommendations-job", "DescribeInferenceRecommendationsJob", "InferenceRecommendationsJobs",
    "InferenceRecommendationsJob", "PENDING",
    ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED", "DELETING", "DELETED"),
    "inference recommendations job",
)  # fmt: skip
SPECS = (LABELING, RECOMMENDATION)


def _snake(pascal: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", pascal).lower()


def _now() -> dt.datetime:
    from smtui.sandbox.recorder import current

    rec = current()
    when = rec.now() if rec is not None else dt.datetime.now(dt.UTC)
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def _params(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.body or "{}")
    except ValueError:
        body = {}
    return body if isinstance(body, dict) else {}


def _validation(message: str) -> Exception:
    from moto.sagemaker.exceptions import AWSValidationException

    return AWSValidationException(message)


def _not_found(message: str) -> Exception:
    from moto.sagemaker.exceptions import ResourceNotFound

    return ResourceNotFound(message)


# --------------------------------------------------------------------------- labeling, recommendations


def _create(spec: Spec) -> Any:
    def create(self: Any) -> Any:
        from moto.core.responses import ActionResult
        from moto.sagemaker.exceptions import ResourceInUseException

        params = _params(self)
        name = str(params.get(spec.name_key) or "")
        be = self.sagemaker_backend
        arn = f"arn:aws:sagemaker:{be.region_name}:{be.account_id}:{spec.arn_type}/{name.lower()}"
        now = _now()
        with _lock:
            jobs = getattr(be, spec.collection)
            if name in jobs:
                raise ResourceInUseException(f"Job with name {name} already exists. Choose a different name.")
            jobs[name] = StoredJob(
                **{_snake(spec.name_key): name, _snake(spec.status_key): spec.created_status},
                creation_time=now,
                last_modified_time=now,
            )
        fields = {k: v for k, v in params.items() if k not in (spec.name_key, "Tags")}
        fields[spec.arn_key] = arn
        if params.get("Tags"):
            fields["Tags"] = params["Tags"]
        apply_fields(spec.kind, name, be.account_id, be.region_name, **fields)
        return ActionResult({spec.arn_key: arn})

    return create


def _defaults(spec: Spec, fields: dict[str, Any]) -> dict[str, Any]:
    if spec is LABELING:
        fields.setdefault("LabelCounters", {})
        fields.setdefault("JobReferenceCode", "ml-team")
        counters = {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0}
        fields["LabelCounters"] = {**counters, "FailedNonRetryableError": 0, "Unlabeled": 0,
                                   **fields["LabelCounters"]}  # fmt: skip
        fields["WorkteamArn"] = (fields.get("HumanTaskConfig") or {}).get("WorkteamArn", "")
    else:
        fields.setdefault("JobDescription", "")
        fields["ModelName"] = (fields.get("InputConfig") or {}).get("ModelName")
    return fields


def _describe(spec: Spec) -> Any:
    def describe(self: Any) -> Any:
        from moto.core.responses import ActionResult

        name = str(_params(self).get(spec.name_key) or "")
        with _lock:
            obj = getattr(self.sagemaker_backend, spec.collection).get(name)
        if obj is None:
            raise _not_found(f"Could not find {spec.noun} '{name}'.")
        fields = _defaults(spec, describe_fields(spec.kind, obj))
        shape = shapes.output_shape("sagemaker", spec.describe_op)
        return ActionResult(shapes.fit(shape, fields))

    return describe


def _token_start(token: Any) -> int:
    if not token:
        return 0
    m = re.fullmatch(r"smtui-(\d+)", str(token))
    if not m:
        raise _validation(f'Invalid pagination token because "{token}".')
    return int(m.group(1))


def _max_results(value: Any, default: int = 10) -> int:
    n = int(value) if value is not None else default
    if not 1 <= n <= 100:
        raise _validation(
            f"1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    return n


def _bound(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    parsed: dt.datetime = _naive_utc(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    return parsed


def _list(spec: Spec) -> Any:
    def lister(self: Any) -> Any:
        from moto.core.responses import ActionResult

        p = _params(self)
        max_results = _max_results(p.get("MaxResults"))
        sort_by, order = p.get("SortBy") or "CreationTime", p.get("SortOrder") or "Descending"
        status = p.get("StatusEquals")
        if status is not None and status not in spec.statuses:
            raise _validation(
                f"1 validation error detected: Value '{status}' at 'statusEquals' failed to satisfy "
                f"constraint: Member must satisfy enum value set: [{', '.join(spec.statuses)}]"
            )
        bounds = {k: _bound(p.get(k)) for k in ("CreationTimeAfter", "CreationTimeBefore",
                                                 "LastModifiedTimeAfter", "LastModifiedTimeBefore")}  # fmt: skip
        with _lock:
            rows = [
                describe_fields(spec.kind, o)
                for o in getattr(self.sagemaker_backend, spec.collection).values()
            ]
        out = []
        for f in rows:
            created, modified = _naive_utc(f.get("CreationTime")), _naive_utc(f.get("LastModifiedTime"))
            if p.get("NameContains") and p["NameContains"] not in f.get(spec.name_key, ""):
                continue
            if status and f.get(spec.status_key) != status:
                continue
            if (
                p.get("ModelNameEquals")
                and (f.get("InputConfig") or {}).get("ModelName") != p["ModelNameEquals"]
            ):
                continue
            if (bounds["CreationTimeAfter"] and not created > bounds["CreationTimeAfter"]) or (
                bounds["CreationTimeBefore"] and not created < bounds["CreationTimeBefore"]
            ):
                continue
            if (bounds["LastModifiedTimeAfter"] and not modified > bounds["LastModifiedTimeAfter"]) or (
                bounds["LastModifiedTimeBefore"] and not modified < bounds["LastModifiedTimeBefore"]
            ):
                continue
            out.append(f)
        key = {"Name": spec.name_key, "Status": spec.status_key}.get(sort_by, "CreationTime")
        out.sort(key=lambda f: (str(f.get(key)) if key != "CreationTime" else "", _naive_utc(f["CreationTime"])),
                 reverse=order == "Descending")  # fmt: skip
        start = _token_start(p.get("NextToken"))
        page = out[start : start + max_results]
        summary = _summary_shape(spec.summary_shape)
        summaries = [shapes.fit(summary, _defaults(spec, dict(f))) for f in page]
        token = f"smtui-{start + max_results}" if start + max_results < len(out) else None
        return ActionResult({spec.list_key: summaries, "NextToken": token})

    return lister


def _summary_shape(name: str) -> Any:
    return shapes.shape("sagemaker", name)


# --------------------------------------------------------------------------- tuning jobs


#: what moto makes up for every tuning job; AWS has none of it until SageMaker has run training jobs
_MOTO_FAKES = (
    "best_training_job",
    "OverallBestTrainingJob",
    "tuning_job_completion_details",
    "consumed_resources",
)


def _create_tuning_job(self: Any) -> Any:
    result = ORIGINALS["create_hyper_parameter_tuning_job"](self)
    name = self._get_param("HyperParameterTuningJobName")
    with _lock:
        job = self.sagemaker_backend.hyper_parameter_tuning_jobs[name]
        for attr in _MOTO_FAKES:
            setattr(job, attr, None)
        job.training_job_status_counters = dict.fromkeys(
            ("Completed", "InProgress", "RetryableError", "NonRetryableError", "Stopped"), 0
        )
        job.objective_status_counters = dict.fromkeys(("Succeeded", "Pending", "Failed"), 0)
        job.hyper_parameter_tuning_end_time = None
        job.failure_reason = None
    return result


def _describe_tuning_job(self: Any, hyper_parameter_tuning_job_name: str) -> dict[str, Any]:
    ORIGINALS["describe_hyper_parameter_tuning_job"](self, hyper_parameter_tuning_job_name)  # not found
    job = self.hyper_parameter_tuning_jobs[hyper_parameter_tuning_job_name]
    fields = {**job.describe(), **_EXTRA.get(job, {})}
    fields["OverallBestTrainingJob"] = getattr(job, "overall_best_training_job", None)
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    fitted: dict[str, Any] = shapes.fit(
        shapes.output_shape("sagemaker", "DescribeHyperParameterTuningJob"), fields
    )
    return fitted


_TRAINING_SORT = ("Name", "CreationTime", "Status", "FinalObjectiveMetricValue")


def training_summary(tuning: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """A training job of a tuning job as ListTrainingJobsForHyperParameterTuningJob tells it."""
    config = tuning.hyper_parameter_tuning_job_config or {}
    objective = config.get("HyperParameterTuningJobObjective") or {}
    ranges = config.get("ParameterRanges") or {}
    tuned_names = {r.get("Name") for group in ranges.values() for r in group or []}
    hyper = fields.get("HyperParameters") or {}
    status = fields.get("TrainingJobStatus")
    summary: dict[str, Any] = {
        "TrainingJobName": fields.get("TrainingJobName"),
        "TrainingJobArn": fields.get("TrainingJobArn"),
        "TuningJobName": tuning.hyper_parameter_tuning_job_name,
        "CreationTime": fields.get("CreationTime"),
        "TrainingStartTime": fields.get("TrainingStartTime"),
        "TrainingEndTime": fields.get("TrainingEndTime"),
        "TrainingJobStatus": status,
        "TunedHyperParameters": {k: v for k, v in hyper.items() if k in tuned_names},
        "FailureReason": fields.get("FailureReason"),
        "ObjectiveStatus": "Failed" if status == "Failed" else "Pending",
    }
    metric = objective.get("MetricName")
    for m in fields.get("FinalMetricDataList") or []:
        if m.get("MetricName") == metric:
            summary["FinalHyperParameterTuningJobObjectiveMetric"] = {
                "Type": objective.get("Type"), "MetricName": metric, "Value": m.get("Value"),
            }  # fmt: skip
            summary["ObjectiveStatus"] = "Succeeded"
    return {k: v for k, v in summary.items() if v is not None}


def _list_training_jobs_for_tuning_job(self: Any) -> Any:
    from moto.core.responses import ActionResult

    p = _params(self)
    name = str(p.get("HyperParameterTuningJobName") or "")
    be = self.sagemaker_backend
    with _lock:
        tuning = be.hyper_parameter_tuning_jobs.get(name)
        jobs = list(be.training_jobs.values())
    if tuning is None:
        raise _not_found(f"Amazon SageMaker can't find a tuning job with name {name}")
    max_results = _max_results(p.get("MaxResults"))
    sort_by, order = p.get("SortBy") or "Name", p.get("SortOrder") or "Ascending"
    if sort_by not in _TRAINING_SORT:
        raise _validation(
            f"1 validation error detected: Value '{sort_by}' at 'sortBy' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(_TRAINING_SORT)}]"
        )
    rows = []
    for obj in jobs:
        fields = describe_fields("training", obj)
        if fields.get("TuningJobArn") != tuning.arn:
            continue
        if p.get("StatusEquals") and fields.get("TrainingJobStatus") != p["StatusEquals"]:
            continue
        rows.append(training_summary(tuning, fields))

    def key(s: dict[str, Any]) -> Any:
        if sort_by == "Name":
            return s["TrainingJobName"]
        if sort_by == "Status":
            return s["TrainingJobStatus"]
        if sort_by == "FinalObjectiveMetricValue":
            return (s.get("FinalHyperParameterTuningJobObjectiveMetric") or {}).get("Value", float("-inf"))
        return _naive_utc(s["CreationTime"])

    rows.sort(key=key, reverse=order == "Descending")
    start = _token_start(p.get("NextToken"))
    page = rows[start : start + max_results]
    summary = _summary_shape("HyperParameterTrainingJobSummary")
    token = f"smtui-{start + max_results}" if start + max_results < len(rows) else None
    return ActionResult({"TrainingJobSummaries": [shapes.fit(summary, s) for s in page], "NextToken": token})


# --------------------------------------------------------------------------- apply


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sagemaker.models import SageMakerModelBackend
    from moto.sagemaker.responses import SageMakerResponse

    for spec in SPECS:
        attr = "_smtui_" + spec.collection

        def jobs(self: Any, _attr: str = attr) -> dict[str, StoredJob]:
            found: dict[str, StoredJob] = self.__dict__.setdefault(_attr, {})
            return found

        setattr(SageMakerModelBackend, spec.collection, property(jobs))
        api = spec.describe_op.removeprefix("Describe")  # LabelingJob, InferenceRecommendationsJob
        snake = _snake(api)
        for op, handler in (
            (f"create_{snake}", _create(spec)),
            (f"describe_{snake}", _describe(spec)),
            (f"list_{snake}s", _list(spec)),
        ):
            ORIGINALS[op] = getattr(SageMakerResponse, op, None)  # None: moto has no such call
            handler.__name__ = op
            setattr(SageMakerResponse, op, handler)
    op = "list_training_jobs_for_hyper_parameter_tuning_job"
    ORIGINALS[op] = getattr(SageMakerResponse, op, None)
    setattr(SageMakerResponse, op, _list_training_jobs_for_tuning_job)
    ORIGINALS["create_hyper_parameter_tuning_job"] = SageMakerResponse.create_hyper_parameter_tuning_job
    SageMakerResponse.create_hyper_parameter_tuning_job = _create_tuning_job  # type: ignore[method-assign]
    ORIGINALS["describe_hyper_parameter_tuning_job"] = (
        SageMakerModelBackend.describe_hyper_parameter_tuning_job
    )
    SageMakerModelBackend.describe_hyper_parameter_tuning_job = _describe_tuning_job  # type: ignore[method-assign]
    _applied = True
