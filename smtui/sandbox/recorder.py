"""The sandbox's CloudTrail: every SageMaker call (and STS AssumeRole) that passes the middleware is kept
as a management event with the layout of a real CloudTrail record (eventVersion 1.09).

Access keys map to identities: the sandbox's admin key is the IAM user ``sandbox-admin``; keys returned
by AssumeRole are assumed-role sessions carrying that call's role, session name and SourceIdentity;
keys of users made with :meth:`Sandbox.create_user_with_policy` are those users; any other key is the
IAM user ``unknown``.

``LookupEvents`` (:mod:`smtui.sandbox.fidelity_trail`) serves :attr:`Recorder.events`. There is one
recorder per account and region in a process (:func:`for_account`), like moto's own state; the
recorder of the request being served is found through :func:`current`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import unescape

#: SageMaker name parameters -> (CloudTrail resource type, ARN resource prefix)
_SAGEMAKER_RESOURCES: dict[str, tuple[str, str]] = {
    "TrainingJobName": ("AWS::SageMaker::TrainingJob", "training-job"),
    "ProcessingJobName": ("AWS::SageMaker::ProcessingJob", "processing-job"),
    "TransformJobName": ("AWS::SageMaker::TransformJob", "transform-job"),
    "EndpointName": ("AWS::SageMaker::Endpoint", "endpoint"),
    "EndpointConfigName": ("AWS::SageMaker::EndpointConfig", "endpoint-config"),
    "ModelName": ("AWS::SageMaker::Model", "model"),
    "NotebookInstanceName": ("AWS::SageMaker::NotebookInstance", "notebook-instance"),
    "HyperParameterTuningJobName": ("AWS::SageMaker::HyperParameterTuningJob", "hyper-parameter-tuning-job"),
    "PipelineName": ("AWS::SageMaker::Pipeline", "pipeline"),
}
#: request keys whose values are maps with user-chosen keys: CloudTrail keeps those keys as sent
_MAP_KEYS = frozenset({"Environment", "HyperParameters", "ContainerArguments", "CustomAttributes"})
_READ_PREFIXES = ("List", "Describe", "Get", "Search", "BatchDescribe", "BatchGet", "Query")
RETENTION = timedelta(days=90)


def is_read_only(operation: str) -> bool:
    return operation.startswith(_READ_PREFIXES)


def _fake_id(prefix: str, seed: str) -> str:
    """A stable AWS-looking unique id (``AIDA…``, ``AROA…``) derived from a name."""
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
    return prefix + digest[:17]


def iso(when: datetime) -> str:
    """CloudTrail's eventTime: UTC, second precision, ``Z`` (a naive datetime is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def camel(value: Any, parent: str = "") -> Any:
    """CloudTrail's requestParameters/responseElements spelling: structure keys in lowerCamelCase,
    user-chosen map keys (environment variables, hyperparameters) as sent."""
    if isinstance(value, dict):
        if parent in _MAP_KEYS:
            return dict(value)
        return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): camel(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v, parent) for v in value]
    return value


@dataclass(frozen=True)
class Identity:
    """Who made a call, as CloudTrail's ``userIdentity`` tells it."""

    type: str  # "IAMUser" | "AssumedRole"
    name: str  # the IAM user name, or the role session name
    account_id: str
    role_arn: str = ""
    role_id: str = ""
    source_identity: str | None = None
    created: str = ""

    @classmethod
    def user(cls, name: str, account_id: str) -> Identity:
        return cls("IAMUser", name, account_id)

    @classmethod
    def assumed_role(
        cls,
        role_arn: str,
        session: str,
        account_id: str,
        *,
        role_id: str = "",
        source_identity: str | None = None,
        created: str = "",
    ) -> Identity:
        return cls(
            "AssumedRole",
            session,
            account_id,
            role_arn=role_arn,
            role_id=role_id or _fake_id("AROA", role_arn),
            source_identity=source_identity,
            created=created,
        )

    @property
    def arn(self) -> str:
        if self.type == "AssumedRole":
            role_name = self.role_arn.rsplit("/", 1)[-1]
            return f"arn:aws:sts::{self.account_id}:assumed-role/{role_name}/{self.name}"
        return f"arn:aws:iam::{self.account_id}:user/{self.name}"

    @property
    def username(self) -> str:
        """LookupEvents' ``Username``: the IAM user name, or the session name of an assumed role."""
        return self.name

    def user_identity(self, access_key: str | None) -> dict[str, Any]:
        if self.type == "AssumedRole":
            role_name = self.role_arn.rsplit("/", 1)[-1]
            context: dict[str, Any] = {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": self.role_id,
                    "arn": self.role_arn,
                    "accountId": self.account_id,
                    "userName": role_name,
                },
                "webIdFederationData": {},
                "attributes": {"creationDate": self.created, "mfaAuthenticated": "false"},
            }
            if self.source_identity:
                context["sourceIdentity"] = self.source_identity
            return {
                "type": "AssumedRole",
                "principalId": f"{self.role_id}:{self.name}",
                "arn": self.arn,
                "accountId": self.account_id,
                "accessKeyId": access_key or "",
                "sessionContext": context,
            }
        return {
            "type": "IAMUser",
            "principalId": _fake_id("AIDA", self.arn),
            "arn": self.arn,
            "accountId": self.account_id,
            "accessKeyId": access_key or "",
            "userName": self.name,
        }


