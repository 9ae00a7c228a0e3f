"""CloudTrail for smtui: who did what, by ``sourceIdentity``.

When Studio users share one execution role, CloudTrail names only the role; the user profile is
the ``sourceIdentity`` (``userIdentity.sessionContext.sourceIdentity`` of every call made with the
session, and ``requestParameters.sourceIdentity`` of the AssumeRole that set it). LookupEvents
cannot filter on it, so this module scans a time window (one lookup attribute, 50 events a page,
2 requests/s, newest first) and parses each ``CloudTrailEvent`` on the client.

- :func:`parse_event` turns one LookupEvents item into a :class:`TrailEvent` and never raises:
  malformed or truncated JSON, a missing ``userIdentity``, unknown identity types and huge
  ``requestParameters`` become a row that says what was wrong (:attr:`TrailEvent.problem`).
- :func:`scan` pages through LookupEvents for a :class:`TrailQuery`, reporting a
  :class:`ScanProgress` (pages, events scanned, time covered) with each page; cancel the task to
  stop it.
- :class:`IdentityIndex` counts events per sourceIdentity as pages arrive (the pane's identity
  list and summary view).
- :func:`lake_events` and :func:`insights_events` run the sourceIdentity filter server-side, in a
  CloudTrail Lake event data store (SQL) or a CloudWatch Logs group that receives the trail
  (Logs Insights), and yield the same :class:`TrailEvent` rows.

Every string taken from CloudTrail is cleaned with :func:`smtui.text.clean` before it is stored in
a display field. No Textual, and no aiobotocore at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from smtui.aws.errors import AwsError
from smtui.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

SAGEMAKER_SOURCE = "sagemaker.amazonaws.com"
#: CloudTrail event history keeps 90 days.
RETENTION = timedelta(days=90)
DEFAULT_WINDOW = timedelta(hours=24)
#: LookupEvents returns at most 50 events a page.
PAGE_SIZE = 50
#: Seconds from one LookupEvents answer to the scan's next request: never more than 2 arrivals a second.
MIN_INTERVAL = 0.5
#: The eight lookup attributes; LookupEvents takes exactly one.
LOOKUP_ATTRIBUTES = (
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
)
#: The actions the summary lists as mutating.
SUMMARY_ACTIONS = ("Create", "Update", "Stop", "Delete")
#: Name prefixes of read-only calls, for events whose record does not say.
_READ_PREFIXES = ("List", "Describe", "Get", "Search", "Lookup", "BatchGet", "BatchDescribe", "Query")
#: The key of the group of events without a sourceIdentity.
NO_IDENTITY = ""
NO_IDENTITY_LABEL = "(no sourceIdentity)"
#: Known ``userIdentity.type`` values (CloudTrail userIdentity element).
IDENTITY_TYPES = frozenset(
    {
        "Root",
        "IAMUser",
        "AssumedRole",
        "Role",
        "FederatedUser",
        "Directory",
        "AWSAccount",
        "AWSService",
        "Unknown",
        "SAMLUser",
        "WebIdentityUser",
        "IdentityCenterUser",
    }
)
#: A CloudTrailEvent larger than this is parsed, but its requestParameters are not kept whole.
HUGE_EVENT = 100_000
#: sourceIdentity as AWS allows it: 2-64 characters of [\w+=,.@-].
SOURCE_IDENTITY_RE = re.compile(r"[\w+=,.@-]{2,64}")
_SALVAGE_SI = re.compile(r'"sourceIdentity"\s*:\s*"((?:[^"\\]|\\.){1,200})"')
_CELL = 200  # characters kept in a table cell


# ---------------------------------------------------------------------------------------------- events
@dataclass
class TrailEvent:
    """One CloudTrail event, ready for a table row. Display fields are cleaned strings."""

    event_id: str
    time: datetime | None
    name: str
    source: str
    source_identity: str | None
    #: where the sourceIdentity came from: "session", "assumerole" (its requestParameters) or "damaged"
    identity_origin: str
    identity_type: str
    principal: str  # user, or role/session name
    principal_arn: str
    username: str
    resource: str
    resources: tuple[tuple[str, str], ...]
    source_ip: str
    error_code: str
    error_message: str
    read_only: bool | None
    access_key_id: str = ""
    region: str = ""
    user_agent: str = ""
    #: what was wrong with the record, or "" when nothing was
    problem: str = ""
    #: the parsed CloudTrailEvent (None when it could not be parsed)
    raw: dict[str, Any] | None = field(default=None, repr=False)
    #: the CloudTrailEvent text when it could not be parsed (cut to 64 KB)
    raw_text: str = field(default="", repr=False)
    _haystack: str = field(default="", repr=False, compare=False)

    @property
    def identity_key(self) -> str:
        return self.source_identity or NO_IDENTITY

    @property
    def identity_label(self) -> str:
        return self.source_identity or NO_IDENTITY_LABEL

    @property
    def principal_label(self) -> str:
        if self.identity_type and self.principal:
            return f"{self.identity_type} {self.principal}"
        return self.identity_type or self.principal or "?"

    @property
    def failed(self) -> bool:
        return bool(self.error_code)

    @property
    def mutating(self) -> bool:
        if self.read_only is not None:
            return not self.read_only
        return bool(self.name) and not self.name.startswith(_READ_PREFIXES)

    @property
    def summary_action(self) -> bool:
        """A Create*/Update*/Stop*/Delete* call: what the summary lists per identity."""
        return self.name.startswith(SUMMARY_ACTIONS)

    def haystack(self) -> str:
        if not self._haystack:
            self._haystack = " ".join(
                (
                    self.name,
                    self.source_identity or NO_IDENTITY_LABEL,
                    self.principal_label,
                    self.principal_arn,
                    self.username,
                    self.resource,
                    " ".join(n for _, n in self.resources),
                    self.source_ip,
                    self.error_code,
                    self.error_message,
                    self.event_id,
                    self.source,
                    self.problem,
                )
            ).lower()
        return self._haystack

    def when(self) -> str:
        return self.time.strftime("%Y-%m-%d %H:%M:%S") if self.time else "?"

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object (headless ``--json``): cleaned strings, ISO time."""
        return {
            "time": self.time.isoformat() if self.time else None,
            "eventName": self.name,
            "eventSource": self.source,
            "sourceIdentity": self.source_identity,
            "sourceIdentityFrom": self.identity_origin or None,
            "identityType": self.identity_type,
            "principal": self.principal,
            "principalArn": self.principal_arn,
            "resource": self.resource,
            "sourceIPAddress": self.source_ip,
            "errorCode": self.error_code or None,
            "readOnly": self.read_only,
            "eventId": self.event_id,
            "problem": self.problem or None,
        }

    def key_fields(self) -> list[tuple[str, str]]:
        """Who, what, when, from where, on what: the top of the event screen."""
        who = self.principal_label
        if self.principal_arn:
            who += f"  ({self.principal_arn})"
        rows = [
            (
                "sourceIdentity",
                self.identity_label
                + (f"  (from {self.identity_origin})" if self.identity_origin not in ("", "session") else ""),
            ),
            ("who", who),
            ("what", f"{self.name}  on {self.source}" if self.source else self.name),
            ("when", (self.time.isoformat() if self.time else "?")),
            ("from where", " · ".join(x for x in (self.source_ip, self.user_agent, self.region) if x) or "?"),
            (
                "on what",
                ", ".join(f"{n} ({t})" if t else n for t, n in self.resources) or self.resource or "?",
            ),
            ("result", f"FAILED {self.error_code}: {self.error_message}" if self.error_code else "ok"),
            ("read-only", {True: "yes", False: "no", None: "?"}[self.read_only]),
            ("event id", self.event_id or "?"),
        ]
        if self.problem:
            rows.insert(0, ("problem", self.problem))
        return rows


