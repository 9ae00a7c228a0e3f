"""The sandbox's CloudTrail event history: the management events of every service the sandbox serves
(SageMaker, CloudWatch Logs, IAM, STS) that pass the middleware, as CloudTrail records
(:mod:`smtui.sandbox.trail_records` builds them), optionally delivered late.

Access keys map to identities (:mod:`smtui.sandbox.identity`): the sandbox's admin key is the IAM user
``sandbox-admin``; keys returned by AssumeRole are assumed-role sessions carrying that call's role, session
name and SourceIdentity; the sandbox's SageMaker-service key is ``sagemaker.amazonaws.com``; keys of users
made with :meth:`Sandbox.create_user_with_policy` are those users; any other key is the IAM user ``unknown``.

``LookupEvents`` (:mod:`smtui.sandbox.fidelity_trail`) serves :attr:`Recorder.events` once delivered:
AWS takes about five minutes; :attr:`Recorder.delay` (``--trail-delay``) does the same here. There is one
recorder per account and region in a process (:func:`for_account`), like moto's own state; the recorder of
the request being served is found through :func:`current`. The records are kept as CloudTrail writes them
into its S3 files, so :meth:`Recorder.s3_file` is ``{"Records": [...]}``.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from smtui.sandbox import trail_records as tr
from smtui.sandbox.identity import Identity, iso, moto_identity
from smtui.sandbox.trail_records import camel, is_read_only, sagemaker_resources  # noqa: F401 - re-exported

#: how long LookupEvents finds an event
RETENTION = timedelta(days=90)


@dataclass
class _Meta:
    """What LookupEvents needs of an event, computed once when it is recorded."""

    ts: float
    seq: int
    raw: str | None  # the CloudTrailEvent string when injected raw; else json.dumps(record) on demand
    delivered: float = 0.0  # when (on the recorder's clock) LookupEvents starts returning it


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
        #: seconds between recording an event and LookupEvents returning it (AWS: about five minutes),
        #: on :attr:`clock` (the sandbox's, so tests move it instead of waiting)
        self.delay = 0.0
        self.clock: Callable[[], float] = time.time

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
            self._meta.append(_Meta(when.timestamp(), self._seq, cloudtrail_event, self.clock() + self.delay))
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
        """(time, sequence, record, raw) of every delivered event, newest first (ties: last recorded
        first)."""
        now = self.clock()
        with self._lock:
            if self._sorted is None:
                self._sorted = sorted(((m.ts, m.seq, i) for i, m in enumerate(self._meta)), reverse=True)
            meta = self._meta
            return [
                (ts, seq, self.events[i], meta[i].raw)
                for ts, seq, i in self._sorted
                if meta[i].delivered <= now
            ]

    # ------------------------------------------------------------------ recording calls
    def record_call(
        self, *, access_key: str | None, identity: Identity | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Record one management event (``fields`` as :func:`trail_records.event` takes them)."""
        who = identity or self.identity(access_key)
        return self.add(
            tr.event(who=who, when=self.now(), account_id=self.account_id, access_key=access_key, **fields)
        )

    def record(
        self,
        *,
        service: str,
        operation: str,
        access_key: str | None,
        region: str,
        source_ip: str,
        user_agent: str,
        request_body: bytes,
        form: dict[str, str] | None,
        status: int,
        response_body: bytes,
        request_id: str,
    ) -> dict[str, Any]:
        """Record a call the middleware served (a management event of SageMaker, Logs, IAM or STS); a
        successful AssumeRole maps the new access key to its session."""
        common: dict[str, Any] = {
            "event_source": tr.EVENT_SOURCES[service],
            "operation": operation,
            "access_key": access_key,
            # IAM is global: CloudTrail writes its events as in us-east-1
            "region": "us-east-1" if service == "iam" else region,
            "source_ip": source_ip,
            "user_agent": user_agent,
            "request_id": request_id,
        }
        if form is not None and operation in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            fields, registered = tr.assume_role_call(
                operation, form, status, response_body, self.account_id, self.now()
            )
            if registered is not None:
                self.register(*registered)
            identity = None
            if operation == "AssumeRoleWithWebIdentity":
                from smtui.sandbox.trust import web_identity_provider

                provider = web_identity_provider(form.get("RoleArn", ""), self.account_id)
                subject = tr.token_subject(form.get("WebIdentityToken", ""))
                identity = Identity.web_identity(subject, provider, self.account_id)
            return self.record_call(identity=identity, **common, **fields)
        if form is not None:
            return self.record_call(**common, **tr.query_call(form, status, response_body))
        json_fields = tr.json_call(
            service, operation, self.account_id, region, request_body, status, response_body
        )
        return self.record_call(**common, **json_fields)

    def s3_file(self) -> dict[str, Any]:
        """The delivered events as one of CloudTrail's S3 log files."""
        return {"Records": [record for _, _, record, _ in reversed(self.snapshot())]}


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
    found: Recorder | None = getattr(_local, "recorder", None)
    if found is not None:
        return found
    with _recorders_lock:
        return next(iter(_recorders.values()), None)
