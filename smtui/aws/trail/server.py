"""Running the server-side queries (CloudTrail Lake, Logs Insights) and reading their rows into the same
:class:`~smtui.aws.trail.events.TrailEvent` rows the LookupEvents scan gives.

A Lake row has only the selected columns (:data:`~smtui.aws.trail.queries.LAKE_COLUMNS`); :func:`from_lake_row`
rebuilds the parts of the record they carry and hands it to the one parser, so a Lake row and the LookupEvents
row of the same event agree. A Logs Insights row's ``@message`` is the whole record.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from smtui.aws.errors import AwsError
from smtui.aws.trail.events import SAGEMAKER_SOURCE, TrailEvent, broken_event
from smtui.aws.trail.parse import parse_record, parse_time
from smtui.aws.trail.queries import ServerFilter, insights_query, lake_sql
from smtui.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession


class QueryFailed(AwsError):
    """A server-side query (CloudTrail Lake, Logs Insights) that ended in a failed state."""


# ---------------------------------------------------------------------------------------------- Lake rows
def _cells(row: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    if isinstance(row, Mapping):
        cells.update(row)
    else:
        for c in row:
            if isinstance(c, Mapping):
                cells.update(c)
    return {str(k).lower(): v for k, v in cells.items()}


def _split_top(body: str) -> list[str]:
    """``a=1, b={x=1, y=2}, c=[1, 2]`` -> its top-level items (commas inside braces, brackets, quotes kept)."""
    items, depth, quote, cur = [], 0, False, []
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == "\\":
                cur.append(body[i : i + 2])
                i += 2
                continue
            quote = ch != '"'
        elif ch == '"':
            quote = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    if cur:
        items.append("".join(cur).strip())
    return items


def lake_map(text: str) -> dict[str, Any]:
    """Lake prints a map or struct column as ``{k=v, k2=v2}`` (a map<string,string> holds nested values as
    JSON text); read its top level, nested JSON values parsed."""
    out: dict[str, Any] = {}
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        return out
    for part in _split_top(body[1:-1]):
        k, sep, v = part.partition("=")
        if not sep or not k or "{" in k or '"' in k:
            continue
        value: Any = v
        if v[:1] in "{[":
            try:
                value = json.loads(v)
            except ValueError:
                value = v
        out[k.strip()] = value
    return out


_LAKE_STRUCT = re.compile(r"\{([^{}]*)\}")


def lake_resources(value: Any) -> list[dict[str, str]]:
    """The ``resources`` column (an array of structs, printed ``[{accountid=..., type=..., arn=...}, ...]``;
    Athena prints a field the record lacks as ``null``)."""
    if isinstance(value, list):
        return [dict(r) for r in value if isinstance(r, Mapping)]
    if not isinstance(value, str):
        return []
    out = []
    for m in _LAKE_STRUCT.finditer(value):
        # a field the record does not have is printed null (Athena) or left out
        fields = {k.lower(): v for k, v in lake_map("{" + m.group(1) + "}").items() if v != "null"}
        if fields.get("arn"):
            out.append({"type": fields.get("type", ""), "ARN": fields["arn"]})
    return out


def _nested(record: dict[str, Any], dotted: str, value: Any) -> None:
    cur = record
    parts = dotted.split(".")
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def from_lake_row(row: Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> TrailEvent:
    """A :class:`TrailEvent` from a CloudTrail Lake result row (a list of one-key objects). Never raises."""
    try:
        low = _cells(row)
        record: dict[str, Any] = {}
        for col in (
            "eventID",
            "eventTime",
            "eventName",
            "eventSource",
            "eventType",
            "eventCategory",
            "sourceIPAddress",
            "errorCode",
            "errorMessage",
            "awsRegion",
            "userAgent",
            "recipientAccountId",
            "readOnly",
            "userIdentity.type",
            "userIdentity.arn",
            "userIdentity.principalId",
            "userIdentity.accountId",
            "userIdentity.userName",
            "userIdentity.invokedBy",
            "userIdentity.onBehalfOf.userId",
            "userIdentity.sessionContext.sessionIssuer.userName",
            "userIdentity.sessionContext.sourceIdentity",
            # an Insights event data store's own columns
            "insightEventName",
            "insightEventSource",
            "insightType",
            "insightState",
            "insightErrorCode",
        ):
            value = low.get(col.lower())
            if value is None and "." in col:
                value = low.get(col.rsplit(".", 1)[1].lower()) if col.count(".") == 1 else None
            if value not in (None, ""):
                _nested(record, col, value)
        rp = low.get("requestparameters")
        if isinstance(rp, str) and rp.startswith("{"):
            record["requestParameters"] = lake_map(rp)
        elif isinstance(rp, Mapping):
            record["requestParameters"] = dict(rp)
        resources = lake_resources(low.get("resources"))
        if resources:
            record["resources"] = resources
        return parse_record(record)
    except Exception as exc:  # pragma: no cover - parse_record never raises; belt and braces
        return broken_event(f"could not read this Lake row: {exc}")


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
    flt = ServerFilter(start, end, source_identity, event_source, event_name, limit)
    sql = lake_sql(eds, flt)
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
            if flt.accepts(ev):
                events.append(ev)
        st.matched = len(events)
        if on_status:
            on_status(st)
        token = page.get("NextToken")
        if not token:
            return events
        params = {"QueryId": st.query_id, "NextToken": token}


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
    flt = ServerFilter(start, end, source_identity, event_source, event_name, limit)
    q = insights_query(flt)
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
            ev.time = parse_time(cells.get("@timestamp"))
        if flt.accepts(ev):
            events.append(ev)
    events.sort(key=lambda e: e.time or datetime.min.replace(tzinfo=UTC), reverse=True)
    st.matched = len(events)
    if on_status:
        on_status(st)
    return events