def _cell(value: Any, limit: int = _CELL) -> str:
    """A cleaned one-line string for a table cell, cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, default=str)[: limit * 2]
    s = clean(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        with contextlib.suppress(OverflowError, OSError, ValueError):
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        return None
    if isinstance(value, str) and value:
        s = value.strip().replace("Z", "+00:00")
        with contextlib.suppress(ValueError):
            t = datetime.fromisoformat(s)
            return t if t.tzinfo else t.replace(tzinfo=UTC)
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _principal(uid: Mapping[str, Any]) -> tuple[str, str, str]:
    """(type, name, problem) for a userIdentity element."""
    kind = _cell(uid.get("type"), 40)
    arn = uid.get("arn") if isinstance(uid.get("arn"), str) else ""
    tail = arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""
    name = ""
    problem = ""
    if kind == "AssumedRole":
        # arn:aws:sts::123456789012:assumed-role/Role/session -> Role/session
        if tail.startswith("assumed-role/"):
            name = tail[len("assumed-role/") :]
        else:
            issuer = (
                ((uid.get("sessionContext") or {}).get("sessionIssuer") or {})
                if isinstance(uid.get("sessionContext"), Mapping)
                else {}
            )
            role = issuer.get("userName", "") if isinstance(issuer, Mapping) else ""
            pid = str(uid.get("principalId") or "")
            session = pid.split(":", 1)[1] if ":" in pid else ""
            name = f"{role}/{session}" if role or session else pid
    elif kind in ("IAMUser", "SAMLUser", "WebIdentityUser", "Directory"):
        name = uid.get("userName") or (tail.split("/", 1)[-1] if tail else "") or uid.get("principalId") or ""
    elif kind == "Root":
        name = "root"
    elif kind == "AWSService":
        name = uid.get("invokedBy") or ""
    elif kind == "AWSAccount":
        name = uid.get("accountId") or uid.get("principalId") or ""
    elif kind == "FederatedUser":
        name = (
            tail.split("/", 1)[-1] if tail.startswith("federated-user/") else (uid.get("principalId") or "")
        )
    elif kind == "IdentityCenterUser":
        obo = uid.get("onBehalfOf") if isinstance(uid.get("onBehalfOf"), Mapping) else {}
        name = uid.get("userName") or obo.get("userId") or uid.get("principalId") or ""
    elif kind == "Role":
        name = tail.split("/", 1)[-1] if tail else (uid.get("principalId") or "")
    else:
        name = tail or uid.get("principalId") or uid.get("userName") or uid.get("invokedBy") or ""
        if not kind:
            problem = "userIdentity has no type"
        elif kind not in IDENTITY_TYPES:
            problem = f"unknown identity type {kind!r}"
    return kind, _cell(name, 120), problem


def _source_identity(ev: Mapping[str, Any]) -> tuple[str | None, str, str]:
    """(sourceIdentity, origin, problem) from a parsed CloudTrail record."""
    value: Any = None
    origin = ""
    uid = ev.get("userIdentity")
    if isinstance(uid, Mapping):
        ctx = uid.get("sessionContext")
        if isinstance(ctx, Mapping) and ctx.get("sourceIdentity") is not None:
            value, origin = ctx.get("sourceIdentity"), "session"
    if value is None:
        req = ev.get("requestParameters")
        if isinstance(req, Mapping) and req.get("sourceIdentity") is not None:
            # the AssumeRole (or AssumeRoleWithSAML/WebIdentity) that set it
            value, origin = req.get("sourceIdentity"), "assumerole"
    if value is None:
        return None, "", ""
    if not isinstance(value, str):
        return _cell(value, 64) or None, origin, f"sourceIdentity is a {type(value).__name__}, not a string"
    if value == "":
        return None, "", "sourceIdentity is empty"
    cleaned = _cell(value, 80)
    if not SOURCE_IDENTITY_RE.fullmatch(value):
        return cleaned or None, origin, "sourceIdentity has characters or a length AWS does not allow"
    return cleaned, origin, ""


_NAME_KEYS = re.compile(r"^[a-z][A-Za-z]*(Name|Arn)$")


def _resource_from_request(req: Any) -> str:
    """The resource a call touched, from requestParameters (``trainingJobName``, ``endpointName``, ...)."""
    if not isinstance(req, Mapping):
        return ""
    best = ""
    for key, value in req.items():
        if isinstance(value, str) and isinstance(key, str) and _NAME_KEYS.match(key):
            if key.endswith("Name"):
                return value
            best = best or value
    return best


def _envelope(item: Mapping[str, Any]) -> dict[str, Any]:
    resources = []
    for r in item.get("Resources") or ():
        if isinstance(r, Mapping):
            resources.append((_cell(r.get("ResourceType"), 80), _cell(r.get("ResourceName"), 200)))
    return {
        "event_id": _cell(item.get("EventId"), 80),
        "time": _parse_time(item.get("EventTime")),
        "name": _cell(item.get("EventName"), 100),
        "source": _cell(item.get("EventSource"), 100),
        "username": _cell(item.get("Username"), 120),
        "access_key_id": _cell(item.get("AccessKeyId"), 40),
        "read_only": _as_bool(item.get("ReadOnly")),
        "resources": tuple(resources),
    }


def parse_event(item: Mapping[str, Any]) -> TrailEvent:
    """A :class:`TrailEvent` from one LookupEvents ``Events[]`` item. Never raises."""
    try:
        return _parse(item)
    except Exception as exc:  # the last line of defence: a row that says what went wrong
        env = {}
        with contextlib.suppress(Exception):
            env = _envelope(item if isinstance(item, Mapping) else {})
        return TrailEvent(
            event_id=env.get("event_id", ""),
            time=env.get("time"),
            name=env.get("name", "?"),
            source=env.get("source", ""),
            source_identity=None,
            identity_origin="",
            identity_type="",
            principal=env.get("username", ""),
            principal_arn="",
            username=env.get("username", ""),
            resource="",
            resources=env.get("resources", ()),
            source_ip="",
            error_code="",
            error_message="",
            read_only=env.get("read_only"),
            problem=_cell(f"could not read this event: {type(exc).__name__}: {exc}"),
        )


def parse_record(record: Any, envelope: Mapping[str, Any] | None = None) -> TrailEvent:
    """A :class:`TrailEvent` from a CloudTrail record: a dict, or its JSON text (Logs Insights
    ``@message``, a trail's log file). Never raises."""
    item = dict(envelope or {})
    item["CloudTrailEvent"] = record
    return parse_event(item)


def _parse(item: Mapping[str, Any]) -> TrailEvent:
    env = _envelope(item)
    problems: list[str] = []
    text = item.get("CloudTrailEvent")
    ev: Any = None
    raw_text = ""
    if isinstance(text, Mapping):
        ev = dict(text)
        size = 0
    elif isinstance(text, (str, bytes)):
        size = len(text)
        try:
            ev = json.loads(text)
        except RecursionError:
            problems.append("CloudTrailEvent is nested too deeply to read")
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
            where = f" at character {exc.pos:,}" if isinstance(exc, json.JSONDecodeError) else ""
            stripped = text.strip() if isinstance(text, str) else ""
            cut = " (truncated?)" if stripped.startswith("{") and not stripped.endswith("}") else ""
            problems.append(f"CloudTrailEvent is not valid JSON{cut}{where}: {getattr(exc, 'msg', exc)}")
        if ev is None:
            raw_text = text[:65536] if isinstance(text, str) else text[:65536].decode("utf-8", "replace")
    else:
        size = 0
        problems.append(
            "no CloudTrailEvent in the lookup result"
            if text is None
            else f"CloudTrailEvent is a {type(text).__name__}, not JSON text"
        )

    if ev is not None and not isinstance(ev, Mapping):
        problems.append(f"CloudTrailEvent is a JSON {type(ev).__name__}, not an object")
        raw_text = json.dumps(ev, default=str)[:65536]
        ev = None

    if ev is None:
        si = None
        origin = ""
        if raw_text:
            m = _SALVAGE_SI.search(raw_text)
            if m:
                si, origin = _cell(m.group(1), 80) or None, "damaged"
        return TrailEvent(
            event_id=env["event_id"],
            time=env["time"],
            name=env["name"] or "?",
            source=env["source"],
            source_identity=si,
            identity_origin=origin,
            identity_type="",
            principal=env["username"],
            principal_arn="",
            username=env["username"],
            resource=env["resources"][0][1] if env["resources"] else "",
            resources=env["resources"],
            source_ip="",
            error_code="",
            error_message="",
            read_only=env["read_only"],
            access_key_id=env["access_key_id"],
            problem="; ".join(problems),
            raw=None,
            raw_text=raw_text,
        )

    ev = dict(ev)
    uid = ev.get("userIdentity")
    if uid is None:
        problems.append("no userIdentity")
        itype, principal, arn = "", "", ""
    elif not isinstance(uid, Mapping):
        problems.append(f"userIdentity is a {type(uid).__name__}, not an object")
        itype, principal, arn = "", _cell(uid, 80), ""
    else:
        itype, principal, p = _principal(uid)
        if p:
            problems.append(p)
        arn = _cell(uid.get("arn"), 200)
    si, origin, p = _source_identity(ev)
    if p:
        problems.append(p)

    req = ev.get("requestParameters")
    if size > HUGE_EVENT or (req is not None and _big(req)):
        n = size or len(json.dumps(req, default=str))
        problems.append(f"huge event ({n:,} characters): long values shown cut")
    # the name as the caller spelt it (requestParameters) reads better than an ARN, which SageMaker lowercases
    resource = _cell(_resource_from_request(req))
    resources = env["resources"]
    if not resources:
        rs = ev.get("resources")
        if isinstance(rs, list):
            resources = tuple(
                (_cell(r.get("type"), 80), _cell(r.get("ARN") or r.get("arn"), 200))
                for r in rs
                if isinstance(r, Mapping)
            )
    if not resource and resources:
        resource = resources[0][1]

    name = _cell(ev.get("eventName"), 100) or env["name"]
    if not name:
        problems.append("no eventName")
    t = _parse_time(ev.get("eventTime")) or env["time"]
    if t is None:
        problems.append("no eventTime")
    read_only = _as_bool(ev.get("readOnly"))
    if read_only is None:
        read_only = env["read_only"]
    return TrailEvent(
        event_id=_cell(ev.get("eventID"), 80) or env["event_id"],
        time=t,
        name=name or "?",
        source=_cell(ev.get("eventSource"), 100) or env["source"],
        source_identity=si,
        identity_origin=origin,
        identity_type=itype,
        principal=principal or env["username"],
        principal_arn=arn,
        username=env["username"],
        resource=resource,
        resources=resources,
        source_ip=_cell(ev.get("sourceIPAddress"), 80),
        error_code=_cell(ev.get("errorCode"), 100),
        error_message=_cell(ev.get("errorMessage"), 500),
        read_only=read_only,
        access_key_id=_cell(
            ev.get("userIdentity", {}).get("accessKeyId") if isinstance(uid, Mapping) else "", 40
        )
        or env["access_key_id"],
        region=_cell(ev.get("awsRegion"), 40),
        user_agent=_cell(ev.get("userAgent"), 200),
        problem="; ".join(problems),
        raw=ev,
    )


def _big(value: Any, budget: int = HUGE_EVENT) -> bool:
    """True when ``value`` would take more than ``budget`` characters, without serialising all of it."""
    stack = [value]
    total = 0
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v)
        elif isinstance(v, Mapping):
            total += len(v) * 4
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            total += len(v)
            stack.extend(v)
        else:
            total += 8
        if total > budget:
            return True
    return False


