"""The files an Athena table reads in the sandbox's S3, as Athena finds them, and local copies for the engine.

A table's definition comes from the sandbox's Glue (columns, partition keys, location, table parameters). Where
the table is partition-projected (``storage.location.template`` and ``projection.<key>.type`` enum, date,
integer or injected), a file belongs to it when its key matches the template, and its partition values come
from the key (a date outside ``projection.<key>.range`` is not a partition); with Glue partitions, from their
locations; an unpartitioned table reads every file under its location. Files whose names start with ``_`` or
``.`` are skipped, as Athena skips them.

Reading S3 is checked as Athena checks it, as the caller: a bucket policy that denies ``s3:GetObject`` or
``s3:ListBucket``, or (with the sandbox's IAM enforcement on) a caller whose policies do not allow them, fails
the query with "Permission denied on S3 path".
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from smtui.sandbox.athena_sql import RESOURCE_SPELLING, SPELLING

#: the largest record (one JSON line) the engine reads
_MAX_OBJECT = 64 << 20


class QueryError(Exception):
    """A query that fails: Athena's error category (1 system, 2 user) and type (athena error catalog)."""

    def __init__(self, message: str, *, category: int = 2, error_type: int = 1000) -> None:
        super().__init__(message)
        self.message = message
        self.category = category
        self.error_type = error_type


@dataclass
class TableFiles:
    """One table as the engine reads it."""

    database: str
    name: str
    columns: list[tuple[str, str]]  # (name, Glue type)
    partition_keys: list[str]
    files: list[tuple[str, str, int, dict[str, str]]] = field(
        default_factory=list
    )  # (bucket, key, size, values)


@dataclass
class Caller:
    """Who runs the query (their S3 reads are checked as theirs)."""

    account_id: str
    access_key: str = ""
    session_token: str | None = None


# ---------------------------------------------------------------------------------------------- Glue and S3
def glue_table(account_id: str, region: str, database: str, name: str) -> dict[str, Any]:
    """The table's definition as glue:GetTable returns it; QueryError TABLE_NOT_FOUND when there is none."""
    from moto.glue.models import glue_backends

    backend = glue_backends[account_id][region]
    db = backend.databases.get(database) or backend.databases.get(database.lower())
    if db is None:
        raise QueryError(f"SCHEMA_NOT_FOUND: line 1:1: Schema '{database}' does not exist")
    table = db.tables.get(name) or db.tables.get(name.lower())
    if table is None:
        raise QueryError(
            f"TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.{database}.{name}' does not exist"
        )
    return dict(table.as_dict())


def _split_s3(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise QueryError(f"not an S3 location: {uri!r}")
    bucket, _, prefix = uri[5:].partition("/")
    return bucket, prefix


def _allowed(caller: Caller, bucket: Any, action: str, resource: str) -> bool:
    from moto import settings
    from moto.iam.access_control import (
        AssumedRoleAccessKey,
        CreateAccessKeyFailure,
        IAMPolicy,
        IAMUserAccessKey,
        PermissionResult,
    )

    if bucket.get_permission(action, resource) == PermissionResult.DENIED:
        return False
    if settings.INITIAL_NO_AUTH_ACTION_COUNT != 0 or not caller.access_key:
        return True
    try:
        if caller.session_token:
            who: Any = AssumedRoleAccessKey(
                caller.account_id, "aws", caller.access_key, {"X-Amz-Security-Token": caller.session_token}
            )
        else:
            who = IAMUserAccessKey(caller.account_id, "aws", caller.access_key, {})
    except CreateAccessKeyFailure:
        return False
    verdicts = [IAMPolicy(p).is_action_permitted(action, resource) for p in who.collect_policies()]
    return PermissionResult.DENIED not in verdicts and PermissionResult.PERMITTED in verdicts


def _bucket(caller: Caller, name: str) -> Any:
    from moto.s3.models import s3_backends

    backend = s3_backends[caller.account_id]["aws"]
    try:
        return backend.get_bucket(name)
    except Exception as exc:
        raise QueryError(
            f"Error opening Hive split s3://{name}/: The specified bucket does not exist"
        ) from exc


def _objects(caller: Caller, bucket_name: str, prefix: str) -> list[tuple[str, int]]:
    bucket = _bucket(caller, bucket_name)
    if not _allowed(caller, bucket, "s3:ListBucket", f"arn:aws:s3:::{bucket_name}"):
        raise QueryError(f"Permission denied on S3 path: s3://{bucket_name}/{prefix}", error_type=1000)
    found = []
    for key in list(bucket.keys.values()):
        name = key.name
        tail = name.rsplit("/", 1)[-1]
        if name.startswith(prefix) and not name.endswith("/") and not tail.startswith(("_", ".")):
            found.append((name, int(key.size)))
    return sorted(found)


# ---------------------------------------------------------------------------------------------- projection
_JAVA_DATE = re.compile(r"yyyy|MM|dd|HH|mm|ss")
_JAVA_TO_PY = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}


