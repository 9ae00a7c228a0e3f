"""Server-side queries: one description of the filters (:class:`ServerFilter`), and a builder per service that
turns it into that service's query text: CloudTrail Lake SQL, Logs Insights, and Athena SQL over a trail's
table in S3 (:func:`athena_sql`, which pushes every filter to the server, the window down to the table's
partitions).

The sourceIdentity condition is the one the LookupEvents scan applies on the client (see
:func:`smtui.aws.trail.parse.source_identity_of`): an event belongs to identity X when its session's
``userIdentity.sessionContext.sourceIdentity`` is X, or when it is an AssumeRole* call whose
``requestParameters.sourceIdentity`` set X for the session it created. "(no sourceIdentity)" is neither.
:meth:`ServerFilter.accepts` checks the same conditions on a parsed row, so a lax server (the sandbox's Logs
Insights ignores ``filter``) still gives the right rows. Where a builder cannot say a filter exactly (the
resource and text filters look at what the parser derives from the record), its condition keeps every event the
filter would keep and :meth:`~ServerFilter.accepts` does the rest.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from smtui.aws.trail.athena_table import AthenaTable
from smtui.aws.trail.events import (
    ASSUME_ROLE_EVENTS,
    NO_IDENTITY,
    NO_IDENTITY_LABEL,
    SAGEMAKER_SOURCE,
    SOURCE_IDENTITY_RE,
    TrailEvent,
)
from smtui.aws.trail.lookup import names_resource

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
    "recipientAccountId",
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
    events without one; ``event_source`` None means every source. ``resource``, ``mutating``, ``failed`` and
    ``text`` are the client-side filters of :class:`~smtui.aws.trail.filters.EventFilter`."""

    start: datetime
    end: datetime
    source_identity: str | None = None
    event_source: str | None = SAGEMAKER_SOURCE
    event_name: str | None = None
    limit: int = 10_000
    resource: str | None = None
    mutating: bool = False
    failed: bool = False
    text: str = ""

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
        if self.mutating and not ev.writes:
            return False
        if self.failed and not ev.failed:
            return False
        if self.resource and not names_resource(ev, self.resource):
            return False
        if self.text and self.text.lower() not in ev.haystack():
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
        if self.resource:
            parts.append(f"resource={self.resource}")
        if self.mutating:
            parts.append("mutating")
        if self.failed:
            parts.append("failed")
        if self.text:
            parts.append(f"text={self.text!r}")
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
        + f" ORDER BY eventTime DESC, eventID LIMIT {int(flt.limit)}"
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


# ---------------------------------------------------------------------------------------------- Athena SQL
#: (expression, column alias) an Athena query selects, for the fields the table has (see athena.from_row)
ATHENA_FIELDS = (
    ("eventid", "eventid"),
    ("eventtime", "eventtime"),
    ("eventname", "eventname"),
    ("eventsource", "eventsource"),
    ("eventtype", "eventtype"),
    ("eventcategory", "eventcategory"),
    ("useridentity.type", "useridentity_type"),
    ("useridentity.arn", "useridentity_arn"),
    ("useridentity.principalid", "useridentity_principalid"),
    ("useridentity.accountid", "useridentity_accountid"),
    ("useridentity.username", "useridentity_username"),
    ("useridentity.invokedby", "useridentity_invokedby"),
    ("useridentity.onbehalfof.userid", "useridentity_onbehalfof_userid"),
    ("useridentity.sessioncontext.sessionissuer.username", "useridentity_sessionissuer_username"),
    ("useridentity.sessioncontext.sourceidentity", "useridentity_sourceidentity"),
    ("sourceipaddress", "sourceipaddress"),
    ("errorcode", "errorcode"),
    ("errormessage", "errormessage"),
    ("readonly", "readonly"),
    ("awsregion", "awsregion"),
    ("useragent", "useragent"),
    ("recipientaccountid", "recipientaccountid"),
    ("requestparameters", "requestparameters"),
    ("resources", "resources"),
)
ATHENA_SI = "useridentity.sessioncontext.sourceidentity"
_ATHENA_ASSUME = "(" + ", ".join(_sql_str(n) for n in ASSUME_ROLE_EVENTS) + ")"
_ATHENA_REQ_SI = "json_extract_scalar(requestparameters, '$.sourceIdentity')"
#: words the parser puts into an event's searchable text that are not in the record (labels): the text
#: condition counts them as present, so that it never drops an event the client-side filter keeps
_DERIVED_WORDS = f"{NO_IDENTITY_LABEL} CloudTrail Insights → ?".lower()