# ---------------------------------------------------------------------------------------------- display
def shrink(value: Any, *, max_str: int = 2000, max_items: int = 200, max_depth: int = 24) -> Any:
    """A copy of a JSON value fit for display: strings cleaned (newlines kept as ``\\n`` by JSON)
    and cut, long lists and objects cut with a marker, deep nesting cut."""

    def walk(v: Any, depth: int) -> Any:
        if depth > max_depth:
            return "… [nested too deeply]"
        if isinstance(v, str):
            s = clean(v, newlines=True)
            return s if len(s) <= max_str else f"{s[:max_str]} … [{len(s) - max_str:,} more characters]"
        if isinstance(v, Mapping):
            out: dict[str, Any] = {}
            for i, (k, x) in enumerate(v.items()):
                if i >= max_items:
                    out["…"] = f"[{len(v) - max_items:,} more keys]"
                    break
                out[_cell(k, 200)] = walk(x, depth + 1)
            return out
        if isinstance(v, (list, tuple)):
            items = [walk(x, depth + 1) for x in list(v)[:max_items]]
            if len(v) > max_items:
                items.append(f"… [{len(v) - max_items:,} more items]")
            return items
        if v is None or isinstance(v, (bool, int, float)):
            return v
        return clean(str(v))

    return walk(value, 0)


