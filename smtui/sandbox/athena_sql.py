"""The thin layer between Athena's SQL (Trino) and the embedded engine (DuckDB) of the sandbox's Athena.

DuckDB reads Trino's queries as they are for everything smtui sends (dotted row fields, ``IN``, ``BETWEEN``,
``ORDER BY ... LIMIT``, string literals); what differs is covered here:

- :data:`MACROS`: the Trino functions DuckDB lacks, defined under their Trino names and semantics
  (``json_extract_scalar`` is NULL for an object or array and for text that is not JSON;
  ``from_iso8601_timestamp``; ``json_format``; ``json_parse``; ``from_unixtime``; ``to_unixtime``);
- :func:`duckdb_type`: a Glue (Hive) column type as a DuckDB type, its fields spelt as CloudTrail spells the
  record's keys (DuckDB matches JSON keys case-sensitively; Athena's JSON SerDe does not, and Glue keeps
  names in lower case);
- :func:`table_refs` and :func:`where_conjuncts`: the tables a query reads, and the top-level conditions of a
  one-table query, so that the engine can prune partitions with the conditions on partition keys only, as
  Athena does, and count the bytes of the files it read;
- :func:`athena_text` and :func:`athena_type`: values and types as GetQueryResults prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

MACROS = (
    "CREATE OR REPLACE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(TRY_CAST(j AS JSON), p) "
    "IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(TRY_CAST(j AS JSON), p) END",
    "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
    "CREATE OR REPLACE MACRO json_format(j) AS CAST(CAST(j AS JSON) AS VARCHAR)",
    "CREATE OR REPLACE MACRO json_parse(s) AS CAST(s AS JSON)",
    "CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(x)",
    "CREATE OR REPLACE MACRO to_unixtime(t) AS epoch(t)",
)

#: CloudTrail's spelling of the record's keys, by the lower-case name Glue keeps.
SPELLING = {
    k.lower(): k
    for k in (
        "eventVersion userIdentity type principalId arn accountId invokedBy accessKeyId userName onBehalfOf userId "
        "identityStoreArn sessionContext attributes mfaAuthenticated creationDate sessionIssuer ec2RoleDelivery "
        "webIdFederationData federatedProvider sourceIdentity eventTime eventSource eventName awsRegion "
        "sourceIPAddress userAgent errorCode errorMessage requestParameters responseElements additionalEventData "
        "requestID eventID readOnly resources eventType apiVersion managementEvent recipientAccountId "
        "serviceEventDetails sharedEventID vpcEndpointId vpcEndpointAccountId eventCategory addendum reason "
        "updatedFields originalRequestID originalEventID sessionCredentialFromConsole edgeDeviceDetails "
        "tlsDetails tlsVersion cipherSuite clientProvidedHostHeader insightDetails"
    ).split()
}
#: inside ``resources``, the record spells the ARN in capitals
RESOURCE_SPELLING = {"arn": "ARN"}
_PRIMITIVES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "boolean": "BOOLEAN",
    "double": "DOUBLE",
    "float": "FLOAT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
}


class TypeError_(ValueError):
    """A Glue column type the engine cannot read."""


def _split_top(body: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_str(value: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def duckdb_type(hive: str, *, parent: str = "") -> str:
    """``struct<type:string,arn:string>`` -> ``STRUCT("type" VARCHAR, "arn" VARCHAR)``, field names spelt as
    the JSON has them (see :data:`SPELLING`)."""
    t = hive.strip()
    low = t.lower()
    if low.startswith("struct<") and t.endswith(">"):
        fields = []
        for part in _split_top(t[7:-1]):
            name, sep, sub = part.partition(":")
            if not sep:
                raise TypeError_(f"cannot read struct field {part!r}")
            key = name.strip().strip("`").lower()
            spelt = (RESOURCE_SPELLING.get(key) if parent == "resources" else None) or SPELLING.get(key, key)
            fields.append(f"{quote(spelt)} {duckdb_type(sub, parent=key)}")
        return f"STRUCT({', '.join(fields)})"
    if low.startswith("array<") and t.endswith(">"):
        return duckdb_type(t[6:-1], parent=parent) + "[]"
    if low.startswith("map<") and t.endswith(">"):
        kv = _split_top(t[4:-1])
        if len(kv) != 2:
            raise TypeError_(f"cannot read map type {hive!r}")
        return f"MAP({duckdb_type(kv[0])}, {duckdb_type(kv[1])})"
    base = re.sub(r"\(.*\)$", "", low)
    if base == "decimal":
        return t.upper()
    if base in _PRIMITIVES:
        return _PRIMITIVES[base]
    raise TypeError_(f"unsupported column type {hive!r}")


def column_spelling(name: str) -> str:
    return SPELLING.get(name.lower(), name)


# ---------------------------------------------------------------------------------------------- tokens
_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>--[^\n]*|/\*.*?\*/)|(?P<str>'(?:[^']|'')*')|(?P<qid>"(?:[^"]|"")*")"""
    r"""|(?P<bq>`[^`]*`)|(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)"""
    r"""|(?P<op><=|>=|<>|!=|\|\||->|[(),.;=<>+\-*/%\[\]:])|(?P<other>.)""",
    re.S,
)


@dataclass(frozen=True)
class Token:
    kind: str  # ws comment str qid bq num word op other
    text: str

    @property
    def name(self) -> str | None:
        """The identifier this token names (lower case), or None."""
        if self.kind == "word":
            return self.text.lower()
        if self.kind == "qid":
            return self.text[1:-1].replace('""', '"').lower()
        if self.kind == "bq":
            return self.text[1:-1].lower()
        return None


