"""Reading one CloudTrail record into a :class:`~smtui.aws.trail.events.TrailEvent`. Never raises.

One reader for every path: a LookupEvents item (:func:`parse_event`: its ``CloudTrailEvent`` JSON text beside
the lookup envelope), a record or its JSON text (:func:`parse_record`: a Logs Insights ``@message``, a trail's
log file), and a CloudTrail Lake row rebuilt into a record (:mod:`smtui.aws.trail.server`). Whatever is taken
from the record comes from the record, so the same event gives the same row on every path; the envelope only
fills what the record lacks.

Malformed or truncated JSON, a missing ``userIdentity``, unknown identity types and huge ``requestParameters``
become a row that says what was wrong (:attr:`TrailEvent.problem`).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from smtui.aws.trail.events import (
    ASSUME_ROLE_EVENTS,
    SOURCE_IDENTITY_RE,
    TrailEvent,
    broken_event,
    cell,
)

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
#: A record larger than this is parsed, but its requestParameters are not kept whole.
HUGE_EVENT = 100_000
#: Name prefixes of read-only calls, for records that do not say (older event versions).
_READ_PREFIXES = ("List", "Describe", "Get", "Search", "Lookup", "BatchGet", "BatchDescribe", "Query", "Head")
#: Calls CloudTrail records as read-only although their names do not say so.
_READ_ONLY_NAMES = frozenset(
    {*ASSUME_ROLE_EVENTS, "GetSessionToken", "GetFederationToken", "GetCallerIdentity", "ConsoleLogin"}
)
_SALVAGE_SI = re.compile(r'"sourceIdentity"\s*:\s*"((?:[^"\\]|\\.){1,200})"')
_NAME_KEYS = re.compile(r"^[a-z][A-Za-z]*(Name|Arn)$")


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from a datetime, an epoch number (s or ms) or an ISO string; None otherwise."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        with contextlib.suppress(OverflowError, OSError, ValueError):
            return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
        return None
    if isinstance(value, str) and value:
        s = value.strip().replace("Z", "+00:00")
        with contextlib.suppress(ValueError):
            t = datetime.fromisoformat(s)
            return t if t.tzinfo else t.replace(tzinfo=UTC)
    return None


def as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _arn_tail(arn: str) -> str:
    return arn.split(":", 5)[-1] if arn.count(":") >= 5 else ""


def principal_of(uid: Mapping[str, Any]) -> tuple[str, str, str]:
    """(type, name, problem) for a userIdentity element: the name is whatever the record has that names
    the caller (ARN, userName, session, onBehalfOf.userId, principalId, invokedBy, accountId)."""
    kind = cell(uid.get("type"), 40)
    arn = _str(uid.get("arn"))
    tail = _arn_tail(arn)
    issuer = _map(_map(uid.get("sessionContext")).get("sessionIssuer"))
    user = _str(uid.get("userName"))
    pid = _str(uid.get("principalId"))
    invoked = _str(uid.get("invokedBy"))
    account = _str(uid.get("accountId"))
    obo = _map(uid.get("onBehalfOf"))
    name = ""
    problem = ""
    if kind == "AssumedRole":
        # arn:aws:sts::123456789012:assumed-role/Role/session -> Role/session
        if tail.startswith("assumed-role/"):
            name = tail[len("assumed-role/") :]
        else:
            role = _str(issuer.get("userName"))
            session = pid.split(":", 1)[1] if ":" in pid else ""
            name = f"{role}/{session}" if role and session else role or session or pid or user
    elif kind in ("IAMUser", "SAMLUser", "WebIdentityUser", "Directory", "Unknown"):
        name = user or (tail.split("/", 1)[-1] if "/" in tail else "") or pid or account
    elif kind == "Root":
        name = "root"
    elif kind == "AWSService":
        name = invoked or pid or account
    elif kind == "AWSAccount":
        name = account or pid
    elif kind == "FederatedUser":
        name = tail.split("/", 1)[-1] if tail.startswith("federated-user/") else (pid or user)
    elif kind == "IdentityCenterUser":
        name = user or _str(obo.get("userId")) or pid or account
    elif kind == "Role":
        name = tail.split("/", 1)[-1] if tail else (pid or user)
    else:
        name = tail or user or _str(obo.get("userId")) or pid or invoked or account
        if kind and kind not in IDENTITY_TYPES:
            problem = f"unknown identity type {kind!r}"
        elif not kind and not name:
            problem = "userIdentity has no type and nothing that names the caller"
    if not name:
        name = invoked or account
    return kind, cell(name, 120), problem


def username_of(uid: Mapping[str, Any]) -> str:
    """The user name as CloudTrail's event history shows it: the IAM/SAML/web-identity user name, the
    session name of an assumed role, ``root``, or the Identity Center user id."""
    kind = uid.get("type")
    if isinstance(uid.get("userName"), str) and uid["userName"]:
        return cell(uid["userName"], 120)
    if kind == "AssumedRole":
        tail = _arn_tail(_str(uid.get("arn")))
        if tail.count("/") >= 2:
            return cell(tail.rsplit("/", 1)[1], 120)
        pid = _str(uid.get("principalId"))
        return cell(pid.split(":", 1)[1], 120) if ":" in pid else ""
    if kind == "Root":
        return "root"
    if kind == "IdentityCenterUser":
        return cell(_map(uid.get("onBehalfOf")).get("userId"), 120)
    return ""


def source_identity_of(ev: Mapping[str, Any], name: str) -> tuple[str | None, str, str]:
    """(sourceIdentity, origin, problem): the session's (``userIdentity.sessionContext.sourceIdentity``), or
    for an AssumeRole* call the one its ``requestParameters.sourceIdentity`` set for the new session."""
    value: Any = None
    origin = ""
    ctx = _map(_map(ev.get("userIdentity")).get("sessionContext"))
    if ctx.get("sourceIdentity") is not None:
        value, origin = ctx.get("sourceIdentity"), "session"
    elif name in ASSUME_ROLE_EVENTS and _map(ev.get("requestParameters")).get("sourceIdentity") is not None:
        value, origin = _map(ev.get("requestParameters")).get("sourceIdentity"), "assumerole"
    if value is None:
        return None, "", ""
    if not isinstance(value, str):
        return cell(value, 64) or None, origin, f"sourceIdentity is a {type(value).__name__}, not a string"
    if value == "":
        return None, "", "sourceIdentity is empty"
    cleaned = cell(value, 80)
    if not SOURCE_IDENTITY_RE.fullmatch(value):
        return cleaned or None, origin, "sourceIdentity has characters or a length AWS does not allow"
    return cleaned, origin, ""


def resource_of(name: str, req: Any, resources: tuple[tuple[str, str], ...]) -> str:
    """The resource a call touched: an AssumeRole*'s role; else the first ``...Name`` request parameter
    (as the caller spelt it; SageMaker lowercases its ARNs), an ``...Arn`` one, or the first of resources[]."""
    rp = _map(req)
    if name in ASSUME_ROLE_EVENTS:
        role = _str(rp.get("roleArn"))
        if role:
            return cell(role)
        for kind, arn in resources:
            if kind == "AWS::IAM::Role":
                return arn
    best = ""
    for key, value in rp.items():
        if isinstance(value, str) and value and isinstance(key, str) and _NAME_KEYS.match(key):
            if key.endswith("Name"):
                return cell(value)
            best = best or value
    if best:
        return cell(best)
    return resources[0][1] if resources else ""


def infer_read_only(name: str) -> bool | None:
    """read-only for a record that does not say: as CloudTrail records these calls today."""
    if not name:
        return None
    return name in _READ_ONLY_NAMES or name.startswith(_READ_PREFIXES)


def _insight(ev: Mapping[str, Any]) -> tuple[str, str, str]:
    """(eventName, eventSource, summary) of an Insights event (``insightDetails``, or Lake's flat fields)."""
    d = _map(ev.get("insightDetails"))
    name = _str(d.get("eventName")) or _str(ev.get("insightEventName"))
    source = _str(d.get("eventSource")) or _str(ev.get("insightEventSource"))
    kind = _str(d.get("insightType")) or _str(ev.get("insightType"))
    state = _str(d.get("state")) or _str(ev.get("insightState"))
    stats = _map(_map(d.get("insightContext") or ev.get("insightContext")).get("statistics"))
    got = _map(stats.get("insight")).get("average")
    base = _map(stats.get("baseline")).get("average")
    unit = "errors" if "Error" in kind else "calls"
    text = " ".join(x for x in (kind or "Insight", state) if x)
    error = _str(d.get("errorCode")) or _str(ev.get("insightErrorCode"))
    if error:
        text += f" ({error})"
    if isinstance(got, (int, float)) and isinstance(base, (int, float)):
        text += f": {got:g} {unit}/min against a baseline of {base:.3g}"
    return cell(name, 100), cell(source, 100), cell(text, 200)


def _envelope(item: Mapping[str, Any]) -> dict[str, Any]:
    resources = []
    for r in item.get("Resources") or ():
        if isinstance(r, Mapping):
            resources.append((cell(r.get("ResourceType"), 80), cell(r.get("ResourceName"), 200)))
    return {
        "event_id": cell(item.get("EventId"), 80),
        "time": parse_time(item.get("EventTime")),
        "name": cell(item.get("EventName"), 100),
        "source": cell(item.get("EventSource"), 100),
        "username": cell(item.get("Username"), 120),
        "access_key_id": cell(item.get("AccessKeyId"), 40),
        "read_only": as_bool(item.get("ReadOnly")),
        "resources": tuple(resources),
    }


def parse_event(item: Mapping[str, Any]) -> TrailEvent:
    """A :class:`TrailEvent` from one LookupEvents ``Events[]`` item. Never raises."""
    try:
        return _parse(item)
    except Exception as exc:  # the last line of defence: a row that says what went wrong
        env: dict[str, Any] = {}
        with contextlib.suppress(Exception):
            env = _envelope(item if isinstance(item, Mapping) else {})
        return broken_event(
            f"could not read this event: {type(exc).__name__}: {exc}",
            **{
                k: env[k] for k in ("event_id", "time", "name", "source", "username", "resources") if k in env
            },
        )


def parse_record(record: Any, envelope: Mapping[str, Any] | None = None) -> TrailEvent:
    """A :class:`TrailEvent` from a CloudTrail record: a dict, or its JSON text (Logs Insights
    ``@message``, a trail's log file). Never raises."""
    item = dict(envelope or {})
    item["CloudTrailEvent"] = record
    return parse_event(item)


def _load(text: Any, problems: list[str]) -> tuple[Any, int, str]:
    """(parsed record or None, size, raw text kept when it could not be parsed)."""
    if isinstance(text, Mapping):
        return dict(text), 0, ""
    if not isinstance(text, (str, bytes)):
        problems.append(
            "no CloudTrailEvent in the lookup result"
            if text is None
            else f"CloudTrailEvent is a {type(text).__name__}, not JSON text"
        )
        return None, 0, ""
    ev: Any = None
    try:
        ev = json.loads(text)
    except RecursionError:
        problems.append("CloudTrailEvent is nested too deeply to read")
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        where = f" at character {exc.pos:,}" if isinstance(exc, json.JSONDecodeError) else ""
        stripped = text.strip() if isinstance(text, str) else ""
        cut = " (truncated?)" if stripped.startswith("{") and not stripped.endswith("}") else ""
        problems.append(f"CloudTrailEvent is not valid JSON{cut}{where}: {getattr(exc, 'msg', exc)}")
    raw = ""
    if ev is None:
        raw = text[:65536] if isinstance(text, str) else text[:65536].decode("utf-8", "replace")
    elif not isinstance(ev, Mapping):
        problems.append(f"CloudTrailEvent is a JSON {type(ev).__name__}, not an object")
        raw, ev = json.dumps(ev, default=str)[:65536], None
    return ev, len(text), raw


def _unreadable(env: Mapping[str, Any], raw_text: str, problems: list[str]) -> TrailEvent:
    si, origin = None, ""
    if raw_text:
        m = _SALVAGE_SI.search(raw_text)
        if m:
            si, origin = cell(m.group(1), 80) or None, "damaged"
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


def _record_resources(ev: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    rs = ev.get("resources")
    if not isinstance(rs, list):
        return ()
    return tuple(
        (cell(r.get("type"), 80), cell(r.get("ARN") or r.get("arn"), 200))
        for r in rs
        if isinstance(r, Mapping) and (r.get("ARN") or r.get("arn"))
    )


def _parse(item: Mapping[str, Any]) -> TrailEvent:
    env = _envelope(item)
    problems: list[str] = []
    ev, size, raw_text = _load(item.get("CloudTrailEvent"), problems)
    if ev is None:
        return _unreadable(env, raw_text, problems)

    category = cell(ev.get("eventCategory"), 40)
    event_type = cell(ev.get("eventType"), 40)
    insight = ""
    name = cell(ev.get("eventName"), 100)
    source = cell(ev.get("eventSource"), 100)
    if category == "Insight" or event_type == "AwsCloudTrailInsight" or "insightDetails" in ev:
        iname, isource, insight = _insight(ev)
        name, source = name or iname, source or isource
        category = category or "Insight"
    name = name or env["name"]

    uid = ev.get("userIdentity")
    itype = principal = arn = username = ""
    if uid is None:
        if not insight:  # an Insights event has no caller: it is CloudTrail's own finding
            problems.append("no userIdentity")
    elif not isinstance(uid, Mapping):
        problems.append(f"userIdentity is a {type(uid).__name__}, not an object")
        principal = cell(uid, 80)
    else:
        itype, principal, p = principal_of(uid)
        if p:
            problems.append(p)
        arn = cell(uid.get("arn"), 200)
        username = username_of(uid)
    si, origin, p = source_identity_of(ev, name)
    if p:
        problems.append(p)

    req = ev.get("requestParameters")
    if size > HUGE_EVENT or (req is not None and _big(req)):
        n = size or len(json.dumps(req, default=str))
        problems.append(f"huge event ({n:,} characters): long values shown cut")
    resources = _record_resources(ev) or env["resources"]
    resource = resource_of(name, req, resources)
    session = cell(_map(req).get("roleSessionName"), 80) if name in ASSUME_ROLE_EVENTS else ""

    if not name:
        problems.append("no eventName")
    t = parse_time(ev.get("eventTime")) or env["time"]
    if t is None:
        problems.append("no eventTime")
    read_only = as_bool(ev.get("readOnly"))
    inferred = False
    if read_only is None and not insight:
        read_only = env["read_only"]
        if read_only is None:
            read_only = infer_read_only(name)
            inferred = read_only is not None
    return TrailEvent(
        event_id=cell(ev.get("eventID"), 80) or env["event_id"],
        time=t,
        name=name or "?",
        source=source or env["source"],
        source_identity=si,
        identity_origin=origin,
        identity_type=itype,
        principal=principal or username or env["username"],
        principal_arn=arn,
        username=username or env["username"],
        resource=resource,
        resources=resources,
        source_ip=cell(ev.get("sourceIPAddress"), 80),
        error_code=cell(ev.get("errorCode"), 100),
        error_message=cell(ev.get("errorMessage"), 500),
        read_only=read_only,
        access_key_id=cell(_map(uid).get("accessKeyId"), 40) or env["access_key_id"],
        region=cell(ev.get("awsRegion"), 40),
        account=cell(ev.get("recipientAccountId"), 40) or cell(_map(uid).get("accountId"), 40),
        user_agent=cell(ev.get("userAgent"), 200),
        session_name=session,
        read_only_inferred=inferred,
        category=category,
        event_type=event_type,
        insight=insight,
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
