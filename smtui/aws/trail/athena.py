"""Running the trail's filters in Amazon Athena, over the CloudTrail table of a trail delivered to S3: an
organisation's accounts and regions, and as far back as the bucket keeps.

:func:`athena_pages` reads the table's definition (glue:GetTable: which fields it has, its partitions),
starts one query (athena:StartQueryExecution, :func:`~smtui.aws.trail.queries.athena_sql`), polls it
(GetQueryExecution: state, data scanned, engine time), and pages through GetQueryResults, yielding the rows of
each page as the same :class:`~smtui.aws.trail.events.TrailEvent` rows every other path gives. Cancelling it
stops the query (StopQueryExecution); a query that FAILED or was CANCELLED raises :class:`QueryFailed` with
Athena's reason. Athena writes the result to the workgroup's output location (``--athena-output`` or the
workgroup's own): the only thing this path writes, where the user chose.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smtui.aws.trail.athena_table import AthenaTable, parse_table_name
from smtui.aws.trail.events import TrailEvent, broken_event
from smtui.aws.trail.parse import parse_record
from smtui.aws.trail.queries import ATHENA_SI, ServerFilter, athena_sql
from smtui.aws.trail.server import QueryFailed, QueryStatus, lake_resources
from smtui.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

#: GetQueryResults' largest page
PAGE_ROWS = 1000
#: the record's spelling of the fields the query selects
_SPELLING = {
    "eventid": "eventID",
    "eventtime": "eventTime",
    "eventname": "eventName",
    "eventsource": "eventSource",
    "eventtype": "eventType",
    "eventcategory": "eventCategory",
    "useridentity_type": "userIdentity.type",
    "useridentity_arn": "userIdentity.arn",
    "useridentity_principalid": "userIdentity.principalId",
    "useridentity_accountid": "userIdentity.accountId",
    "useridentity_username": "userIdentity.userName",
    "useridentity_invokedby": "userIdentity.invokedBy",
    "useridentity_onbehalfof_userid": "userIdentity.onBehalfOf.userId",
    "useridentity_sessionissuer_username": "userIdentity.sessionContext.sessionIssuer.userName",
    "useridentity_sourceidentity": "userIdentity.sessionContext.sourceIdentity",
    "sourceipaddress": "sourceIPAddress",
    "errorcode": "errorCode",
    "errormessage": "errorMessage",
    "readonly": "readOnly",
    "awsregion": "awsRegion",
    "useragent": "userAgent",
    "recipientaccountid": "recipientAccountId",
}


@dataclass
class AthenaStatus(QueryStatus):
    """An Athena query's progress: state, data scanned, time in the engine, rows read so far."""

    engine_ms: int = 0
    total_ms: int = 0
    rows: int = 0
    note: str = ""

    def detail(self) -> str:
        parts = [f"{_bytes(self.bytes_scanned)} scanned", f"{self.total_ms / 1000:.1f}s"]
        if self.rows:
            parts.append(f"{self.rows:,} rows read")
        return " · ".join(parts)


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"  # pragma: no cover


def _nested(record: dict[str, Any], dotted: str, value: Any) -> None:
    cur = record
    parts = dotted.split(".")
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def from_row(cells: Mapping[str, str | None]) -> TrailEvent:
    """A :class:`TrailEvent` from one result row of :func:`athena_sql` (column alias -> text). Never raises."""
    try:
        record: dict[str, Any] = {}
        for alias, dotted in _SPELLING.items():
            value = cells.get(alias)
            if value not in (None, ""):
                _nested(record, dotted, value)
        rp = cells.get("requestparameters")
        if rp:
            try:
                record["requestParameters"] = json.loads(rp)
            except ValueError:
                record["requestParameters"] = rp  # the record's own text, when it is not an object
        resources = lake_resources(cells.get("resources"))
        if resources:
            record["resources"] = resources
        return parse_record(record)
    except Exception as exc:  # pragma: no cover - parse_record never raises; belt and braces
        return broken_event(f"could not read this Athena row: {exc}")


async def describe_table(aws: AwsSession, table: str) -> AthenaTable:
    """The table ``DATABASE.TABLE`` (or ``TABLE`` in ``default``) as glue:GetTable describes it."""
    database, name = parse_table_name(table)
    got = await aws.call("glue", "get_table", DatabaseName=database, Name=name)
    return AthenaTable.from_glue(database, got.get("Table") or {})


