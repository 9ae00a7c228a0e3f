"""CloudTrail LookupEvents over the sandbox's recorder (moto 5.2.5 answers HTTP 500: not implemented).

Semantics follow the API reference (aws-api-semantics.md, "CloudTrail LookupEvents"):

- at most one LookupAttribute, of the 8 keys; more -> InvalidLookupAttributesException;
- StartTime/EndTime (inclusive), within the 90 days of event history; newest first;
- MaxResults 1..50 (default 50); an opaque NextToken that only works with the same parameters
  (else InvalidNextTokenException);
- each event as EventId, EventName, ReadOnly ("true"/"false"), AccessKeyId, EventTime, EventSource,
  Username (the IAM user name, or the session name of an assumed role), Resources and CloudTrailEvent
  (the record as a JSON string).

Paging is by position in the (time, sequence) order, so events recorded between two pages neither
repeat nor shift what the next page returns.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from moto.core.exceptions import ServiceException

LOOKUP_KEYS = (
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
)
MAX_RESULTS = 50

_original: Any = None
_applied = False


class LookupEventsError(ServiceException):
    """A LookupEvents error; moto serialises it with the CloudTrail model's error shapes (a class
    defined outside ``moto.*`` is looked up in the service being called, not in ``moto.core``)."""


def _error(code: str, message: str) -> Exception:
    return LookupEventsError(code, message)


def username(record: dict[str, Any]) -> str | None:
    """LookupEvents' Username of a record: the IAM user name, or the session name of an assumed role."""
    identity = record.get("userIdentity")
    if not isinstance(identity, dict):
        return None
    kind = identity.get("type")
    if kind == "AssumedRole":
        arn = identity.get("arn")
        return arn.rsplit("/", 1)[-1] if isinstance(arn, str) and "/" in arn else None
    if kind == "Root":
        return "root"
    name = identity.get("userName")
    return name if isinstance(name, str) else None


