"""The CloudTrail table an Athena query reads, as glue:GetTable describes it: which fields it has, and how the
time window reaches its partitions.

The CloudTrail console's "Create Athena table" and the Athena user guide's tables share one schema (Glue keeps
names in lower case): ``useridentity`` a struct (``sessioncontext.sourceidentity`` among its fields, in the
tables that declare it), ``requestparameters`` the JSON text of the request, ``resources`` an array of structs.
An organisation trail's table is partitioned by account, region and date, usually with partition projection
(``projection.<key>.type = date``, ``projection.<key>.format = yyyy/MM/dd``): :meth:`AthenaTable.window_condition`
turns the window into a condition on that key, so Athena reads only the days asked for. CloudTrail names a log
file's folder after the time it wrote the file (minutes after the events in it), so the condition reaches one
interval (a day, an hour) past the window's end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

_NAME_RE = re.compile(r"[A-Za-z0-9_]{1,255}")
_JAVA_FIELD = re.compile(r"yyyy|MM|dd|HH")
_JAVA_TO_PY = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H"}
#: manual partitions of the Athena user guide's CloudTrail tables
_YMD = ("year", "month", "day")


def parse_table_name(text: str, default_database: str = "default") -> tuple[str, str]:
    """``cloudtrail_logs`` or ``db.cloudtrail_logs`` -> (database, table); ValueError for anything else."""
    parts = text.strip().split(".")
    if len(parts) == 1:
        parts = [default_database, parts[0]]
    if len(parts) != 2 or not all(_NAME_RE.fullmatch(p) for p in parts):
        raise ValueError(f"not an Athena table: {text!r} (TABLE or DATABASE.TABLE, letters, digits and _)")
    return parts[0].lower(), parts[1].lower()


def _split_top(body: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def struct_fields(hive_type: str) -> dict[str, Any]:
    """The fields of a Hive ``struct<...>`` type, nested (a field that is not a struct maps to its type)."""
    t = hive_type.strip()
    if not (t.lower().startswith("struct<") and t.endswith(">")):
        return {}
    out: dict[str, Any] = {}
    for part in _split_top(t[7:-1]):
        name, sep, sub = part.partition(":")
        if sep:
            key = name.strip().strip("`").lower()
            out[key] = struct_fields(sub) or sub.strip().lower()
    return out


@dataclass(frozen=True)
class AthenaTable:
    """A table as glue:GetTable returned it: its columns (struct columns as their nested fields), partition keys
    and table parameters (partition projection)."""

    database: str
    name: str
    columns: dict[str, Any]
    partition_keys: tuple[tuple[str, str], ...] = ()
    parameters: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_glue(cls, database: str, table: Mapping[str, Any]) -> AthenaTable:
        sd = table.get("StorageDescriptor") or {}
        columns: dict[str, Any] = {}
        for col in sd.get("Columns") or ():
            name = str(col.get("Name") or "").lower()
            kind = str(col.get("Type") or "string")
            columns[name] = struct_fields(kind) or kind.lower()
        keys = tuple(
            (str(k.get("Name") or "").lower(), str(k.get("Type") or "string").lower())
            for k in table.get("PartitionKeys") or ()
        )
        params = {str(k).lower(): str(v) for k, v in (table.get("Parameters") or {}).items()}
        return cls(database, str(table.get("Name") or "").lower(), columns, keys, params)

    @property
    def ref(self) -> str:
        """The table as the query names it: ``"db"."table"``."""
        return f'"{self.database}"."{self.name}"'

    def has(self, dotted: str) -> bool:
        """True when the table has this column or struct field (``useridentity.sessioncontext.sourceidentity``)."""
        cur: Any = self.columns
        for part in dotted.lower().split("."):
            if not isinstance(cur, dict) or part not in cur:
                return False
            cur = cur[part]
        return True

    @property
    def projected(self) -> bool:
        return self.parameters.get("projection.enabled", "").lower() == "true"

    def _date_key(self) -> tuple[str, str, timedelta] | None:
        """(key, strftime format, interval) of a partition-projected date key whose values sort as text."""
        if not self.projected:
            return None
        for key, _ in self.partition_keys:
            if self.parameters.get(f"projection.{key}.type", "").lower() != "date":
                continue
            fmt = self.parameters.get(f"projection.{key}.format", "")
            found = _JAVA_FIELD.findall(fmt)
            if (
                not found
                or found != [f for f in ("yyyy", "MM", "dd", "HH") if f in found]
                or found[0] != "yyyy"
            ):
                continue  # not year first and coarse to fine: its values do not sort as text
            if any(ch not in "/-_ .:" for ch in _JAVA_FIELD.sub("", fmt)):
                continue  # other letters (month names, ...): not a fixed-width format
            unit = self.parameters.get(
                f"projection.{key}.interval.unit", "DAYS" if "HH" not in found else "HOURS"
            )
            step = timedelta(hours=1) if unit.upper().startswith("HOUR") else timedelta(days=1)
            py = _JAVA_FIELD.sub(lambda m: _JAVA_TO_PY[m.group()], fmt.replace("%", "%%"))
            return key, py, step
        return None

    def window_condition(self, start: datetime, end: datetime) -> str | None:
        """A condition on the partition keys that keeps the window's partitions (and those just after it, where
        late files land); None when the table's partitions cannot be told from the window."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        found = self._date_key()
        if found is not None:
            key, py, step = found
            return f"\"{key}\" BETWEEN '{start:{py}}' AND '{(end + step):{py}}'"
        names = [k for k, _ in self.partition_keys]
        if all(k in names for k in _YMD):
            lo, hi = start.strftime("%Y/%m/%d"), (end + timedelta(days=1)).strftime("%Y/%m/%d")
            return f"concat(\"year\", '/', \"month\", '/', \"day\") BETWEEN '{lo}' AND '{hi}'"
        for key, kind in self.partition_keys:
            if kind == "date":
                return (
                    f"\"{key}\" BETWEEN DATE '{start:%Y-%m-%d}' AND DATE '{end + timedelta(days=1):%Y-%m-%d}'"
                )
        return None

    def pushdown_note(self) -> str:
        """What the window does to the partitions, for the pane's details and ``--verbose``-like output."""
        if self.window_condition(datetime.now(UTC), datetime.now(UTC)) is not None:
            return "the window is pushed down to the table's date partitions"
        if self.partition_keys:
            return "the window cannot be pushed down to this table's partitions: every partition is read"
        return "the table is not partitioned: every log file is read"