def _date_regex(fmt: str) -> str:
    out, pos = [], 0
    for m in _JAVA_DATE.finditer(fmt):
        out.append(re.escape(fmt[pos : m.start()]))
        out.append(r"\d{4}" if m.group() == "yyyy" else r"\d{2}")
        pos = m.end()
    out.append(re.escape(fmt[pos:]))
    return "".join(out)


def _py_format(fmt: str) -> str:
    return _JAVA_DATE.sub(lambda m: _JAVA_TO_PY[m.group()], fmt.replace("%", "%%"))


def _date_in_range(value: str, fmt: str, spec: str) -> bool:
    try:
        when = datetime.strptime(value, _py_format(fmt)).replace(tzinfo=UTC)
    except ValueError:
        return False
    bounds = [b.strip() for b in spec.split(",")] if spec else []
    if len(bounds) != 2:
        return True

    def parse(b: str) -> datetime | None:
        if b.upper().startswith("NOW"):
            return datetime.now(UTC)
        try:
            return datetime.strptime(b, _py_format(fmt)).replace(tzinfo=UTC)
        except ValueError:
            return None

    lo, hi = parse(bounds[0]), parse(bounds[1])
    return (lo is None or when >= lo) and (hi is None or when <= hi)


def _projected_files(
    caller: Caller, params: dict[str, str], keys: list[str]
) -> list[tuple[str, str, int, dict[str, str]]]:
    template = params.get("storage.location.template") or ""
    bucket, tprefix = _split_s3(template)
    pattern, pos = [], 0
    for m in re.finditer(r"\$\{([^}]+)\}", tprefix):
        pattern.append(re.escape(tprefix[pos : m.start()]))
        k = m.group(1).lower()
        kind = params.get(f"projection.{k}.type", "injected")
        if kind == "enum":
            listed = [v.strip() for v in params.get(f"projection.{k}.values", "").split(",") if v.strip()]
            group = "|".join(re.escape(v) for v in listed) or "(?!)"
        elif kind == "date":
            group = _date_regex(params.get(f"projection.{k}.format", "yyyy/MM/dd"))
        elif kind == "integer":
            group = r"-?\d+"
        else:
            group = r"[^/]+"
        pattern.append(f"(?P<{re.sub(r'[^A-Za-z0-9_]', '_', k)}>{group})")
        pos = m.end()
    pattern.append(re.escape(tprefix[pos:]))
    regex = re.compile("".join(pattern) + r"(?:/|$)")
    fixed = tprefix.split("${", 1)[0]
    out: list[tuple[str, str, int, dict[str, str]]] = []
    for key, size in _objects(caller, bucket, fixed):
        found = regex.match(key)
        if not found:
            continue
        groups = found.groupdict()
        values = {k: groups[g] for k in keys if (g := re.sub(r"[^A-Za-z0-9_]", "_", k)) in groups}
        ok = all(
            _date_in_range(
                values[k],
                params.get(f"projection.{k}.format", "yyyy/MM/dd"),
                params.get(f"projection.{k}.range", ""),
            )
            for k in values
            if params.get(f"projection.{k}.type") == "date"
        )
        if ok:
            out.append((bucket, key, size, values))
    return out


