"""CloudWatch Logs fidelity: where moto 5.2.5's logs differ from AWS in ways smtui relies on.

* ``_find_log_group``: any ``logGroupIdentifier``, even a bogus one, resolved to the last-created group
  (the loop variable shadows the result). Now: by name or ARN (with or without ``:*``), else
  ``ResourceNotFoundException``; name and identifier together are an ``InvalidParameterException``.
  DescribeLogStreams/GetLogEvents by identifier also page correctly (moto built tokens from ``None``).
* FilterLogEvents: moto ignores ``logStreamNamePrefix``, interleaves only when asked, rejects
  ``logGroupIdentifier`` and matches ``?``, ``-``, ``%regex%``, JSON and ``[...]`` patterns wrongly.
  Now: prefix or names (exclusive, ≤100 names), always interleaved by (timestamp, ingestion order),
  ``startTime``/``endTime``, ``limit`` (default and maximum 10,000), opaque ``nextToken`` paging where
  only a missing token ends paging (a request scans a bounded number of events, so a page can be empty
  and still carry a token, as on AWS), eventIds stable across calls, and the real pattern language
  (:mod:`smtui.sandbox.filterpattern`), an invalid pattern answering ``InvalidParameterException``.
* GetLogEvents ``endTime`` is exclusive on AWS; moto included events at ``endTime``.
* DescribeLogGroups/DescribeLogStreams send ``"nextToken": null`` on their last page; AWS leaves it out.
* StopQuery is not implemented (HTTP 500): a query moto has (moto completes them at once) answers
  ``success: false``, as AWS does for a query that is no longer running; an unknown one
  ResourceNotFoundException.
* Logs Insights: moto ignores ``filter`` (every event in the window comes back). Now the subset of the query
  language smtui sends runs for real (:mod:`smtui.sandbox.insights_query`), ``@timestamp`` in AWS's form;
  a query outside it keeps moto's behaviour, one of it that does not parse is a MalformedQueryException.
* An identifier ending in ``:*`` (the ``arn`` DescribeLogGroups returns, meant for IAM policies) is
  rejected, as AWS and moto's own AWS-verified tests do: ``logGroupArn`` is the one to pass.

``ORIGINALS`` keeps moto's own functions so tests can show each patch is still needed.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
import weakref
from typing import Any

ORIGINALS: dict[str, Any] = {}
#: events a single FilterLogEvents request examines before it returns a (possibly empty) page + token
SCAN_BUDGET = 250_000
MAX_LIMIT = 10_000
_TOKEN = re.compile(r"f1/(\d+)/(\d+)")
_applied = False


def _errors() -> tuple[Any, Any]:
    from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException

    return InvalidParameterException, ResourceNotFoundException


def find_log_group(backend: Any, log_group_id: str | None = None, log_group_name: str | None = None) -> Any:
    """The group named ``log_group_name`` or identified by ``log_group_id`` (name or ARN)."""
    invalid, not_found = _errors()
    if log_group_name and log_group_id:
        raise invalid(msg="LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if log_group_name:
        group = backend.groups.get(log_group_name)
    elif log_group_id:
        if not re.fullmatch(r"[\w#+=/:,.@-]*", log_group_id):
            raise invalid(
                msg="1 validation error detected: Value at 'logGroupIdentifier' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*"
            )
        ident = log_group_id
        if ident.startswith("arn:"):
            group = next((g for g in backend.groups.values() if g.arn == ident), None)
        else:
            group = backend.groups.get(ident)
    else:
        raise invalid(msg="Either logGroupName or logGroupIdentifier must be specified.")
    if group is None:
        raise not_found()
    return group


def _describe_log_streams(
    self: Any,
    descending: bool,
    limit: int,
    log_group_name: str,
    log_group_id: str,
    log_stream_name_prefix: str,
    next_token: str | None,
    order_by: str,
) -> Any:
    group = find_log_group(self, log_group_id=log_group_id, log_group_name=log_group_name)
    return ORIGINALS["LogsBackend.describe_log_streams"](
        self,
        descending=descending,
        limit=limit,
        log_group_name=group.name,
        log_group_id=None,
        log_stream_name_prefix=log_stream_name_prefix,
        next_token=next_token,
        order_by=order_by,
    )


def _get_log_events(
    self: Any,
    log_group_name: str,
    log_group_id: str,
    log_stream_name: str,
    start_time: Any,
    end_time: Any,
    limit: int,
    next_token: str | None,
    start_from_head: Any,
) -> Any:
    group = find_log_group(self, log_group_id=log_group_id, log_group_name=log_group_name)
    return ORIGINALS["LogsBackend.get_log_events"](
        self,
        log_group_name=group.name,
        log_group_id=None,
        log_stream_name=log_stream_name,
        start_time=start_time,
        end_time=end_time,
        limit=limit,
        next_token=next_token,
        start_from_head=start_from_head,
    )


def _stream_get_log_events(
    self: Any, start_time: Any, end_time: Any, limit: int, next_token: str | None, start_from_head: Any
) -> Any:
    """AWS: events *before* endTime. moto compares ``timestamp > end_time``, so pass ``end_time - 1``."""
    if end_time is not None and end_time != "":
        end = int(end_time) - 1
        if end <= 0:  # nothing can be earlier; moto would read 0 as "no bound"
            empty = f"{0:056d}"
            return [], f"b/{empty}", f"f/{empty}"
        end_time = end
    return ORIGINALS["LogStream.get_log_events"](
        self, start_time, end_time, limit, next_token, start_from_head
    )


def filter_log_events(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """FilterLogEvents as AWS answers it (see the module docstring)."""
    from smtui.sandbox.filterpattern import FilterPatternError, compile_pattern

    invalid, _ = _errors()
    group = find_log_group(
        backend, log_group_id=params.get("logGroupIdentifier"), log_group_name=params.get("logGroupName")
    )
    names = params.get("logStreamNames")
    prefix = params.get("logStreamNamePrefix")
    if names and prefix:
        raise invalid(msg="logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
    if names is not None and not 1 <= len(names) <= 100:
        raise invalid(
            constraint="Member must have length less than or equal to 100",
            parameter="logStreamNames",
            value=names,
        )
    limit = params.get("limit")
    limit = MAX_LIMIT if limit is None else int(limit)
    if limit < 1:
        raise invalid(
            constraint="Member must have value greater than or equal to 1", parameter="limit", value=limit
        )
    if limit > MAX_LIMIT:
        raise invalid(
            constraint=f"Member must have value less than or equal to {MAX_LIMIT}",
            parameter="limit",
            value=limit,
        )
    try:
        match = compile_pattern(params.get("filterPattern"))
    except FilterPatternError:
        raise invalid(msg="Invalid filter pattern") from None
    start = params.get("startTime")
    end = params.get("endTime")
    start = int(start) if start not in (None, "") else None
    end = int(end) if end not in (None, "") else None
    after: tuple[int, int] = (-(2**63), -1)
    token = params.get("nextToken")
    if token:
        m = _TOKEN.fullmatch(str(token))
        if not m:
            raise invalid(msg="The specified nextToken is invalid.")
        after = (int(m.group(1)), int(m.group(2)))

    if names:
        wanted = set(names)
        streams = [s for n, s in group.streams.items() if n in wanted]
    elif prefix:
        streams = [s for n, s in group.streams.items() if n.startswith(prefix)]
    else:
        streams = list(group.streams.values())

    selected = None if len(streams) == len(group.streams) else {st.log_stream_name for st in streams}
    index = _index(group)
    lo = _first_after(index, max(after, (start, -1)) if start is not None else after)

    events: list[dict[str, Any]] = []
    scanned = 0
    last: tuple[int, int] | None = None
    i = lo
    n = len(index)
    while i < n:
        ts, eid, sname, ev = index[i]
        if end is not None and ts > end:
            i = n
            break
        if len(events) >= limit or scanned >= SCAN_BUDGET:
            break
        i += 1
        if selected is not None and sname not in selected:
            continue
        scanned += 1
        last = (ts, eid)
        if match(ev.message):
            events.append(
                {
                    "logStreamName": sname,
                    "timestamp": ts,
                    "message": ev.message,
                    "ingestionTime": ev.ingestion_time,
                    "eventId": str(eid),
                }
            )
    more = i < n and (end is None or index[i][0] <= end)
    result: dict[str, Any] = {
        "events": events,
        "searchedLogStreams": [
            {"logStreamName": s.log_stream_name, "searchedCompletely": True} for s in streams
        ],
    }
    if more and last is not None:
        result["nextToken"] = f"f1/{last[0]}/{last[1]}"
    return result


_index_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[
    Any, tuple[tuple[tuple[str, int], ...], list[tuple[int, int, str, Any]]]
] = weakref.WeakKeyDictionary()


def _index(group: Any) -> list[tuple[int, int, str, Any]]:
    """Every event of ``group`` as (timestamp, eventId, stream, event), sorted: built once per change.

    FilterLogEvents pages through it by bisection, so paging through a large group costs one sort
    instead of one per page. Appends (the driver writes every second) rebuild it on the next call.
    """
    version = tuple((name, len(stream.events)) for name, stream in list(group.streams.items()))
    with _index_lock:
        cached = _indexes.get(group)
        if cached is not None and cached[0] == version:
            return cached[1]
    rows = [
        (ev.timestamp, ev.event_id, name, ev)
        for name, stream in list(group.streams.items())
        for ev in list(stream.events)
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    with _index_lock:
        _indexes[group] = (version, rows)
    return rows


def _first_after(index: list[tuple[int, int, str, Any]], key: tuple[int, int]) -> int:
    """The position of the first row whose (timestamp, eventId) is greater than ``key``."""
    return bisect.bisect_right(index, key, key=lambda r: (r[0], r[1]))


def _response_filter_log_events(self: Any) -> str:
    params = {
        k: self._get_param(k)
        for k in (
            "logGroupName",
            "logGroupIdentifier",
            "logStreamNames",
            "logStreamNamePrefix",
            "startTime",
            "endTime",
            "filterPattern",
            "nextToken",
            "limit",
        )
    }
    return json.dumps(filter_log_events(self.logs_backend, params))


def _without_nulls(name: str) -> Any:
    def answer(self: Any) -> str:
        body = json.loads(ORIGINALS[f"LogsResponse.{name}"](self))
        return json.dumps({k: v for k, v in body.items() if v is not None})

    answer.__name__ = name
    return answer


def _stop_query(self: Any) -> str:
    _, not_found = _errors()
    if self._get_param("queryId") not in self.logs_backend.queries:
        raise not_found("The specified query does not exist.")
    return json.dumps({"success": False})


def _execute_query(log_groups: list[Any], query: str, start_time: int, end_time: int) -> list[dict[str, str]]:
    from moto.core.exceptions import JsonRESTError

    from smtui.sandbox import insights_query

    try:
        parsed = insights_query.parse(query)
    except insights_query.QuerySyntaxError as e:
        raise JsonRESTError("MalformedQueryException", f"Query is malformed: {e}") from None
    if parsed is None:
        return ORIGINALS["models.execute_query"](log_groups, query, start_time, end_time)  # type: ignore[no-any-return]
    events = (
        (ev, stream.log_stream_name, group.name)
        for group in log_groups
        for stream in list(group.streams.values())
        for ev in list(stream.events)
    )
    return insights_query.run(parsed, events, start_time, end_time)


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.logs import models
    from moto.logs.models import LogsBackend, LogStream
    from moto.logs.responses import LogsResponse

    ORIGINALS["models.execute_query"] = models.execute_query  # type: ignore[attr-defined]
    models.execute_query = _execute_query  # type: ignore[attr-defined]

    ORIGINALS["LogsBackend._find_log_group"] = LogsBackend._find_log_group
    ORIGINALS["LogsBackend.describe_log_streams"] = LogsBackend.describe_log_streams
    ORIGINALS["LogsBackend.get_log_events"] = LogsBackend.get_log_events
    ORIGINALS["LogsBackend.filter_log_events"] = LogsBackend.filter_log_events
    ORIGINALS["LogStream.get_log_events"] = LogStream.get_log_events
    ORIGINALS["LogsResponse.filter_log_events"] = LogsResponse.filter_log_events

    def _find(self: Any, log_group_id: str | None = None, log_group_name: str | None = None) -> Any:
        return find_log_group(self, log_group_id=log_group_id, log_group_name=log_group_name)

    LogsBackend._find_log_group = _find  # type: ignore[method-assign]
    LogsBackend.describe_log_streams = _describe_log_streams  # type: ignore[method-assign]
    LogsBackend.get_log_events = _get_log_events  # type: ignore[method-assign]
    LogStream.get_log_events = _stream_get_log_events  # type: ignore[method-assign]
    LogsResponse.filter_log_events = _response_filter_log_events  # type: ignore[method-assign]
    ORIGINALS["LogsResponse.stop_query"] = LogsResponse.__dict__.get("stop_query")
    LogsResponse.stop_query = _stop_query  # type: ignore[attr-defined]
    for name in ("describe_log_groups", "describe_log_streams"):
        ORIGINALS[f"LogsResponse.{name}"] = getattr(LogsResponse, name)
        setattr(LogsResponse, name, _without_nulls(name))
    _applied = True