@dataclass
class _Meta:
    """What LookupEvents needs of an event, computed once when it is recorded."""

    ts: float
    seq: int
    raw: str | None  # the CloudTrailEvent string when injected raw; else json.dumps(record) on demand


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class Recorder:
    """The sandbox account's CloudTrail event history.

    - :attr:`events`: the records (dicts in CloudTrail's layout), in the order they were recorded;
      append-only (up to ``max_events``, then the oldest tenth is dropped) and safe to read from any thread.
    - :meth:`at`: a context manager; events recorded inside it carry that eventTime (for seeding history).
    - :meth:`add`: inject a record as is (or with a raw ``CloudTrailEvent`` string), e.g. hostile input.
    - :meth:`clear`: forget every event (identities are kept).
    """

    def __init__(
        self,
        account_id: str,
        region: str,
        *,
        max_events: int = 200_000,
        identities: dict[str, Identity] | None = None,
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.max_events = max_events
        self.events: list[dict[str, Any]] = []
        self._meta: list[_Meta] = []
        self._seq = 0
        self._lock = threading.RLock()
        self._when: list[datetime] = []
        #: access key -> identity; shared by the recorders of one account (IAM is global)
        self.identities: dict[str, Identity] = {} if identities is None else identities
        self._sorted: list[tuple[float, int, int]] | None = None  # (ts, seq, index) newest first

    # ------------------------------------------------------------------ identities
    def register(self, access_key: str, identity: Identity) -> None:
        with self._lock:
            self.identities[access_key] = identity

    def identity(self, access_key: str | None) -> Identity:
        """The identity owning ``access_key``: registered, else found in moto's IAM users and STS
        sessions (and remembered), else the IAM user ``unknown``."""
        key = access_key or ""
        found = self.identities.get(key)
        if found is None and key:
            found = moto_identity(key, self.account_id)
            if found is not None:
                self.register(key, found)
        return found if found is not None else Identity.user("unknown", self.account_id)

    # ------------------------------------------------------------------ time
    @contextlib.contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """Events recorded inside carry ``when`` as eventTime (naive datetimes are UTC).

        The override is for the whole recorder, not one thread: the calls are recorded on the
        server's request threads. Contexts nest.
        """
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        with self._lock:
            self._when.append(when)
        try:
            yield
        finally:
            with self._lock:
                self._when.remove(when)

    def now(self) -> datetime:
        with self._lock:
            if self._when:
                return self._when[-1]
        return datetime.now(UTC)

    # ------------------------------------------------------------------ storage
    def add(self, record: dict[str, Any], *, cloudtrail_event: str | None = None) -> dict[str, Any]:
        """Store ``record`` as an event, as given (only a missing eventID or eventTime is filled in).

        ``cloudtrail_event`` replaces the JSON that LookupEvents returns as ``CloudTrailEvent``, so
        tests can serve truncated or otherwise broken JSON. Returns the stored record.
        """
        with self._lock:
            if "eventID" not in record:
                record["eventID"] = str(uuid.uuid4())
            if "eventTime" not in record:
                record["eventTime"] = iso(self.now())
            when = _parse_time(record.get("eventTime")) or self.now()
            self._seq += 1
            self.events.append(record)
            self._meta.append(_Meta(when.timestamp(), self._seq, cloudtrail_event))
            self._sorted = None
            if len(self.events) > self.max_events:
                drop = max(1, self.max_events // 10)
                del self.events[:drop]
                del self._meta[:drop]
        return record

    def clear(self) -> None:
        with self._lock:
            self.events.clear()
            self._meta.clear()
            self._sorted = None

    def snapshot(self) -> list[tuple[float, int, dict[str, Any], str | None]]:
        """(time, sequence, record, raw) of every event, newest first (ties: last recorded first)."""
        with self._lock:
            if self._sorted is None:
                self._sorted = sorted(((m.ts, m.seq, i) for i, m in enumerate(self._meta)), reverse=True)
            return [(ts, seq, self.events[i], self._meta[i].raw) for ts, seq, i in self._sorted]

    # ------------------------------------------------------------------ recording calls
    def record_call(
        self,
        *,
        event_source: str,
        operation: str,
        access_key: str | None,
        region: str,
        source_ip: str,
        user_agent: str,
        request_parameters: Any,
        response_elements: Any,
        request_id: str,
        error_code: str | None = None,
        error_message: str | None = None,
        resources: list[dict[str, str]] | None = None,
        read_only: bool | None = None,
        identity: Identity | None = None,
    ) -> dict[str, Any]:
        who = identity or self.identity(access_key)
        record: dict[str, Any] = {
            "eventVersion": "1.09",
            "userIdentity": who.user_identity(access_key),
            "eventTime": iso(self.now()),
            "eventSource": event_source,
            "eventName": operation,
            "awsRegion": region,
            "sourceIPAddress": source_ip,
            "userAgent": user_agent,
        }
        if error_code:
            record["errorCode"] = error_code
            record["errorMessage"] = error_message or ""
        record["requestParameters"] = request_parameters
        record["responseElements"] = response_elements
        record["requestID"] = request_id
        record["eventID"] = str(uuid.uuid4())
        record["readOnly"] = is_read_only(operation) if read_only is None else read_only
        if resources:
            record["resources"] = resources
        record["eventType"] = "AwsApiCall"
        record["managementEvent"] = True
        record["recipientAccountId"] = self.account_id
        record["eventCategory"] = "Management"
        return self.add(record)

    def record_sagemaker(
        self,
        *,
        operation: str,
        access_key: str | None,
        region: str,
        source_ip: str,
        user_agent: str,
        request_body: bytes,
        status: int,
        response_body: bytes,
        request_id: str,
    ) -> dict[str, Any]:
        params = _loads(request_body)
        response = _loads(response_body) if (status >= 400 or not is_read_only(operation)) else None
        error_code = error_message = None
        if status >= 400:
            error_code, error_message = _json_error(response, status)
            response = None
        return self.record_call(
            event_source="sagemaker.amazonaws.com",
            operation=operation,
            access_key=access_key,
            region=region,
            source_ip=source_ip,
            user_agent=user_agent,
            request_parameters=camel(params) if isinstance(params, dict) else params,
            response_elements=camel(response) if isinstance(response, dict) else None,
            request_id=request_id,
            error_code=error_code,
            error_message=error_message,
            resources=sagemaker_resources(params, response, region, self.account_id),
        )

    def record_assume_role(
        self,
        *,
        access_key: str | None,
        region: str,
        source_ip: str,
        user_agent: str,
        params: dict[str, str],
        status: int,
        response_body: bytes,
        request_id: str,
    ) -> dict[str, Any]:
        """Record an AssumeRole call, and on success map the new access key to its session."""
        role_arn = params.get("RoleArn", "")
        session = params.get("RoleSessionName", "")
        request: dict[str, Any] = {"roleArn": role_arn, "roleSessionName": session}
        if "DurationSeconds" in params:
            with contextlib.suppress(ValueError):
                request["durationSeconds"] = int(params["DurationSeconds"])
        if "SourceIdentity" in params:
            request["sourceIdentity"] = params["SourceIdentity"]
        text = response_body.decode("utf-8", "replace")
        error_code = error_message = None
        response: dict[str, Any] | None = None
        if status >= 400:
            error_code = _xml(text, "Code") or str(status)
            error_message = _xml(text, "Message") or ""
        else:
            new_key = _xml(text, "AccessKeyId")
            assumed_id = _xml(text, "AssumedRoleId") or ""
            source_identity = _xml(text, "SourceIdentity")
            expiration = _xml(text, "Expiration") or ""
            response = {
                # the session token and the secret stay out of the record
                "credentials": {"accessKeyId": new_key, "expiration": expiration},
                "assumedRoleUser": {"assumedRoleId": assumed_id, "arn": _xml(text, "Arn") or ""},
            }
            if source_identity:
                response["sourceIdentity"] = source_identity
            if new_key:
                role_id = assumed_id.split(":", 1)[0] if assumed_id else ""
                self.register(
                    new_key,
                    Identity.assumed_role(
                        role_arn,
                        session,
                        self.account_id,
                        role_id=role_id,
                        source_identity=source_identity,
                        created=iso(self.now()),
                    ),
                )
        return self.record_call(
            event_source="sts.amazonaws.com",
            operation="AssumeRole",
            access_key=access_key,
            region=region,
            source_ip=source_ip,
            user_agent=user_agent,
            request_parameters=request,
            response_elements=response,
            request_id=request_id,
            error_code=error_code,
            error_message=error_message,
            resources=[{"accountId": self.account_id, "type": "AWS::IAM::Role", "ARN": role_arn}]
            if role_arn
            else None,
            read_only=True,
        )


def sagemaker_resources(
    params: Any, response: Any, region: str, account_id: str
) -> list[dict[str, str]] | None:
    """The ``resources`` of a SageMaker record, where the request names one."""
    if not isinstance(params, dict):
        return None
    for key, (rtype, prefix) in _SAGEMAKER_RESOURCES.items():
        name = params.get(key)
        if isinstance(name, str) and name:
            arn = None
            if isinstance(response, dict):
                arn = response.get(key.replace("Name", "Arn"))
            if not isinstance(arn, str) or not arn:
                arn = f"arn:aws:sagemaker:{region}:{account_id}:{prefix}/{name}"
            return [{"accountId": account_id, "type": rtype, "ARN": arn}]
    return None


def _loads(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _json_error(response: Any, status: int) -> tuple[str, str]:
    if isinstance(response, dict):
        code = str(response.get("__type") or status).rsplit("#", 1)[-1]
        message = response.get("message") or response.get("Message") or ""
        return code, str(message)
    return str(status), ""


def _xml(text: str, tag: str) -> str | None:
    start = text.find(f"<{tag}>")
    if start < 0:
        return None
    start += len(tag) + 2
    end = text.find(f"</{tag}>", start)
    return unescape(text[start:end]) if end >= 0 else None


def moto_identity(access_key: str, account_id: str) -> Identity | None:
    """Look ``access_key`` up in moto's state: an IAM user's key, or an STS session's (with the
    SourceIdentity :mod:`smtui.sandbox.fidelity_sts` keeps on it)."""
    try:
        from moto.iam.models import iam_backends
        from moto.sts.models import sts_backends
    except ImportError:  # pragma: no cover - moto is there whenever a sandbox runs
        return None
    with contextlib.suppress(Exception):
        for user in list(iam_backends[account_id]["aws"].users.values()):
            if any(k.access_key_id == access_key for k in user.access_keys):
                return Identity.user(user.name, account_id)
    with contextlib.suppress(Exception):
        for role in list(sts_backends[account_id]["aws"].assumed_roles):
            if role.access_key_id == access_key:
                # moto keeps no creation time: assume the default one-hour session
                return Identity.assumed_role(
                    role.role_arn,
                    role.session_name,
                    account_id,
                    source_identity=getattr(role, "source_identity", None),
                    created=iso(role.expiration - timedelta(seconds=3600)) if role.expiration else "",
                )
    return None


# ---------------------------------------------------------------------- one recorder per account and region
_recorders: dict[tuple[str, str], Recorder] = {}
_identities: dict[str, dict[str, Identity]] = {}
_recorders_lock = threading.Lock()
_local = threading.local()


def for_account(account_id: str, region: str) -> Recorder:
    """The process's recorder for an account and region. moto's state is process-wide, so is its
    CloudTrail: every :class:`Sandbox` of the process shares it. Like CloudTrail's event history it
    is regional (a call is recorded in the region it was signed for); identities are account-wide."""
    found = _recorders.get((account_id, region))
    if found is not None:
        return found
    with _recorders_lock:
        found = _recorders.get((account_id, region))
        if found is None:
            identities = _identities.setdefault(account_id, {})
            found = _recorders[(account_id, region)] = Recorder(account_id, region, identities=identities)
        return found


@contextlib.contextmanager
def serving(recorder: Recorder) -> Iterator[None]:
    """Mark ``recorder`` as the one of the request being served on this thread."""
    previous = getattr(_local, "recorder", None)
    _local.recorder = recorder
    try:
        yield
    finally:
        _local.recorder = previous


def current() -> Recorder | None:
    """The recorder of the request being served on this thread (else the first one made)."""
    found = getattr(_local, "recorder", None)
    if found is not None:
        return found
    with _recorders_lock:
        return next(iter(_recorders.values()), None)