def _failed(status: Mapping[str, Any], st: AthenaStatus) -> QueryFailed:
    err = status.get("AthenaError") or {}
    reason = clean(
        status.get("StateChangeReason") or err.get("ErrorMessage") or f"the query ended {st.status}"
    )
    code = "QueryCancelled" if st.status == "CANCELLED" else "QueryFailed"
    return QueryFailed(
        code, f"{reason} (query {st.query_id})", operation="GetQueryExecution", service="athena"
    )


async def athena_pages(
    aws: AwsSession,
    table: str,
    flt: ServerFilter,
    *,
    workgroup: str | None = None,
    output: str | None = None,
    poll: float = 0.5,
    max_wait: float = 1800.0,
    on_status: Callable[[AthenaStatus], None] | None = None,
) -> AsyncIterator[list[TrailEvent]]:
    """Run ``flt`` over the CloudTrail table ``table`` and yield each result page's events (newest first)."""
    st = AthenaStatus(via="Athena", status="GetTable")
    if on_status:
        on_status(st)
    described = await describe_table(aws, table)
    if not described.has(ATHENA_SI):
        st.note = (
            f"{described.database}.{described.name} has no useridentity.sessioncontext.sourceidentity: only "
            "the AssumeRole* that set a sourceIdentity show one (add the field to the table's useridentity)"
        )
    sql = athena_sql(described, flt)
    params: dict[str, Any] = {
        "QueryString": sql,
        "QueryExecutionContext": {"Database": described.database},
    }
    if workgroup:
        params["WorkGroup"] = workgroup
    if output:
        if not output.startswith("s3://"):
            raise ValueError(f"not an S3 location: {output!r} (--athena-output s3://bucket/prefix/)")
        params["ResultConfiguration"] = {"OutputLocation": output}
    started = await aws.call("athena", "start_query_execution", **params)
    st.query_id = str(started.get("QueryExecutionId") or "")
    if not st.query_id:
        raise QueryFailed(
            "QueryFailed", "Athena returned no query id", operation="StartQueryExecution", service="athena"
        )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_wait
    try:
        while True:
            got = await aws.call("athena", "get_query_execution", QueryExecutionId=st.query_id)
            execution = got.get("QueryExecution") or {}
            status = execution.get("Status") or {}
            stats = execution.get("Statistics") or {}
            st.polls += 1
            st.status = clean(status.get("State") or "")
            st.bytes_scanned = int(stats.get("DataScannedInBytes") or 0)
            st.engine_ms = int(stats.get("EngineExecutionTimeInMillis") or 0)
            st.total_ms = int(stats.get("TotalExecutionTimeInMillis") or 0)
            if on_status:
                on_status(st)
            if st.status in ("FAILED", "CANCELLED"):
                raise _failed(status, st)
            if st.status == "SUCCEEDED":
                break
            if loop.time() > deadline:
                raise QueryFailed(
                    "QueryTimedOut",
                    f"no result after {max_wait:.0f}s (query {st.query_id})",
                    operation="GetQueryExecution",
                    service="athena",
                )
            await asyncio.sleep(poll)
        token: str | None = None
        names: list[str] = []
        while True:
            page_params: dict[str, Any] = {"QueryExecutionId": st.query_id, "MaxResults": PAGE_ROWS}
            if token:
                page_params["NextToken"] = token
            page = await aws.call("athena", "get_query_results", **page_params)
            rows = (page.get("ResultSet") or {}).get("Rows") or []
            if not names:
                info = ((page.get("ResultSet") or {}).get("ResultSetMetadata") or {}).get("ColumnInfo") or []
                names = [str(c.get("Name") or "").lower() for c in info]
                rows = rows[1:]  # the first page starts with the column names
            events: list[TrailEvent] = []
            for row in rows:
                data = row.get("Data") or []
                cells = {
                    n: (d.get("VarCharValue") if isinstance(d, Mapping) else None)
                    for n, d in zip(names, data, strict=False)
                }
                ev = from_row(cells)
                st.rows += 1
                if flt.accepts(ev):
                    events.append(ev)
            st.matched += len(events)
            if on_status:
                on_status(st)
            yield events
            token = page.get("NextToken")
            if not token:
                return
    except asyncio.CancelledError:
        if st.status in ("", "QUEUED", "RUNNING", "GetTable"):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(aws.call("athena", "stop_query_execution", QueryExecutionId=st.query_id))
        raise


async def athena_events(aws: AwsSession, table: str, flt: ServerFilter, **kw: Any) -> list[TrailEvent]:
    """Every event of :func:`athena_pages`, newest first."""
    out: list[TrailEvent] = []
    async for page in athena_pages(aws, table, flt, **kw):
        out.extend(page)
    return out
