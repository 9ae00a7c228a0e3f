"""Server-side queries: one description of the filters (:class:`ServerFilter`), and a builder per service that
turns it into that service's query text (CloudTrail Lake SQL, Logs Insights). An Athena builder goes beside
these two and reads the same :class:`ServerFilter`.

The sourceIdentity condition is the one the LookupEvents scan applies on the client (see
:func:`smtui.aws.trail.parse.source_identity_of`): an event belongs to identity X when its session's
``userIdentity.sessionContext.sourceIdentity`` is X, or when it is an AssumeRole* call whose
``requestParameters.sourceIdentity`` set X for the session it created. "(no sourceIdentity)" is neither.
:meth:`ServerFilter.accepts` checks the same conditions on a parsed row, so a lax server (the sandbox's Logs
Insights ignores ``filter``) still gives the right rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from smtui.aws.trail.events import (
    ASSUME_ROLE_EVENTS,
    NO_IDENTITY,
    SAGEMAKER_SOURCE,
    SOURCE_IDENTITY_RE,
    TrailEvent,
)

#: The columns a Lake query selects: every field the row is built from (see server.from_lake_row).
LAKE_COLUMNS = (
    "eventID",
    "eventTime",
    "eventName",
    "eventSource",
    "eventType",
    "eventCategory",
    "userIdentity.type",
    "userIdentity.arn",
    "userIdentity.principalId",
    "userIdentity.accountId",
    "userIdentity.userName",
    "userIdentity.invokedBy",
    "userIdentity.onBehalfOf.userId",
    "userIdentity.sessionContext.sessionIssuer.userName",
    "userIdentity.sessionContext.sourceIdentity",
    "sourceIPAddress",
    "errorCode",
    "errorMessage",
    "readOnly",
    "awsRegion",
    "userAgent",
    "requestParameters",
    "resources",
)
_EDS_RE = re.compile(r"^[A-Za-z0-9:/._-]{1,256}$")
_EVENT_NAME_RE = re.compile(r"[A-Za-z0-9]{1,128}")


def check_identity(value: str | None) -> None:
    """Raise ValueError unless ``value`` is None, "" (no sourceIdentity) or a sourceIdentity AWS allows."""
    if value and not SOURCE_IDENTITY_RE.fullmatch(value):
        raise ValueError(f"not a sourceIdentity: {value!r} (2-64 characters of letters, digits and +=,.@_-)")


@dataclass(frozen=True)
class ServerFilter:
    """What a server-side query selects. ``source_identity`` None means any; ``""`` (NO_IDENTITY) means
    events without one; ``event_source`` None means every source."""

    start: datetime
    end: datetime
    source_identity: str | None = None
    event_source: str | None = SAGEMAKER_SOURCE
    event_name: str | None = None
    limit: int = 10_000

    def __post_init__(self) -> None:
        check_identity(self.source_identity)
        if self.event_name and not _EVENT_NAME_RE.fullmatch(self.event_name):
            raise ValueError(f"not an event name: {self.event_name!r}")
        if self.event_source and not re.fullmatch(r"[a-z0-9.-]{1,128}", self.event_source):
            raise ValueError(f"not an event source: {self.event_source!r}")

    def accepts(self, ev: TrailEvent) -> bool:
        """The same conditions, checked on a parsed row."""
        if self.source_identity is not None and ev.identity_key != self.source_identity:
            return False
        if self.event_source and ev.source and ev.source != self.event_source:
            return False
        if self.event_name and ev.name != self.event_name:
            return False
        return not (ev.time is not None and not (self.start <= ev.time <= self.end + timedelta(seconds=1)))

    def describe(self) -> str:
        parts = [f"{self.start:%Y-%m-%d %H:%M}..{self.end:%Y-%m-%d %H:%M} UTC"]
        if self.source_identity is not None:
            parts.append(f"sourceIdentity={self.source_identity or '(none)'}")
        if self.event_source:
            parts.append(f"eventSource={self.event_source}")
        if self.event_name:
            parts.append(f"eventName={self.event_name}")
        return ", ".join(parts)


# ---------------------------------------------------------------------------------------------- Lake SQL
def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_time(t: datetime) -> str:
    return _sql_str(t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))


_SQL_ASSUME = "eventName IN (" + ", ".join(_sql_str(n) for n in ASSUME_ROLE_EVENTS) + ")"
_SQL_REQ_SI = "element_at(requestParameters, 'sourceIdentity')"


def _sql_identity(si: str) -> str:
    if si == NO_IDENTITY:
        return (
            f"(userIdentity.sessionContext.sourceIdentity IS NULL"
            f" AND (eventName NOT IN ({', '.join(_sql_str(n) for n in ASSUME_ROLE_EVENTS)})"
            f" OR {_SQL_REQ_SI} IS NULL))"
        )
    v = _sql_str(si)
    return (
        f"(userIdentity.sessionContext.sourceIdentity = {v}"
        f" OR (userIdentity.sessionContext.sourceIdentity IS NULL AND {_SQL_ASSUME} AND {_SQL_REQ_SI} = {v}))"
    )


def lake_sql(eds: str, flt: ServerFilter) -> str:
    """The CloudTrail Lake SQL for ``flt`` over event data store ``eds`` (an id or ARN)."""
    eds_id = eds.rsplit("/", 1)[-1]
    if not _EDS_RE.match(eds_id):
        raise ValueError(f"not an event data store id or ARN: {eds!r}")
    where = [f"eventTime >= {_sql_time(flt.start)}", f"eventTime <= {_sql_time(flt.end)}"]
    if flt.source_identity is not None:
        where.append(_sql_identity(flt.source_identity))
    if flt.event_source:
        where.append(f"eventSource = {_sql_str(flt.event_source)}")
    if flt.event_name:
        where.append(f"eventName = {_sql_str(flt.event_name)}")
    return (
        f"SELECT {', '.join(LAKE_COLUMNS)} FROM {eds_id} WHERE "
        + " AND ".join(where)
        + f" ORDER BY eventTime DESC LIMIT {int(flt.limit)}"
    )


# ---------------------------------------------------------------------------------------------- Logs Insights
_INSIGHTS_ASSUME = "eventName in [" + ", ".join(json.dumps(n) for n in ASSUME_ROLE_EVENTS) + "]"


def insights_query(flt: ServerFilter) -> str:
    """The Logs Insights query for ``flt`` over a log group that receives the trail (one record an event).
    The time window is the query's startTime/endTime, not part of the text."""
    parts = ["fields @timestamp, @message"]
    si = flt.source_identity
    if si == NO_IDENTITY:
        parts.append(
            "filter not ispresent(userIdentity.sessionContext.sourceIdentity)"
            f" and (not ({_INSIGHTS_ASSUME}) or not ispresent(requestParameters.sourceIdentity))"
        )
    elif si:
        v = json.dumps(si)
        parts.append(
            f"filter userIdentity.sessionContext.sourceIdentity = {v}"
            f" or (not ispresent(userIdentity.sessionContext.sourceIdentity) and {_INSIGHTS_ASSUME}"
            f" and requestParameters.sourceIdentity = {v})"
        )
    if flt.event_source:
        v = json.dumps(flt.event_source)
        # an Insights event names the source it is about in insightDetails
        parts.append(f"filter eventSource = {v} or insightDetails.eventSource = {v}")
    if flt.event_name:
        v = json.dumps(flt.event_name)
        parts.append(f"filter eventName = {v} or insightDetails.eventName = {v}")
    parts.append("sort @timestamp desc")
    parts.append(f"limit {int(flt.limit)}")
    return " | ".join(parts)
