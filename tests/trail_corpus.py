"""The published CloudTrail corpus (tests/data/cloudtrail, provenance in its SOURCES.md), and the three ways a
record reaches smtui: a LookupEvents item, a CloudTrail Lake result row and a Logs Insights result row.

Shared by the corpus tests; nothing here is smtui code. The three builders follow the services' documented
answers:

- LookupEvents (``Events[]``): the record's JSON text as ``CloudTrailEvent``, beside the lookup envelope
  (``EventId``, ``EventName``, ``ReadOnly``, ``AccessKeyId``, ``EventTime``, ``EventSource``, ``Username``,
  ``Resources``) that CloudTrail fills from the same record.
- CloudTrail Lake (``GetQueryResults``' ``QueryResultRows``): a row is a list of one-key objects, one per column
  of the SELECT, every value a string; a column the record does not have is absent from the row (Lake leaves it
  out rather than sending null); struct and map columns come as ``{k=v, k2=v2}`` text, arrays as ``[...]``.
- Logs Insights (``GetQueryResults``' ``results``): a list of ``{"field", "value"}`` cells; ``@message`` is the
  record as CloudTrail delivered it to the log group (its JSON text), ``@timestamp`` the event time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "data" / "cloudtrail"


@dataclass(frozen=True)
class Published:
    file: str  # path under tests/data/cloudtrail
    index: int  # place of the record in its file
    record: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.file}#{self.index}"


def _records(obj: Any) -> list[dict[str, Any]]:
    if isinstance(obj, Mapping) and isinstance(obj.get("Records"), list):
        return [r for r in obj["Records"] if isinstance(r, dict)]
    if isinstance(obj, list):
        return [r for r in obj if isinstance(r, dict)]
    return [obj] if isinstance(obj, dict) else []


def load() -> list[Published]:
    out: list[Published] = []
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix not in (".json", ".log"):
            continue
        rel = str(path.relative_to(CORPUS))
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".log":
            recs = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            recs = _records(json.loads(text))
        out.extend(Published(rel, i, r) for i, r in enumerate(recs))
    return out


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def lookup_item(rec: Mapping[str, Any]) -> dict[str, Any]:
    """A LookupEvents ``Events[]`` item for ``rec`` (the envelope as CloudTrail derives it from the record)."""
    uid = rec.get("userIdentity") if isinstance(rec.get("userIdentity"), Mapping) else {}
    item: dict[str, Any] = {"CloudTrailEvent": json.dumps(rec)}
    if _s(rec.get("eventID")):
        item["EventId"] = rec["eventID"]
    if _s(rec.get("eventName")):
        item["EventName"] = rec["eventName"]
    if isinstance(rec.get("readOnly"), bool):
        item["ReadOnly"] = "true" if rec["readOnly"] else "false"
    if _s(uid.get("accessKeyId")):
        item["AccessKeyId"] = uid["accessKeyId"]
    when = _s(rec.get("eventTime"))
    if when:
        try:
            item["EventTime"] = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            pass
    if _s(rec.get("eventSource")):
        item["EventSource"] = rec["eventSource"]
    # the event history's "User name": the user's name, or an assumed role's session name
    user = _s(uid.get("userName"))
    if not user and uid.get("type") == "AssumedRole":
        arn = _s(uid.get("arn")) or ""
        pid = _s(uid.get("principalId")) or ""
        user = (
            arn.rsplit("/", 1)[1] if arn.count("/") >= 2 else (pid.split(":", 1)[1] if ":" in pid else None)
        )
    if user:
        item["Username"] = user
    resources = []
    for r in rec.get("resources") or ():
        if isinstance(r, Mapping) and (_s(r.get("ARN")) or _s(r.get("arn"))):
            resources.append(
                {"ResourceType": r.get("type", ""), "ResourceName": r.get("ARN") or r.get("arn")}
            )
    item["Resources"] = resources
    return item


def _lake_text(value: Any, *, top: bool = True) -> str:
    """A Lake cell as GetQueryResults prints it: strings as they are, booleans lower case, structs and maps
    as ``{k=v, k2=v2}``, arrays as ``[a, b]``. ``requestParameters`` is a map<string,string> in the event data
    store schema, so its nested values are JSON text (see :func:`lake_row`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_lake_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(_lake_text(v) for v in value) + "]"
    return str(value)


def _path(rec: Mapping[str, Any], dotted: str) -> Any:
    cur: Any = rec
    for part in dotted.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def lake_row(rec: Mapping[str, Any], columns: Sequence[str]) -> list[dict[str, str]]:
    """The ``QueryResultRows`` row a ``SELECT <columns>`` gives for ``rec``: one ``{column: text}`` per column
    the record has (Lake's eventTime is ``YYYY-MM-DD HH:MM:SS.000``)."""
    row: list[dict[str, str]] = []
    for col in columns:
        value = _path(rec, col)
        if value is None:
            continue
        if col == "requestParameters" and isinstance(value, Mapping):
            # map<string,string>: a nested object or list is stored as its JSON text
            value = {
                k: (json.dumps(v, separators=(",", ":")) if isinstance(v, (Mapping, list)) else v)
                for k, v in value.items()
            }
        if col == "resources" and isinstance(value, list):
            # array<struct<accountid, type, arn, arnprefix>>: the schema's field names
            value = [
                {"accountid": r.get("accountId"), "type": r.get("type"), "arn": r.get("ARN") or r.get("arn")}
                for r in value
                if isinstance(r, Mapping)
            ]
        if col == "eventTime" and isinstance(value, str):
            try:
                t = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
                value = t.strftime("%Y-%m-%d %H:%M:%S.000")
            except ValueError:
                pass
        row.append({col: _lake_text(value)})
    return row


def insights_row(rec: Mapping[str, Any]) -> list[dict[str, str]]:
    """The ``results`` row of ``fields @timestamp, @message`` for ``rec``."""
    cells = []
    when = _s(rec.get("eventTime"))
    if when:
        try:
            t = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
            cells.append({"field": "@timestamp", "value": t.strftime("%Y-%m-%d %H:%M:%S.000")})
        except ValueError:
            pass
    cells.append({"field": "@message", "value": json.dumps(rec)})
    return cells


def published() -> Iterator[Published]:
    yield from load()


def lake_insights_row(rec: Mapping[str, Any]) -> list[dict[str, str]]:
    """The row an Insights event data store gives for an Insights record. Lake keeps Insights events in an
    event data store of their own, with ``insightDetails`` flattened into top-level fields (the CloudTrail
    User Guide's "CloudTrail record contents for Insights events for event data stores")."""
    d = rec.get("insightDetails") if isinstance(rec.get("insightDetails"), Mapping) else {}
    flat = {
        "eventID": rec.get("eventID"),
        "eventTime": rec.get("eventTime"),
        "eventCategory": rec.get("eventCategory"),
        "eventType": rec.get("eventType"),
        "awsRegion": rec.get("awsRegion"),
        "insightState": d.get("state"),
        "insightEventSource": d.get("eventSource"),
        "insightEventName": d.get("eventName"),
        "insightErrorCode": d.get("errorCode"),
        "insightType": d.get("insightType"),
    }
    return lake_row({k: v for k, v in flat.items() if v is not None}, list(flat))
