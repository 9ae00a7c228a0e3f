"""The row every CloudTrail path produces: :class:`TrailEvent`, its constants, and its display helpers.

Display fields are strings cleaned with :func:`smtui.text.clean`; the parsed record is kept in ``raw`` for the
event screen. No Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from smtui.text import clean

SAGEMAKER_SOURCE = "sagemaker.amazonaws.com"
#: CloudTrail event history keeps 90 days.
RETENTION = timedelta(days=90)
DEFAULT_WINDOW = timedelta(hours=24)
#: The actions the summary lists as mutating.
SUMMARY_ACTIONS = ("Create", "Update", "Stop", "Delete")
#: The key of the group of events without a sourceIdentity.
NO_IDENTITY = ""
NO_IDENTITY_LABEL = "(no sourceIdentity)"
#: The calls whose ``requestParameters.sourceIdentity`` sets the identity of the session they create.
ASSUME_ROLE_EVENTS = ("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity")
#: sourceIdentity as AWS allows it: 2-64 characters of [\w+=,.@-].
SOURCE_IDENTITY_RE = re.compile(r"[\w+=,.@-]{2,64}")
#: smtui's own calls carry this in their user agent (``user_agent_extra``): ``smtui/<version>``.
OWN_AGENT_RE = re.compile(r"(?:^|[\s(])smtui/\S+")
CELL = 200  # characters kept in a table cell


def cell(value: Any, limit: int = CELL) -> str:
    """A cleaned one-line string for a table cell, cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, default=str)[: limit * 2]
    s = clean(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def short_arn(value: str) -> str:
    """``arn:aws:iam::123456789012:role/Admin`` -> ``role/Admin``; anything else unchanged."""
    if value.startswith("arn:") and value.count(":") >= 5:
        return value.split(":", 5)[5] or value
    return value


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
    principal: str  # user, role/session, service, account: whatever the record has
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
    #: the account the event was recorded in (``recipientAccountId``, else the caller's account)
    account: str = ""
    user_agent: str = ""
    #: the session an AssumeRole* call created (its roleSessionName)
    session_name: str = ""
    #: True when the record has no readOnly and read_only was inferred from the event name
    read_only_inferred: bool = False
    #: "Management", "Data", "Insight", ... (eventCategory); "" when the record does not say
    category: str = ""
    #: AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsCloudTrailInsight, ...
    event_type: str = ""
    #: for an Insights event: "ApiCallRateInsight Start: 50.1 calls/min, baseline 1.76"
    insight: str = ""
    #: what was wrong with the record, or "" when nothing was
    problem: str = ""
    #: the parsed record (None when it could not be parsed)
    raw: dict[str, Any] | None = field(default=None, repr=False)
    #: the record's text when it could not be parsed (cut to 64 KB)
    raw_text: str = field(default="", repr=False)
    _haystack: str = field(default="", repr=False, compare=False)

    @property
    def identity_key(self) -> str:
        return self.source_identity or NO_IDENTITY

    @property
    def identity_label(self) -> str:
        return self.source_identity or NO_IDENTITY_LABEL

    @property
    def is_insight(self) -> bool:
        return self.category == "Insight" or self.event_type == "AwsCloudTrailInsight"

    @property
    def own(self) -> bool:
        """A call smtui itself made (its user agent carries ``smtui/<version>``)."""
        return bool(self.user_agent) and OWN_AGENT_RE.search(self.user_agent) is not None

    @property
    def principal_label(self) -> str:
        if self.is_insight:
            return "CloudTrail Insights"
        who = f"{self.identity_type} {self.principal}" if self.identity_type and self.principal else ""
        who = who or self.identity_type or self.principal or "?"
        return f"{who} → {self.session_name}" if self.session_name else who

    @property
    def failed(self) -> bool:
        return bool(self.error_code)

    @property
    def writes(self) -> bool:
        """A call that changes something, as the record says or (see :attr:`read_only_inferred`) as guessed."""
        return self.read_only is False

    @property
    def mutating(self) -> bool:
        """A call the record itself marks as changing something (``readOnly: false``); never a guess."""
        return self.read_only is False and not self.read_only_inferred

    @property
    def summary_action(self) -> bool:
        """A Create*/Update*/Stop*/Delete* call: what the summary lists per identity."""
        return not self.is_insight and self.name.startswith(SUMMARY_ACTIONS)

    @property
    def rw_label(self) -> str:
        if self.read_only is None:
            return "?"
        word = "read" if self.read_only else "write"
        return word + "?" if self.read_only_inferred else word

    @property
    def display_resource(self) -> str:
        return short_arn(self.resource)

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
                    self.insight,
                    self.problem,
                )
            ).lower()
        return self._haystack

    def when(self) -> str:
        return self.time.strftime("%Y-%m-%d %H:%M:%S") if self.time else "?"

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object (headless ``--json``, exports): cleaned strings, ISO time."""
        return {
            "time": self.time.isoformat() if self.time else None,
            "eventName": self.name,
            "eventSource": self.source,
            "eventCategory": self.category or None,
            "sourceIdentity": self.source_identity,
            "sourceIdentityFrom": self.identity_origin or None,
            "identityType": self.identity_type,
            "principal": self.principal,
            "principalArn": self.principal_arn,
            "sessionName": self.session_name or None,
            "userName": self.username or None,
            "resource": self.resource,
            "sourceIPAddress": self.source_ip,
            "account": self.account or None,
            "awsRegion": self.region or None,
            "errorCode": self.error_code or None,
            "readOnly": self.read_only,
            "readOnlyInferred": self.read_only_inferred,
            "insight": self.insight or None,
            "eventId": self.event_id,
            "problem": self.problem or None,
        }

    def key_fields(self) -> list[tuple[str, str]]:
        """Who, what, when, from where, on what: the top of the event screen."""
        who = self.principal_label
        if self.principal_arn:
            who += f"  ({self.principal_arn})"
        origin = self.identity_origin
        rw = {True: "yes", False: "no", None: "?"}[self.read_only]
        if self.read_only_inferred:
            rw += "  (inferred from the event name: the record does not say)"
        rows = [
            (
                "sourceIdentity",
                self.identity_label + (f"  (from {origin})" if origin not in ("", "session") else ""),
            ),
            ("who", who),
            ("what", f"{self.name}  on {self.source}" if self.source else self.name),
            ("when", (self.time.isoformat() if self.time else "?")),
            ("from where", " · ".join(x for x in (self.source_ip, self.user_agent, self.region) if x) or "?"),
            ("account", self.account or "?"),
            (
                "on what",
                ", ".join(f"{n} ({t})" if t else n for t, n in self.resources) or self.resource or "?",
            ),
            ("result", f"FAILED {self.error_code}: {self.error_message}" if self.error_code else "ok"),
            ("read-only", rw),
            ("event id", self.event_id or "?"),
        ]
        if self.insight:
            rows.insert(3, ("insight", self.insight))
        if self.problem:
            rows.insert(0, ("problem", self.problem))
        return rows


def broken_event(problem: str, **known: Any) -> TrailEvent:
    """A row for a record that could not be read: what is known of it, and what went wrong."""
    base: dict[str, Any] = dict(
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
    )
    base.update(known)
    return TrailEvent(problem=cell(problem), **base)


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
                out[cell(k, 200)] = walk(x, depth + 1)
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