def pretty_json(ev: TrailEvent) -> str:
    """The whole event as indented JSON, cleaned of control sequences and cut where huge."""
    if ev.raw is not None:
        return json.dumps(shrink(ev.raw), indent=2, ensure_ascii=False, default=str)
    if ev.raw_text:
        return clean(ev.raw_text, newlines=True)
    return json.dumps(shrink(ev.to_json()), indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class TrailQuery:
    """A LookupEvents scan: a time window and at most one exact server-side attribute.

    When several of ``event_name``, ``resource_name``, ``username``, ``event_source`` are set, the most
    selective one goes to the server (event id, event name, resource name, user name, event source)
    and the others are checked on the client, exactly.
    """

    start: datetime
    end: datetime
    event_source: str | None = SAGEMAKER_SOURCE
    event_name: str | None = None
    resource_name: str | None = None
    username: str | None = None
    event_id: str | None = None

    @classmethod
    def last(
        cls, window: timedelta = DEFAULT_WINDOW, *, now: datetime | None = None, **kw: Any
    ) -> TrailQuery:
        now = now or datetime.now(UTC)
        window = min(window, RETENTION)
        return cls(start=now - window, end=now, **kw)

    def lookup_attribute(self) -> tuple[str, str] | None:
        for key, value in (
            ("EventId", self.event_id),
            ("EventName", self.event_name),
            ("ResourceName", self.resource_name),
            ("Username", self.username),
            ("EventSource", self.event_source),
        ):
            if value:
                return key, value
        return None

    def params(self, page_size: int = PAGE_SIZE) -> dict[str, Any]:
        p: dict[str, Any] = {
            "StartTime": self.start,
            "EndTime": self.end,
            "MaxResults": max(1, min(PAGE_SIZE, page_size)),
        }
        attr = self.lookup_attribute()
        if attr:
            p["LookupAttributes"] = [{"AttributeKey": attr[0], "AttributeValue": attr[1]}]
        return p

    def accepts(self, ev: TrailEvent) -> bool:
        """The client-side check of every constraint (the server applied only one of them)."""
        if self.event_source and ev.source and ev.source != self.event_source:
            return False
        if self.event_name and ev.name != self.event_name:
            return False
        if self.resource_name and not names_resource(ev, self.resource_name):
            return False
        if self.username and ev.username and ev.username != self.username:
            return False
        return not (self.event_id and ev.event_id != self.event_id)

    def describe(self) -> str:
        attr = self.lookup_attribute()
        what = f"{attr[0]}={attr[1]}" if attr else "all events"
        return f"{what}, {fmt_span(self.end - self.start)} to {self.end:%Y-%m-%d %H:%M} UTC"


def names_resource(ev: TrailEvent, name: str) -> bool:
    """True when ``ev`` touched the resource called ``name``: in its lookup resources, its record's
    resources, a ``*Name`` request parameter, or an ARN ending in ``/name`` (SageMaker lowercases ARNs)."""
    if not name:
        return True
    low = name.lower()
    for _, n in ev.resources:
        if n == name or n.lower().endswith("/" + low):
            return True
    if ev.resource == name:
        return True
    raw = ev.raw or {}
    for part in ("requestParameters", "responseElements"):
        obj = raw.get(part)
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                if not isinstance(value, str) or not isinstance(key, str):
                    continue
                if key.endswith("Name") and value == name:
                    return True
                if key.endswith("Arn") and value.lower().endswith("/" + low):
                    return True
    return False


@dataclass
class ScanProgress:
    """How far a scan has got: shown as the pane's progress line."""

    start: datetime
    end: datetime
    pages: int = 0
    scanned: int = 0
    matched: int = 0
    oldest: datetime | None = None
    done: bool = False
    cancelled: bool = False
    error: AwsError | None = None
    status: str = ""  # server-side queries: QUEUED, RUNNING, Complete, ...
    via: str = "LookupEvents"

    @property
    def covered(self) -> timedelta:
        if self.done and not self.cancelled and self.error is None:
            return self.end - self.start
        if self.oldest is None:
            return timedelta(0)
        return max(timedelta(0), min(self.end, self.end) - max(self.oldest, self.start))

    @property
    def fraction(self) -> float:
        span = (self.end - self.start).total_seconds()
        return 1.0 if span <= 0 else min(1.0, self.covered.total_seconds() / span)

    def line(self) -> str:
        span = self.end - self.start
        if self.via != "LookupEvents":
            head = f"{self.via}: {self.status or 'starting'}"
            parts = [head, f"{self.scanned:,} events", f"{self.matched:,} shown", f"window {fmt_span(span)}"]
        else:
            parts = [
                f"{self.pages} page{'s' if self.pages != 1 else ''}",
                f"{self.scanned:,} events scanned",
                f"{self.matched:,} kept",
                f"{fmt_span(self.covered)} of {fmt_span(span)} covered ({self.fraction:.0%})",
            ]
        if self.error is not None:
            parts.append(f"stopped: {self.error.code}")
        elif self.cancelled:
            parts.append("cancelled")
        elif self.done:
            parts.append("done")
        else:
            parts.append("loading…" if self.via == "LookupEvents" else "running…")
        return " · ".join(parts)


def fmt_span(td: timedelta) -> str:
    s = int(td.total_seconds())
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 2 * 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}h" if not m else f"{h}h{m:02d}m"
    d, rem = divmod(s, 86400)
    return f"{d}d" if rem < 3600 else f"{d}d{rem // 3600}h"