def table_files(caller: Caller, region: str, database: str, name: str) -> TableFiles:
    """The table's definition and the files that belong to it, with their partition values."""
    t = glue_table(caller.account_id, region, database, name)
    sd = t.get("StorageDescriptor") or {}
    columns = [(str(c["Name"]).lower(), str(c.get("Type") or "string")) for c in sd.get("Columns") or ()]
    keys = [str(k["Name"]).lower() for k in t.get("PartitionKeys") or ()]
    params = {str(k).lower(): str(v) for k, v in (t.get("Parameters") or {}).items()}
    out = TableFiles(database, name, columns, keys)
    if keys and params.get("projection.enabled", "").lower() == "true":
        out.files = _projected_files(caller, params, keys)
        return out
    if keys:
        from moto.glue.models import glue_backends

        table = glue_backends[caller.account_id][region].get_table(database, name)
        for part in table.partitions.values():
            pin = part.partition_input
            loc = (pin.get("StorageDescriptor") or {}).get("Location") or ""
            bucket, prefix = _split_s3(loc)
            values = dict(zip(keys, [str(v) for v in pin.get("Values") or ()], strict=False))
            out.files.extend(
                (bucket, k, s, values) for k, s in _objects(caller, bucket, prefix.rstrip("/") + "/")
            )
        return out
    bucket, prefix = _split_s3(str(sd.get("Location") or ""))
    out.files = [(bucket, k, s, {}) for k, s in _objects(caller, bucket, prefix)]
    return out


# ---------------------------------------------------------------------------------------------- the cache
_cache_dir: str | None = None
_cache_lock = threading.Lock()


def local_copy(caller: Caller, bucket_name: str, key: str) -> str:
    """A local copy of an S3 object for DuckDB to read: its records one JSON a line (DuckDB reads those in
    parallel, and a whole ``{"Records": [...]}`` file as one value about 15 times slower), kept for the process
    and keyed by the object's ETag."""
    bucket = _bucket(caller, bucket_name)
    if not _allowed(caller, bucket, "s3:GetObject", f"arn:aws:s3:::{bucket_name}/{key}"):
        raise QueryError(f"Permission denied on S3 path: s3://{bucket_name}/{key}")
    obj = bucket.keys.get(key)
    if obj is None:
        raise QueryError(f"Error opening Hive split s3://{bucket_name}/{key}: the file is gone")
    cache = cache_root()
    digest = hashlib.sha256(f"{bucket_name}/{key}/{obj.etag}".encode()).hexdigest()[:32]
    path = os.path.join(cache, digest + ".ndjson")
    if not os.path.exists(path):
        tmp = path + f".{threading.get_ident()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for rec in _records(bucket_name, key, obj.value):
                f.write(json.dumps(_spelt(rec), separators=(",", ":")))
                f.write("\n")
        os.replace(tmp, path)
    return path


#: the record's fields that the CloudTrail table declares as strings: their JSON text is kept as it is
_TEXT_FIELDS = frozenset(
    "requestparameters responseelements additionaleventdata serviceeventdetails edgedevicedetails".split()
)


def _spelt(value: Any, parent: str = "") -> Any:
    """The record with its keys spelt as CloudTrail spells them wherever they differ only in case (a
    publisher's ``arn`` for ``ARN`` in ``resources``, ``accountid`` for ``accountId``): Athena's JSON SerDe
    matches keys without regard to case, DuckDB does not. The text fields are left as they are (Athena reads
    them as text)."""
    if isinstance(value, list):
        return [_spelt(v, parent) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for k, v in value.items():
        low = str(k).lower()
        name = str((RESOURCE_SPELLING.get(low) if parent == "resources" else None) or SPELLING.get(low, k))
        if name in out and name != k:
            continue  # both spellings in the record: the canonical one wins
        out[name] = v if not parent and low in _TEXT_FIELDS else _spelt(v, low)
    return out


def _records(bucket: str, key: str, data: bytes) -> list[Any]:
    """The records of a log file: ``{"Records": [...]}`` (gzipped or not), a JSON array, or JSON lines."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise QueryError(
                f"HIVE_CURSOR_ERROR: cannot read s3://{bucket}/{key}: {exc}", error_type=1001
            ) from exc
    text = data.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            raise QueryError(
                f"HIVE_BAD_DATA: s3://{bucket}/{key} is not JSON: {exc}", error_type=1001
            ) from exc
    if isinstance(doc, dict) and isinstance(doc.get("Records"), list):
        return list(doc["Records"])
    return list(doc) if isinstance(doc, list) else [doc]


def cache_root() -> str:
    global _cache_dir
    with _cache_lock:
        if _cache_dir is None:
            _cache_dir = tempfile.mkdtemp(prefix="smtui-athena-")
        return _cache_dir