def tokens(sql: str) -> list[Token]:
    """The query's tokens without whitespace and comments. An unterminated string is a syntax error."""
    out = []
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and m.group() in "'\"":
            raise ValueError(
                f"unterminated {'string' if m.group() == chr(39) else 'identifier'} in the query"
            )
        out.append(Token(kind, m.group()))
    return out


def kw(tok: Token, *words: str) -> bool:
    return tok.kind == "word" and tok.text.upper() in words


def table_refs(toks: list[Token]) -> list[tuple[str | None, str]]:
    """(database or None, table) for every table after FROM or JOIN that is not a CTE's name."""
    ctes = set()
    for i, t in enumerate(toks[:-1]):
        if t.name and kw(toks[i + 1], "AS") and i + 2 < len(toks) and toks[i + 2].text == "(":
            if i > 0 and (kw(toks[i - 1], "WITH") or toks[i - 1].text == ","):
                ctes.add(t.name)
    refs: list[tuple[str | None, str]] = []
    for i, t in enumerate(toks):
        if not (kw(t, "FROM", "JOIN")) or i + 1 >= len(toks):
            continue
        j = i + 1
        names = []
        while j < len(toks) and toks[j].name is not None and not kw(toks[j], "SELECT", "UNNEST", "LATERAL"):
            names.append(toks[j].name)
            if j + 1 < len(toks) and toks[j + 1].text == ".":
                j += 2
                continue
            break
        if not names:
            continue
        table = names[-1]
        database = names[-2] if len(names) >= 2 else None
        if database is None and table in ctes:
            continue
        if table is not None:
            refs.append((database, table))
    return refs


_END_OF_WHERE = (
    "GROUP",
    "ORDER",
    "LIMIT",
    "HAVING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "WINDOW",
    "OFFSET",
    "FETCH",
)


def where_conjuncts(toks: list[Token]) -> list[list[Token]]:
    """The top-level AND-ed conditions of the outermost WHERE (``BETWEEN a AND b`` kept whole)."""
    depth = 0
    start = None
    for i, t in enumerate(toks):
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth -= 1
        elif depth == 0 and kw(t, "WHERE"):
            start = i + 1
            break
    if start is None:
        return []
    out: list[list[Token]] = []
    cur: list[Token] = []
    depth = 0
    between = False
    for t in toks[start:]:
        if t.text in "([":
            depth += 1
        elif t.text in ")]":
            depth -= 1
            if depth < 0:
                break
        if depth == 0 and (kw(t, *_END_OF_WHERE) or t.text == ";"):
            break
        if depth == 0 and kw(t, "BETWEEN"):
            between = True
        elif depth == 0 and kw(t, "AND"):
            if between:
                between = False
            else:
                out.append(cur)
                cur = []
                continue
        cur.append(t)
    if cur:
        out.append(cur)
    return out


_KEYWORDS = frozenset(
    (
        "AND OR NOT IN IS NULL BETWEEN LIKE ESCAPE TRUE FALSE CAST TRY_CAST AS DATE TIMESTAMP TIME VARCHAR CHAR "
        "INTEGER INT BIGINT DOUBLE REAL BOOLEAN INTERVAL DAY DAYS HOUR MINUTE SECOND MONTH YEAR CASE WHEN THEN "
        "ELSE END ARRAY ROW JSON CURRENT_DATE CURRENT_TIMESTAMP LOCALTIMESTAMP ZONE WITH AT DISTINCT FROM"
    ).split()
)


def only_names(conjunct: list[Token], allowed: set[str]) -> bool:
    """True when every column the condition names is in ``allowed`` (function names and keywords aside)."""
    for i, t in enumerate(conjunct):
        name = t.name
        if name is None:
            continue
        if t.kind == "word" and t.text.upper() in _KEYWORDS:
            continue
        if i + 1 < len(conjunct) and conjunct[i + 1].text == "(" and t.kind == "word":
            continue  # a function
        if i > 0 and conjunct[i - 1].text == ".":
            return False  # a row field
        if name not in allowed:
            return False
    return True


def text_of(toks: list[Token]) -> str:
    return " ".join(t.text for t in toks)


# ---------------------------------------------------------------------------------------------- results
def athena_text(value: Any, *, top: bool = True) -> str | None:
    """A value as GetQueryResults prints it: rows ``{k=v, ...}``, arrays ``[a, b]``, maps ``{k=v}``,
    timestamps ``YYYY-MM-DD HH:MM:SS.mmm``; None (no ``VarCharValue``) for NULL at the top."""
    if value is None:
        return None if top else "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        return text + (" UTC" if value.tzinfo is not None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{str(k).lower()}={athena_text(v, top=False)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(athena_text(v, top=False)) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def athena_type(duck: str) -> str:
    """A DuckDB result type as Athena's ColumnInfo names it."""
    t = duck.upper()
    if t.startswith("STRUCT"):
        return "row"
    if t.endswith("[]") or t.startswith("LIST"):
        return "array"
    if t.startswith("MAP"):
        return "map"
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return "timestamp with time zone"
    if t.startswith("DECIMAL"):
        return "decimal"
    return {
        "VARCHAR": "varchar",
        "INTEGER": "integer",
        "BIGINT": "bigint",
        "HUGEINT": "bigint",
        "SMALLINT": "smallint",
        "TINYINT": "tinyint",
        "BOOLEAN": "boolean",
        "DOUBLE": "double",
        "FLOAT": "float",
        "DATE": "date",
        "TIMESTAMP": "timestamp",
        "JSON": "json",
    }.get(t, t.lower())