async def scan(
    aws: AwsSession,
    query: TrailQuery,
    *,
    page_size: int = PAGE_SIZE,
    limit: int | None = None,
    min_interval: float = MIN_INTERVAL,
) -> AsyncIterator[tuple[list[TrailEvent], ScanProgress]]:
    """Page through LookupEvents for ``query``, newest first, yielding (kept events, progress) per page.

    Pacing is the session's (LookupEvents is limited to 2 requests/s for the whole app), plus
    ``min_interval`` from each answer to the next request: AWS counts requests as they arrive, and
    sending exactly every 0.5 s lets network jitter put three arrivals inside one second (measured
    against the sandbox), while waiting from the answer keeps arrivals more than 0.5 s apart.
    Throttling is retried by the session. Cancel the task to stop; an :class:`AwsError` is raised after the
    pages already yielded, and ``progress.error`` is set.
    """
    progress = ScanProgress(start=query.start, end=query.end)
    params = query.params(page_size)
    seen_tokens: set[str] = set()
    loop = asyncio.get_running_loop()
    last = -1e9
    try:
        while True:
            wait = last + min_interval - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            page = await aws.call("cloudtrail", "lookup_events", **params)
            last = loop.time()  # from the answer: the next request arrives > 0.5 s after this one did
            items = page.get("Events") or []
            progress.pages += 1
            progress.scanned += len(items)
            kept: list[TrailEvent] = []
            for item in items:
                ev = parse_event(item)
                if ev.time is not None and (progress.oldest is None or ev.time < progress.oldest):
                    progress.oldest = ev.time
                if query.accepts(ev):
                    kept.append(ev)
            progress.matched += len(kept)
            token = page.get("NextToken")
            if not token or token in seen_tokens or (limit is not None and progress.scanned >= limit):
                progress.done = True
                if limit is not None and progress.scanned >= limit and token:
                    progress.cancelled = True
                    progress.status = f"stopped at the limit of {limit:,} events"
            yield kept, progress
            if progress.done:
                return
            seen_tokens.add(token)
            params["NextToken"] = token
    except asyncio.CancelledError:
        progress.cancelled = True
        raise
    except AwsError as err:
        progress.error = err
        raise


async def resource_history(
    aws: AwsSession,
    name: str,
    *,
    start: datetime,
    end: datetime,
    event_source: str | None = SAGEMAKER_SOURCE,
    fallback: bool = True,
    limit: int | None = None,
) -> AsyncIterator[tuple[list[TrailEvent], ScanProgress, str]]:
    """A resource's CloudTrail history: LookupEvents ResourceName=<name> first (exact, fast), then the
    EventSource window scanned on the client for events that name it (CloudTrail fills ``Resources``
    for only some SageMaker calls). Yields (new events, progress, phase); events are de-duplicated."""
    seen: set[str] = set()
    q1 = TrailQuery(start=start, end=end, event_source=None, resource_name=name)
    async for kept, progress in scan(aws, q1, limit=limit):
        new = [
            e
            for e in kept
            if _first(e, seen) and (not event_source or not e.source or e.source == event_source)
        ]
        yield new, progress, "ResourceName"
    if not fallback:
        return
    q2 = TrailQuery(start=start, end=end, event_source=event_source or SAGEMAKER_SOURCE)
    named = 0
    async for kept, progress in scan(aws, q2, limit=limit):
        new = [e for e in kept if names_resource(e, name) and _first(e, seen)]
        named += len(new)
        progress.matched = named  # "kept" in the progress line: events that name the resource
        yield new, progress, "EventSource"


def _first(ev: TrailEvent, seen: set[str]) -> bool:
    key = ev.event_id or f"{ev.time}|{ev.name}|{ev.principal}"
    if key in seen:
        return False
    seen.add(key)
    return True