def _resources(record: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    resources = record.get("resources")
    if isinstance(resources, list):
        for r in resources:
            if isinstance(r, dict) and (r.get("type") or r.get("ARN")):
                found.append(
                    {"ResourceType": str(r.get("type") or ""), "ResourceName": str(r.get("ARN") or "")}
                )
    return found


def _matches(record: dict[str, Any], key: str, value: str) -> bool:
    if key == "EventId":
        return record.get("eventID") == value
    if key == "EventName":
        return record.get("eventName") == value
    if key == "ReadOnly":
        return str(record.get("readOnly")).lower() == value
    if key == "Username":
        return username(record) == value
    if key == "EventSource":
        return record.get("eventSource") == value
    if key == "AccessKeyId":
        identity = record.get("userIdentity")
        return isinstance(identity, dict) and identity.get("accessKeyId") == value
    if key == "ResourceType":
        return any(r["ResourceType"] == value for r in _resources(record))
    if key == "ResourceName":
        return any(r["ResourceName"] == value for r in _resources(record))
    return False


def _event(ts: float, record: dict[str, Any], raw: str | None) -> dict[str, Any]:
    """One LookupEvents ``Event`` from a record (robust to records injected with odd values)."""
    event: dict[str, Any] = {}
    for out_key, in_key in (
        ("EventId", "eventID"),
        ("EventName", "eventName"),
        ("EventSource", "eventSource"),
    ):
        value = record.get(in_key)
        if value is not None:
            event[out_key] = str(value)
    if "readOnly" in record:
        event["ReadOnly"] = str(record["readOnly"]).lower()
    identity = record.get("userIdentity")
    if isinstance(identity, dict) and identity.get("accessKeyId"):
        event["AccessKeyId"] = str(identity["accessKeyId"])
    event["EventTime"] = datetime.fromtimestamp(ts, UTC)
    name = username(record)
    if name is not None:
        event["Username"] = name
    event["Resources"] = _resources(record)
    if raw is not None:
        event["CloudTrailEvent"] = raw
    else:
        try:
            event["CloudTrailEvent"] = json.dumps(record, default=str)
        except (TypeError, ValueError):
            event["CloudTrailEvent"] = str(record)
    return event


def _time(value: Any, name: str) -> float | None:
    if value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return float(value)
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except (TypeError, ValueError, OverflowError):
        raise _error("InvalidTimeRangeException", f"{name} is not a valid timestamp.") from None


def _fingerprint(params: dict[str, Any]) -> str:
    same = {k: params.get(k) for k in ("LookupAttributes", "StartTime", "EndTime", "EventCategory")}
    return hashlib.sha256(json.dumps(same, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _token(fingerprint: str, ts: float, seq: int) -> str:
    blob = json.dumps({"f": fingerprint, "t": ts, "s": seq}).encode()
    return base64.urlsafe_b64encode(blob).decode()


def _untoken(token: Any, fingerprint: str) -> tuple[float, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        cursor = (float(data["t"]), int(data["s"]))
        ok = data["f"] == fingerprint
    except Exception:
        ok = False
    if not ok:
        raise _error(
            "InvalidNextTokenException",
            "Invalid NextToken: it must be used with the same parameters as the call that returned it.",
        )
    return cursor


def lookup(recorder: Any, params: dict[str, Any], now: float | None = None) -> dict[str, Any]:
    """LookupEvents over ``recorder`` (a :class:`~smtui.sandbox.recorder.Recorder` or None)."""
    from smtui.sandbox.recorder import RETENTION

    attributes = params.get("LookupAttributes") or []
    if not isinstance(attributes, list):
        raise _error("InvalidLookupAttributesException", "LookupAttributes must be a list.")
    if len(attributes) > 1:
        raise _error(
            "InvalidLookupAttributesException",
            "You can specify only one lookup attribute: more than one was given.",
        )
    key = value = None
    if attributes:
        attr = attributes[0] if isinstance(attributes[0], dict) else {}
        key, value = attr.get("AttributeKey"), attr.get("AttributeValue")
        if key not in LOOKUP_KEYS:
            raise _error(
                "InvalidLookupAttributesException",
                f"Invalid attribute key {key!r}: use one of {', '.join(LOOKUP_KEYS)}.",
            )
        if not isinstance(value, str) or not value:
            raise _error("InvalidLookupAttributesException", "AttributeValue must not be empty.")
        if key == "ReadOnly" and value not in ("true", "false"):
            raise _error("InvalidLookupAttributesException", "ReadOnly must be 'true' or 'false'.")
    max_results = params.get("MaxResults", MAX_RESULTS)
    if not isinstance(max_results, int) or not 1 <= max_results <= MAX_RESULTS:
        raise _error("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    category = params.get("EventCategory")
    if category not in (None, "insight"):
        raise _error("InvalidEventCategoryException", "EventCategory must be 'insight'.")

    now = datetime.now(UTC).timestamp() if now is None else now
    oldest = now - RETENTION.total_seconds()
    start = _time(params.get("StartTime"), "StartTime")
    end = _time(params.get("EndTime"), "EndTime")
    if start is not None and end is not None and start > end:
        raise _error("InvalidTimeRangeException", "Start time must be earlier than end time.")
    start = max(oldest, start if start is not None else oldest)
    end = end if end is not None else now

    fingerprint = _fingerprint(params)
    cursor = _untoken(params["NextToken"], fingerprint) if params.get("NextToken") else None

    events: list[dict[str, Any]] = []
    token = None
    if recorder is not None and category is None:
        for ts, seq, record, raw in recorder.snapshot():
            if cursor is not None and (ts, seq) >= cursor:
                continue
            if ts > end:
                continue
            if ts < start:
                break
            if not isinstance(record, dict):
                continue
            if key is not None and not _matches(record, key, value or ""):
                continue
            if len(events) == max_results:
                last = events[-1]["_cursor"]
                token = _token(fingerprint, *last)
                break
            event = _event(ts, record, raw)
            event["_cursor"] = (ts, seq)
            events.append(event)
    for event in events:
        del event["_cursor"]
    result: dict[str, Any] = {"Events": events}
    if token:
        result["NextToken"] = token
    return result


def lookup_events(self: Any) -> Any:
    """The patched ``CloudTrailResponse.lookup_events``."""
    from moto.core.responses import ActionResult

    from smtui.sandbox.recorder import current

    try:
        params = json.loads(self.body or "{}")
    except ValueError:
        params = {}
    if not isinstance(params, dict):
        params = {}
    return ActionResult(lookup(current(), params))


def apply() -> None:
    global _applied, _original
    if _applied:
        return
    from moto.cloudtrail.responses import CloudTrailResponse

    _original = CloudTrailResponse.__dict__.get("lookup_events")
    CloudTrailResponse.lookup_events = lookup_events  # type: ignore[attr-defined]
    _applied = True