def _athena_identity(si: str, session: bool) -> str:
    """The sourceIdentity condition; ``session`` False when the table has no ``sessioncontext.sourceidentity``
    (then only an AssumeRole*'s ``requestParameters.sourceIdentity`` can name one)."""
    col = ATHENA_SI if session else "CAST(NULL AS varchar)"
    if si == NO_IDENTITY:
        return (
            f"(({col} IS NULL AND (coalesce(eventname, '') NOT IN {_ATHENA_ASSUME}"
            f" OR coalesce({_ATHENA_REQ_SI}, '') = '')) OR {col} = '')"
        )
    v = _sql_str(si)
    return f"({col} = {v} OR ({col} IS NULL AND eventname IN {_ATHENA_ASSUME} AND {_ATHENA_REQ_SI} = {v}))"


def _athena_text(table: AthenaTable, needle: str, parts: tuple[str, ...]) -> str:
    """``needle`` (lower case) found in the text of the record's ``parts`` (the table's columns among them)."""
    exprs = []
    for col in parts:
        if not table.has(col):
            continue
        kind = table.columns.get(col)
        text = col if kind == "string" else f"json_format(CAST({col} AS JSON))"
        exprs.append(f"coalesce({text}, '')")
    exprs.append(_sql_str(_DERIVED_WORDS))
    return f"strpos(lower(concat_ws(' ', {', '.join(exprs)})), {_sql_str(needle.lower())}) > 0"


_TEXT_PARTS = (
    "eventname",
    "eventsource",
    "eventid",
    "useridentity",
    "requestparameters",
    "responseelements",
    "resources",
    "sourceipaddress",
    "errorcode",
    "errormessage",
)


def athena_sql(table: AthenaTable, flt: ServerFilter) -> str:
    """The Athena SQL for ``flt`` over a CloudTrail table: every filter as a condition (the resource and text
    ones as conditions that keep at least what :meth:`ServerFilter.accepts` keeps), and the window also as a
    condition on the table's date partition where it has one (:meth:`AthenaTable.window_condition`)."""
    if not table.has("eventtime"):
        raise ValueError(f"{table.database}.{table.name} has no eventtime column: is it a CloudTrail table?")
    session = table.has(ATHENA_SI)
    if flt.source_identity and not session and not table.has("requestparameters"):
        raise ValueError(
            f"{table.database}.{table.name} has neither useridentity.sessioncontext.sourceidentity nor "
            "requestparameters: it cannot tell events by sourceIdentity"
        )
    cols = [f"{expr} AS {alias}" for expr, alias in ATHENA_FIELDS if table.has(expr)]
    start = flt.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = flt.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    where = []
    part = table.window_condition(flt.start, flt.end)
    if part:
        where.append(part)
    where.append(
        # try(): a record whose eventtime is not a time must not fail the whole query
        f"try(from_iso8601_timestamp(eventtime)) BETWEEN from_iso8601_timestamp({_sql_str(start)})"
        f" AND from_iso8601_timestamp({_sql_str(end)})"
    )
    if flt.source_identity is not None:
        where.append(_athena_identity(flt.source_identity, session))
    if flt.event_source:
        where.append(f"eventsource = {_sql_str(flt.event_source)}")
    if flt.event_name:
        where.append(f"eventname = {_sql_str(flt.event_name)}")
    if flt.mutating and table.has("readonly"):
        where.append("coalesce(readonly, '') <> 'true'")
    if flt.failed and table.has("errorcode"):
        where.append("coalesce(errorcode, '') <> ''")
    if flt.resource:
        where.append(
            _athena_text(table, flt.resource, ("requestparameters", "responseelements", "resources"))
        )
    for word in flt.text.split():
        where.append(_athena_text(table, word, _TEXT_PARTS))
    return (
        f"SELECT {', '.join(cols)} FROM {table.ref} WHERE "
        + " AND ".join(where)
        + f" ORDER BY eventtime DESC, eventid LIMIT {int(flt.limit)}"
    )