# ---------------------------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class EventFilter:
    """The pane's client-side filters. ``identity`` None means any; :data:`NO_IDENTITY` selects
    events without a sourceIdentity."""

    identity: str | None = None
    event_name: str | None = None
    mutating_only: bool = False
    failed_only: bool = False
    text: str = ""
    resource: str | None = None

    def matches(self, ev: TrailEvent) -> bool:
        if self.identity is not None and ev.identity_key != self.identity:
            return False
        if self.event_name and ev.name != self.event_name:
            return False
        if self.mutating_only and not ev.mutating:
            return False
        if self.failed_only and not ev.failed:
            return False
        if self.resource and not names_resource(ev, self.resource):
            return False
        return not (self.text and self.text.lower() not in ev.haystack())

    def with_(self, **kw: Any) -> EventFilter:
        return replace(self, **kw)

    def describe(self) -> str:
        parts = []
        if self.identity is not None:
            parts.append(f"identity={self.identity or NO_IDENTITY_LABEL}")
        if self.event_name:
            parts.append(f"event={self.event_name}")
        if self.resource:
            parts.append(f"resource={self.resource}")
        if self.mutating_only:
            parts.append("mutating only")
        if self.failed_only:
            parts.append("failed only")
        if self.text:
            parts.append(f"text={self.text!r}")
        return ", ".join(parts) or "no filter"


def filter_events(events: Iterable[TrailEvent], flt: EventFilter) -> list[TrailEvent]:
    return [e for e in events if flt.matches(e)]


# ---------------------------------------------------------------------------------------------- summary
@dataclass
class IdentitySummary:
    """Per sourceIdentity: calls, mutating actions, failures, first and last seen."""

    identity: str  # NO_IDENTITY for events without one
    calls: int = 0
    failed: int = 0
    mutating: int = 0
    actions: Counter[str] = field(default_factory=Counter)  # Create*/Update*/Stop*/Delete* by name
    principals: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    @property
    def label(self) -> str:
        return self.identity or NO_IDENTITY_LABEL

    def add(self, ev: TrailEvent) -> None:
        self.calls += 1
        if ev.failed:
            self.failed += 1
        if ev.mutating:
            self.mutating += 1
        if ev.summary_action:
            self.actions[ev.name] += 1
        if ev.principal_label:
            self.principals[ev.principal_label] += 1
        if ev.time is not None:
            if self.first is None or ev.time < self.first:
                self.first = ev.time
            if self.last is None or ev.time > self.last:
                self.last = ev.time

    def actions_text(self, limit: int = 6) -> str:
        items = self.actions.most_common()
        text = ", ".join(f"{n}×{c}" if c > 1 else n for n, c in items[:limit])
        if len(items) > limit:
            text += f", +{len(items) - limit} more"
        return text or "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "sourceIdentity": self.identity or None,
            "calls": self.calls,
            "failed": self.failed,
            "mutating": self.mutating,
            "actions": dict(self.actions.most_common()),
            "principals": dict(self.principals.most_common()),
            "firstSeen": self.first.isoformat() if self.first else None,
            "lastSeen": self.last.isoformat() if self.last else None,
        }


class IdentityIndex:
    """Events counted per sourceIdentity, updated page by page (O(events added))."""

    def __init__(self) -> None:
        self.by_identity: dict[str, IdentitySummary] = {}

    def add(self, events: Iterable[TrailEvent]) -> None:
        for ev in events:
            key = ev.identity_key
            s = self.by_identity.get(key)
            if s is None:
                s = self.by_identity[key] = IdentitySummary(key)
            s.add(ev)

    def summaries(self) -> list[IdentitySummary]:
        """Most calls first; the no-sourceIdentity group last, so it is easy to find."""
        return sorted(
            self.by_identity.values(), key=lambda s: (s.identity == NO_IDENTITY, -s.calls, s.identity)
        )

    def __len__(self) -> int:
        return len(self.by_identity)


def summarize(events: Iterable[TrailEvent]) -> list[IdentitySummary]:
    index = IdentityIndex()
    index.add(events)
    return index.summaries()


# ---------------------------------------------------------------------------------------------- time
_REL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d|day|days|w|week|weeks)?\s*(?:ago)?\s*$", re.I)


def parse_when(value: str, *, now: datetime | None = None) -> datetime:
    """``24h``, ``90d``, ``30m``, ``2w`` (that long ago), ``now``, or an ISO date/time (UTC if no zone)."""
    now = now or datetime.now(UTC)
    v = value.strip()
    if v.lower() == "now":
        return now
    m = _REL.match(v)
    if m:
        n = float(m.group(1))
        unit = (m.group(2) or "h").lower()[0]
        secs = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit] * n
        return now - timedelta(seconds=secs)
    t = _parse_time(v)
    if t is None:
        raise ValueError(f"not a time: {value!r} (use 24h, 7d, 30m or an ISO time like 2026-11-20T08:00)")
    return t


def parse_span(value: str) -> timedelta:
    """A window length: ``24h``, ``7d``, ``90d``, ``30m``."""
    now = datetime(2000, 1, 1, tzinfo=UTC)
    m = _REL.match(value)
    if not m:
        raise ValueError(f"not a duration: {value!r} (use 1h, 24h, 7d or 90d)")
    return now - parse_when(value, now=now)


# ---------------------------------------------------------------------------------------------- at scale
class QueryFailed(AwsError):
    """A server-side query (CloudTrail Lake, Logs Insights) that ended in a failed state."""


_EDS_RE = re.compile(r"^[A-Za-z0-9:/._-]{1,256}$")


def _check_identity(value: str | None) -> None:
    if value and not SOURCE_IDENTITY_RE.fullmatch(value):
        raise ValueError(f"not a sourceIdentity: {value!r} (2-64 characters of letters, digits and +=,.@_-)")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lake_sql(
    eds: str,
    start: datetime,
    end: datetime,
    *,
    source_identity: str | None = None,
    event_source: str | None = SAGEMAKER_SOURCE,
    event_name: str | None = None,
    limit: int = 10_000,
) -> str:
    """The CloudTrail Lake SQL for the sourceIdentity filter (``source_identity=""`` selects events without one)."""
    eds_id = eds.rsplit("/", 1)[-1]
    if not _EDS_RE.match(eds_id):
        raise ValueError(f"not an event data store id or ARN: {eds!r}")
    _check_identity(source_identity)
    where = [
        f"eventTime >= {_sql_str(start.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S'))}",
        f"eventTime <= {_sql_str(end.astimezone(UTC).strftime('%Y-%m-%d %H:%M:%S'))}",
    ]
    if source_identity == NO_IDENTITY:
        where.append("userIdentity.sessionContext.sourceIdentity IS NULL")
    elif source_identity:
        where.append(f"userIdentity.sessionContext.sourceIdentity = {_sql_str(source_identity)}")
    if event_source:
        where.append(f"eventSource = {_sql_str(event_source)}")
    if event_name:
        where.append(f"eventName = {_sql_str(event_name)}")
    cols = ", ".join(LAKE_COLUMNS)
    return (
        f"SELECT {cols} FROM {eds_id} WHERE "
        + " AND ".join(where)
        + f" ORDER BY eventTime DESC LIMIT {int(limit)}"
    )


