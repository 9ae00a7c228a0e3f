"""Athena that runs the SQL. moto 5.2.5 answers every query SUCCEEDED at once with no rows (or with rows queued
in advance through its private API), never reads the table, scans 0 bytes and cannot fail or be cancelled
mid-run. Here StartQueryExecution queues the query, a worker runs it for real
(:mod:`smtui.sandbox.athena_engine`: DuckDB over the table's files in the sandbox's S3), and:

- GetQueryExecution reports QUEUED, RUNNING, then SUCCEEDED, FAILED (``StateChangeReason`` and ``AthenaError``
  with Athena's error category and type) or CANCELLED, with ``DataScannedInBytes`` (the bytes of the files read,
  after partition pruning), engine, queue and total times, and the output location ``<location><id>.csv``;
- GetQueryResults pages the rows (``MaxResults`` up to 1,000, ``NextToken``), the header row first as Athena
  sends it, values printed as Athena prints them; it refuses a query that has not finished;
- StopQueryExecution interrupts a running query (CANCELLED);
- the output location is required (the request's or the workgroup's, which wins when the workgroup enforces its
  configuration), its bucket must exist, and the results are written there as CSV, as Athena does.

:data:`SETTINGS` holds how long a query waits in the queue (so a poll sees QUEUED, as it would) and, for tests
that need a query to stay RUNNING, a minimum run time.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from smtui.sandbox import athena_engine

MAX_RESULTS = 1000
NO_OUTPUT = (
    "No output location provided. An output location is required either through the Workgroup result "
    "configuration setting or as an API input."
)


@dataclass
class Settings:
    queue_seconds: float = 0.15
    min_run_seconds: float = 0.0
    workers: int = 2


SETTINGS = Settings()


@dataclass
class Execution:
    id: str
    query: str
    database: str
    catalog: str
    workgroup: str
    output: str
    caller: athena_engine.Caller
    region: str
    state: str = "QUEUED"
    reason: str = ""
    error: athena_engine.QueryError | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    completed: float | None = None
    scanned: int = 0
    result: athena_engine.Result | None = None
    run: athena_engine.Run = field(default_factory=athena_engine.Run)


_executions: dict[str, Execution] = {}
_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_applied = False


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=SETTINGS.workers, thread_name_prefix="smtui-athena")
        return _pool


def _error(
    message: str, code: str = "InvalidRequestException", status: int = 400
) -> tuple[str, dict[str, int]]:
    return json.dumps({"__type": code, "Message": message, "AthenaErrorCode": "INVALID_INPUT"}), {
        "status": status
    }


def _run(ex: Execution) -> None:
    wait = ex.submitted + SETTINGS.queue_seconds - time.time()
    if wait > 0:
        time.sleep(wait)
    with _lock:
        if ex.state != "QUEUED":
            return
        ex.state = "RUNNING"
        ex.started = time.time()
    try:
        _check_output(ex)
        result = ex.run.execute(ex.query, caller=ex.caller, region=ex.region, database=ex.database)
        rest = (ex.started or time.time()) + SETTINGS.min_run_seconds - time.time()
        while rest > 0 and not ex.run.interrupted:
            time.sleep(min(rest, 0.05))
            rest -= 0.05
        if ex.run.interrupted:
            raise athena_engine.QueryError("Query cancelled", category=3, error_type=209)
        _write_output(ex, result)
        with _lock:
            ex.result = result
            ex.scanned = result.scanned
            ex.state = "SUCCEEDED"
    except athena_engine.QueryError as err:
        with _lock:
            ex.scanned = ex.run.scanned
            if ex.state != "CANCELLED":
                ex.state = "FAILED"
                ex.reason = err.message
                ex.error = err
    except Exception as exc:  # an engine bug: say so as Athena says an internal error
        with _lock:
            ex.state = "FAILED"
            ex.reason = f"INTERNAL_ERROR_QUERY_ENGINE: {exc}"
            ex.error = athena_engine.QueryError(ex.reason, category=1, error_type=200)
    finally:
        with _lock:
            ex.completed = time.time()


def _output_bucket(ex: Execution) -> tuple[str, str]:
    loc = ex.output
    bucket, _, prefix = loc[5:].partition("/")
    return bucket, prefix


def _check_output(ex: Execution) -> None:
    from moto.s3.models import s3_backends

    bucket, _ = _output_bucket(ex)
    if bucket not in s3_backends[ex.caller.account_id]["aws"].buckets:
        raise athena_engine.QueryError(
            f"Unable to verify/create output bucket {bucket}", category=2, error_type=401
        )


def _write_output(ex: Execution, result: athena_engine.Result) -> None:
    from moto.s3.models import s3_backends

    bucket, key = _output_bucket(ex)
    backend = s3_backends[ex.caller.account_id]["aws"]
    backend.put_object(bucket, key, athena_engine.csv_text(result))


def _get(self: Any, exec_id: str | None) -> Execution | None:
    ex = _executions.get(exec_id or "")
    if ex is None or ex.caller.account_id != self.current_account or ex.region != self.region:
        return None
    return ex


# ---------------------------------------------------------------------------------------------- handlers
def start_query_execution(self: Any) -> Any:
    query = self._get_param("QueryString") or ""
    if not (1 <= len(query) <= 262_144):
        return _error("QueryString must be 1 to 262144 characters")
    context = self._get_param("QueryExecutionContext") or {}
    config = self._get_param("ResultConfiguration") or {}
    wg_name = self._get_param("WorkGroup") or "primary"
    backend = self.athena_backend
    wg = backend.work_groups.get(wg_name)
    if wg is None:
        return _error(f"WorkGroup {wg_name} is not found.")
    wg_config = wg.configuration or {}
    wg_output = (wg_config.get("ResultConfiguration") or {}).get("OutputLocation")
    output = config.get("OutputLocation")
    if wg_config.get("EnforceWorkGroupConfiguration") and wg_output:
        output = wg_output
    output = output or wg_output
    if not output:
        return _error(NO_OUTPUT)
    if not str(output).startswith("s3://"):
        return _error(f"Invalid OutputLocation: {output}")
    exec_id = str(uuid.uuid4())
    ex = Execution(
        id=exec_id,
        query=query,
        database=str(context.get("Database") or "default"),
        catalog=str(context.get("Catalog") or "AwsDataCatalog"),
        workgroup=wg_name,
        output=str(output).rstrip("/") + f"/{exec_id}.csv",
        caller=athena_engine.Caller(
            self.current_account, self.get_access_key() or "", self.headers.get("X-Amz-Security-Token")
        ),
        region=self.region,
    )
    with _lock:
        _executions[exec_id] = ex
    _executor().submit(_run, ex)
    return json.dumps({"QueryExecutionId": exec_id})


def _execution_json(ex: Execution) -> dict[str, Any]:
    now = time.time()
    end = ex.completed or now
    status: dict[str, Any] = {"State": ex.state, "SubmissionDateTime": ex.submitted}
    if ex.completed is not None:
        status["CompletionDateTime"] = ex.completed
    if ex.reason:
        status["StateChangeReason"] = ex.reason
    if ex.error is not None and ex.state == "FAILED":
        status["AthenaError"] = {
            "ErrorCategory": ex.error.category,
            "ErrorType": ex.error.error_type,
            "Retryable": False,
            "ErrorMessage": ex.error.message,
        }
    queue = ((ex.started or end) - ex.submitted) * 1000
    engine = (end - ex.started) * 1000 if ex.started else 0
    scanned = ex.scanned if ex.completed else ex.run.scanned
    return {
        "QueryExecutionId": ex.id,
        "Query": ex.query,
        "StatementType": "DML",
        "ResultConfiguration": {"OutputLocation": ex.output},
        "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
        "QueryExecutionContext": {"Database": ex.database, "Catalog": ex.catalog},
        "Status": status,
        "Statistics": {
            "EngineExecutionTimeInMillis": int(engine),
            "DataScannedInBytes": int(scanned),
            "TotalExecutionTimeInMillis": int((end - ex.submitted) * 1000),
            "QueryQueueTimeInMillis": int(queue),
            "QueryPlanningTimeInMillis": 0,
            "ServiceProcessingTimeInMillis": 0,
            "ResultReuseInformation": {"ReusedPreviousResult": False},
        },
        "WorkGroup": ex.workgroup,
        "EngineVersion": {
            "SelectedEngineVersion": "AUTO",
            "EffectiveEngineVersion": "Athena engine version 3",
        },
    }


def get_query_execution(self: Any) -> Any:
    exec_id = self._get_param("QueryExecutionId")
    ex = _get(self, exec_id)
    if ex is None:
        return _error(f"QueryExecution {exec_id} was not found")
    with _lock:
        return json.dumps({"QueryExecution": _execution_json(ex)})


def _token(exec_id: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([exec_id, offset]).encode()).decode()


def get_query_results(self: Any) -> Any:
    exec_id = self._get_param("QueryExecutionId")
    ex = _get(self, exec_id)
    if ex is None:
        return _error(f"QueryExecution {exec_id} was not found")
    if ex.state in ("QUEUED", "RUNNING"):
        return _error(f"Query has not yet finished. Current state: {ex.state}")
    if ex.state != "SUCCEEDED" or ex.result is None:
        return _error(
            f"Query did not finish successfully. Final query state: {ex.state}\n{ex.reason}".rstrip()
        )
    max_results = int(self._get_param("MaxResults") or MAX_RESULTS)
    if not 1 <= max_results <= MAX_RESULTS:
        return _error(f"MaxResults must be between 1 and {MAX_RESULTS}")
    start = 0
    token = self._get_param("NextToken")
    if token:
        try:
            tid, start = json.loads(base64.urlsafe_b64decode(token.encode()))
            if tid != ex.id or not isinstance(start, int):
                raise ValueError
        except Exception:
            return _error("Invalid NextToken")
    res = ex.result
    # the header row (the column names) comes first, in one of the first page's places
    rows: list[dict[str, Any]] = [] if token else [{"Data": [{"VarCharValue": n} for n, _ in res.columns]}]
    chunk = res.rows[start : start + max_results - len(rows)]
    rows.extend({"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in chunk)
    end = start + len(chunk)
    body: dict[str, Any] = {
        "UpdateCount": 0,
        "ResultSet": {
            "Rows": rows,
            "ResultSetMetadata": {
                "ColumnInfo": [
                    {
                        "CatalogName": "hive",
                        "SchemaName": "",
                        "TableName": "",
                        "Name": n,
                        "Label": n,
                        "Type": t,
                        "Precision": 2147483647 if t == "varchar" else 0,
                        "Scale": 0,
                        "Nullable": "UNKNOWN",
                        "CaseSensitive": t == "varchar",
                    }
                    for n, t in res.columns
                ]
            },
        },
    }
    if end < len(res.rows):
        body["NextToken"] = _token(ex.id, end)
    return json.dumps(body)


def stop_query_execution(self: Any) -> Any:
    exec_id = self._get_param("QueryExecutionId")
    ex = _get(self, exec_id)
    if ex is None:
        return _error(f"QueryExecution {exec_id} was not found")
    with _lock:
        if ex.state in ("QUEUED", "RUNNING"):
            ex.state = "CANCELLED"
            ex.reason = "Query cancelled by user"
            if ex.started is None:
                ex.completed = time.time()
    ex.run.interrupt()
    return json.dumps({})


def apply() -> None:
    """Install the handlers on moto's Athena (idempotent)."""
    global _applied
    if _applied:
        return
    from moto.athena.responses import AthenaResponse

    AthenaResponse.start_query_execution = start_query_execution  # type: ignore[method-assign]
    AthenaResponse.get_query_execution = get_query_execution  # type: ignore[method-assign]
    AthenaResponse.get_query_results = get_query_results  # type: ignore[method-assign]
    AthenaResponse.stop_query_execution = stop_query_execution  # type: ignore[method-assign]
    _applied = True