LAKE_COLUMNS = (
    "eventID",
    "eventTime",
    "eventName",
    "eventSource",
    "userIdentity.type",
    "userIdentity.arn",
    "userIdentity.principalId",
    "userIdentity.sessionContext.sourceIdentity",
    "sourceIPAddress",
    "errorCode",
    "errorMessage",
    "readOnly",
    "awsRegion",
    "userAgent",
    "requestParameters",
)


def from_lake_row(row: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> TrailEvent:
    """A :class:`TrailEvent` from a CloudTrail Lake result row (a list of one-key objects). Never raises."""
    try:
        cells: dict[str, Any] = {}
        if isinstance(row, Mapping):
            cells.update(row)
        else:
            for cell in row:
                if isinstance(cell, Mapping):
                    cells.update(cell)
        low = {str(k).lower(): v for k, v in cells.items()}

        def get(*names: str) -> Any:
            for n in names:
                if n.lower() in low:
                    return low[n.lower()]
            return None

        record: dict[str, Any] = {
            "eventID": get("eventID"),
            "eventTime": get("eventTime"),
            "eventName": get("eventName"),
            "eventSource": get("eventSource"),
            "sourceIPAddress": get("sourceIPAddress"),
            "errorCode": get("errorCode"),
            "errorMessage": get("errorMessage"),
            "awsRegion": get("awsRegion"),
            "userAgent": get("userAgent"),
            "readOnly": get("readOnly"),
            "userIdentity": {
                "type": get("userIdentity.type", "type"),
                "arn": get("userIdentity.arn", "arn"),
                "principalId": get("userIdentity.principalId", "principalId"),
            },
        }
        si = get("userIdentity.sessionContext.sourceIdentity", "sourceIdentity")
        if si not in (None, ""):
            record["userIdentity"]["sessionContext"] = {"sourceIdentity": si}
        rp = get("requestParameters")
        if isinstance(rp, str) and rp.startswith("{") and "=" in rp:
            record["requestParameters"] = _lake_map(rp)
        elif isinstance(rp, Mapping):
            record["requestParameters"] = dict(rp)
        record = {k: v for k, v in record.items() if v is not None}
        return parse_record(record)
    except Exception as exc:  # pragma: no cover - parse_record never raises; belt and braces
        return TrailEvent(
            event_id="",
            time=None,
            name="?",
            source="",
            source_identity=None,
            identity_origin="",
            identity_type="",
            principal="",
            principal_arn="",
            username="",
            resource="",
            resources=(),
            source_ip="",
            error_code="",
            error_message="",
            read_only=None,
            problem=_cell(f"could not read this Lake row: {exc}"),
        )


def _lake_map(text: str) -> dict[str, str]:
    """Lake prints map columns as ``{k=v, k2=v2}``; read the flat top level."""
    out: dict[str, str] = {}
    body = text.strip()[1:-1]
    for part in body.split(", "):
        k, sep, v = part.partition("=")
        if sep and k and "{" not in k:
            out[k.strip()] = v
    return out


@dataclass
class QueryStatus:
    """Progress of a server-side query, for the pane's progress line."""

    via: str
    query_id: str = ""
    status: str = ""
    scanned: int = 0  # records scanned (Insights)
    matched: int = 0
    polls: int = 0
    bytes_scanned: int = 0  # (Lake)
    total: int = 0  # results the query found (Lake)


async def lake_events(
    aws: AwsSession,
    eds: str,
    start: datetime,
    end: datetime,
    *,
    source_identity: str | None = None,
    event_source: str | None = SAGEMAKER_SOURCE,
    event_name: str | None = None,
    limit: int = 10_000,
    poll: float = 1.0,
    max_wait: float = 600.0,
    on_status: Callable[[QueryStatus], None] | None = None,
) -> list[TrailEvent]:
    """Run the sourceIdentity filter in a CloudTrail Lake event data store: StartQuery, poll
    GetQueryResults until FINISHED, then read every result page. Raises :class:`QueryFailed` for
    FAILED, CANCELLED and TIMED_OUT, with CloudTrail's error message."""
    sql = lake_sql(
        eds,
        start,
        end,
        source_identity=source_identity,
        event_source=event_source,
        event_name=event_name,
        limit=limit,
    )
    st = QueryStatus(via="CloudTrail Lake")
    started = await aws.call("cloudtrail", "start_query", QueryStatement=sql)
    st.query_id = str(started.get("QueryId") or "")
    if not st.query_id:
        raise QueryFailed(
            "QueryFailed",
            "CloudTrail Lake returned no query id",
            operation="StartQuery",
            service="cloudtrail",
        )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_wait
    events: list[TrailEvent] = []
    params: dict[str, Any] = {"QueryId": st.query_id}
    while True:
        page = await aws.call("cloudtrail", "get_query_results", **params)
        st.polls += 1
        st.status = clean(page.get("QueryStatus") or "")
        stats = page.get("QueryStatistics") or {}
        st.bytes_scanned = int(stats.get("BytesScanned") or 0)
        st.total = int(stats.get("TotalResultsCount") or 0)
        if st.status in ("FAILED", "CANCELLED", "TIMED_OUT"):
            msg = clean(page.get("ErrorMessage") or f"the query ended {st.status}")
            raise QueryFailed(
                f"Query{st.status.title().replace('_', '')}",
                msg,
                operation="GetQueryResults",
                service="cloudtrail",
            )
        if st.status != "FINISHED":
            if on_status:
                on_status(st)
            if loop.time() > deadline:
                raise QueryFailed(
                    "QueryTimedOut",
                    f"no result after {max_wait:.0f}s (query {st.query_id})",
                    operation="GetQueryResults",
                    service="cloudtrail",
                )
            await asyncio.sleep(poll)
            continue
        for row in page.get("QueryResultRows") or ():
            ev = from_lake_row(row)
            if _server_match(ev, source_identity, event_source, event_name, start, end):
                events.append(ev)
        st.matched = len(events)
        if on_status:
            on_status(st)
        token = page.get("NextToken")
        if not token:
            return events
        params = {"QueryId": st.query_id, "NextToken": token}


def insights_query(
    *,
    source_identity: str | None = None,
    event_source: str | None = SAGEMAKER_SOURCE,
    event_name: str | None = None,
    limit: int = 10_000,
) -> str:
    """The Logs Insights query for the sourceIdentity filter over a group that receives the trail."""
    _check_identity(source_identity)
    parts = ["fields @timestamp, @message"]
    if source_identity == NO_IDENTITY:
        parts.append("filter not ispresent(userIdentity.sessionContext.sourceIdentity)")
    elif source_identity:
        parts.append(f"filter userIdentity.sessionContext.sourceIdentity = {json.dumps(source_identity)}")
    if event_source:
        parts.append(f"filter eventSource = {json.dumps(event_source)}")
    if event_name:
        if not re.fullmatch(r"[A-Za-z0-9]{1,128}", event_name):
            raise ValueError(f"not an event name: {event_name!r}")
        parts.append(f"filter eventName = {json.dumps(event_name)}")
    parts.append("sort @timestamp desc")
    parts.append(f"limit {int(limit)}")
    return " | ".join(parts)


async def insights_events(
    aws: AwsSession,
    log_group: str,
    start: datetime,
    end: datetime,
    *,
    source_identity: str | None = None,
    event_source: str | None = SAGEMAKER_SOURCE,
    event_name: str | None = None,
    limit: int = 10_000,
    poll: float = 1.0,
    max_wait: float = 900.0,
    on_status: Callable[[QueryStatus], None] | None = None,
) -> list[TrailEvent]:
    """Run the sourceIdentity filter with Logs Insights over a log group that receives the trail
    (each log event is one CloudTrail record): StartQuery, poll GetQueryResults until Complete,
    parse each ``@message``. The filter is applied again on the client, exactly (so a partial or
    lax server, like the sandbox's, still shows the right rows). Cancelling stops the query."""
    q = insights_query(
        source_identity=source_identity, event_source=event_source, event_name=event_name, limit=limit
    )
    st = QueryStatus(via="Logs Insights")
    started = await aws.call(
        "logs",
        "start_query",
        logGroupName=log_group,
        startTime=int(start.timestamp()),
        endTime=int(end.timestamp()) + 1,
        queryString=q,
        limit=limit,
    )
    st.query_id = str(started.get("queryId") or "")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_wait
    try:
        while True:
            page = await aws.call("logs", "get_query_results", queryId=st.query_id)
            st.polls += 1
            st.status = clean(page.get("status") or "")
            stats = page.get("statistics") or {}
            st.scanned = int(stats.get("recordsScanned") or 0)
            if st.status in ("Failed", "Cancelled", "Timeout", "Unknown"):
                raise QueryFailed(
                    f"Query{st.status}",
                    f"the Logs Insights query ended {st.status} (query {st.query_id})",
                    operation="GetQueryResults",
                    service="logs",
                )
            if st.status == "Complete":
                break
            if on_status:
                on_status(st)
            if loop.time() > deadline:
                raise QueryFailed(
                    "QueryTimedOut",
                    f"no result after {max_wait:.0f}s (query {st.query_id})",
                    operation="GetQueryResults",
                    service="logs",
                )
            await asyncio.sleep(poll)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.shield(aws.call("logs", "stop_query", queryId=st.query_id))
        raise
    events: list[TrailEvent] = []
    for row in page.get("results") or ():
        cells = {c.get("field"): c.get("value") for c in row if isinstance(c, Mapping)}
        msg = cells.get("@message")
        ev = parse_record(msg if msg is not None else None)
        if ev.time is None:
            ev.time = _parse_time(cells.get("@timestamp"))
        if _server_match(ev, source_identity, event_source, event_name, start, end):
            events.append(ev)
    events.sort(key=lambda e: e.time or datetime.min.replace(tzinfo=UTC), reverse=True)
    st.matched = len(events)
    if on_status:
        on_status(st)
    return events


def _server_match(
    ev: TrailEvent,
    source_identity: str | None,
    event_source: str | None,
    event_name: str | None,
    start: datetime,
    end: datetime,
) -> bool:
    if source_identity is not None and ev.identity_key != source_identity:
        return False
    if event_source and ev.source and ev.source != event_source:
        return False
    if event_name and ev.name != event_name:
        return False
    return not (ev.time is not None and not (start <= ev.time <= end + timedelta(seconds=1)))


# ---------------------------------------------------------------------------------------------- per resource
_LIFECYCLE_VERBS = {
    "Create": "created",
    "Update": "updated",
    "Stop": "stopped",
    "Delete": "deleted",
    "Start": "started",
}


def lifecycle(events: Iterable[TrailEvent]) -> list[tuple[str, TrailEvent]]:
    """(verb, event) for each Create*/Update*/Stop*/Delete*/Start* call that succeeded, oldest first:
    who created the resource, updated it, stopped or deleted it."""
    out = []
    for ev in events:
        if ev.failed:
            continue
        for prefix, verb in _LIFECYCLE_VERBS.items():
            if ev.name.startswith(prefix):
                out.append((verb, ev))
                break
    out.sort(key=lambda p: p[1].time or datetime.min.replace(tzinfo=UTC))
    return out


def lifecycle_line(verb: str, ev: TrailEvent) -> str:
    """``created 2026-11-25 10:00:00 by alice (AssumedRole SageMakerExecutionRole/alice) with CreateTrainingJob``."""
    who = ev.source_identity or NO_IDENTITY_LABEL
    return f"{verb} {ev.when()} by {who} ({ev.principal_label}) with {ev.name}"
