"""The sandbox's Athena engine: a SELECT run for real by DuckDB over the table's files in the sandbox's S3.

For each table the query reads, the engine takes its files (:mod:`smtui.sandbox.athena_files`) and makes it a
DuckDB view: the JSON records of those files, typed by the Glue columns
(:func:`~smtui.sandbox.athena_sql.duckdb_type`), with the partition keys as columns. Partitions are pruned as
Athena prunes them: the query's top-level conditions that name only partition keys are evaluated over the
partitions first, and only the files of those that pass are read. The bytes of the files read are the query's
``DataScannedInBytes``. The query sees the tables' files and nothing else of this machine (DuckDB's access to
files is limited to the engine's copies, and locked).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any

from smtui.sandbox import athena_sql
from smtui.sandbox.athena_files import (
    _MAX_OBJECT,
    Caller,
    QueryError,
    TableFiles,
    cache_root,
    local_copy,
    table_files,
)

__all__ = ["Caller", "QueryError", "Result", "Run", "csv_text"]

_MISSING_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')


# ---------------------------------------------------------------------------------------------- the views
def _view_sql(t: TableFiles, paths: list[tuple[str, dict[str, str]]]) -> str:
    q = athena_sql.quote
    types = [(athena_sql.column_spelling(n), athena_sql.duckdb_type(ty, parent=n)) for n, ty in t.columns]
    cols = ", ".join(f"x.{q(spelt)} AS {q(n)}" for (n, _), (spelt, _) in zip(t.columns, types, strict=True))
    target = f"{q(t.database)}.{q(t.name)}"
    if not paths:
        fields = ", ".join(
            f"CAST(NULL AS {ty}) AS {q(n)}" for (n, _), (_, ty) in zip(t.columns, types, strict=True)
        )
        nulls = "".join(f", CAST(NULL AS VARCHAR) AS {q(k)}" for k in t.partition_keys)
        return f"CREATE OR REPLACE VIEW {target} AS SELECT {fields}{nulls} WHERE false"
    files = "[" + ", ".join(athena_sql.sql_str(p) for p, _ in paths) + "]"
    columns = (
        "{" + ", ".join(f"{athena_sql.sql_str(spelt)}: {athena_sql.sql_str(ty)}" for spelt, ty in types) + "}"
    )
    read = (
        f"read_json({files}, columns={columns}, filename=true, ignore_errors=true, format='newline_delimited', "
        f"maximum_object_size={_MAX_OBJECT})"
    )
    if t.partition_keys:
        parts = ", ".join(f"p.{q(k)}" for k in t.partition_keys)
        join = f"JOIN __parts_{_ident(t)} p ON p.filename = x.filename"
        return f"CREATE OR REPLACE VIEW {target} AS SELECT {cols}, {parts} FROM {read} x {join}"
    return f"CREATE OR REPLACE VIEW {target} AS SELECT {cols} FROM {read} x"


def _ident(t: TableFiles) -> str:
    return hashlib.sha256(f"{t.database}.{t.name}".encode()).hexdigest()[:12]


@dataclass
class Result:
    columns: list[tuple[str, str]]  # (name, Athena type)
    rows: list[list[str | None]]
    scanned: int


class Run:
    """One query on its own DuckDB connection; :meth:`interrupt` stops it from another thread."""

    def __init__(self) -> None:
        self._con: Any = None
        self.scanned = 0
        self.interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True
        con = self._con
        if con is not None:
            con.interrupt()

    def execute(self, sql: str, *, caller: Caller, region: str, database: str) -> Result:
        try:
            import duckdb
        except ImportError as exc:  # pragma: no cover - duckdb comes with the demo and test extras
            raise QueryError(
                "the sandbox's Athena needs DuckDB: pip install 'smtui[demo]'", category=1, error_type=100
            ) from exc
        try:
            toks = athena_sql.tokens(sql)
        except ValueError as exc:
            raise QueryError(f"SYNTAX_ERROR: {exc}") from exc
        if any(t.text == ";" for t in toks[:-1]):
            raise QueryError("Only one sql statement is allowed")
        if toks and athena_sql.kw(toks[0], *_NOT_SUPPORTED):
            raise QueryError(
                "NOT_SUPPORTED: the sandbox's Athena runs SELECT queries (make tables with glue:CreateTable)"
            )
        refs = athena_sql.table_refs(toks)
        con = duckdb.connect(config={"threads": 2})
        self._con = con
        try:
            con.execute("SET TimeZone = 'UTC'")
            for macro in athena_sql.MACROS:
                con.execute(macro)
            tables: dict[tuple[str, str], TableFiles] = {}
            for db, name in refs:
                ref = (db or database, name)
                if ref not in tables:
                    tables[ref] = table_files(caller, region, ref[0], ref[1])
            prune = len(refs) == 1 and not any(athena_sql.kw(t, "JOIN") for t in toks)
            for (db, _name), t in tables.items():
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {athena_sql.quote(db)}")
                files = t.files
                if t.partition_keys:
                    files = self._prune(con, t, toks if prune else [])
                paths = []
                for bucket, key, size, values in files:
                    if self.interrupted:
                        raise QueryError("Query cancelled", category=3, error_type=209)
                    paths.append((local_copy(caller, bucket, key), values))
                    self.scanned += size
                if t.partition_keys:
                    self._parts_table(con, t, paths)
                con.execute(_view_sql(t, paths))
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {athena_sql.quote(database)}")
            con.execute(f"SET schema = {athena_sql.sql_str(database)}")
            # the query reads the tables' files and nothing else of this machine
            con.execute(f"SET allowed_directories = [{athena_sql.sql_str(cache_root() + os.sep)}]")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            try:
                cur = con.execute(sql)
                rows = cur.fetchall()
            except duckdb.InterruptException as exc:
                raise QueryError("Query cancelled", category=3, error_type=209) from exc
            except duckdb.ParserException as exc:
                raise QueryError(f"SYNTAX_ERROR: {_first_line(exc)}") from exc
            except duckdb.CatalogException as exc:
                raise QueryError(f"COLUMN_NOT_FOUND: {_first_line(exc)}") from exc
            except duckdb.BinderException as exc:
                missing = _MISSING_COLUMN.search(str(exc))
                if missing is None:
                    raise QueryError(f"GENERIC_USER_ERROR: {_first_line(exc)}") from exc
                raise QueryError(
                    f"COLUMN_NOT_FOUND: Column '{missing[1]}' cannot be resolved or requester is not "
                    "authorized to access requested resources"
                ) from exc
            except duckdb.Error as exc:
                raise QueryError(f"GENERIC_USER_ERROR: {_first_line(exc)}") from exc
            columns = [
                (_column_name(str(d[0]), i), athena_sql.athena_type(str(d[1])))
                for i, d in enumerate(cur.description or ())
            ]
            out = [[athena_sql.athena_text(v) for v in row] for row in rows]
            return Result(columns, out, self.scanned)
        finally:
            self._con = None
            con.close()

    def _prune(
        self, con: Any, t: TableFiles, toks: list[athena_sql.Token]
    ) -> list[tuple[str, str, int, dict[str, str]]]:
        keys = set(t.partition_keys)
        conds = (
            [c for c in athena_sql.where_conjuncts(toks) if athena_sql.only_names(c, keys)] if toks else []
        )
        if not conds or not t.files:
            return t.files
        name = f"__prune_{_ident(t)}"
        _values_table(
            con,
            name,
            ["__i", *t.partition_keys],
            [[str(i), *[v.get(k) for k in t.partition_keys]] for i, (_b, _k, _s, v) in enumerate(t.files)],
        )
        where = " AND ".join(f"({athena_sql.text_of(c)})" for c in conds)
        try:
            keep = {int(row[0]) for row in con.execute(f"SELECT __i FROM {name} WHERE {where}").fetchall()}
        except Exception:
            return t.files  # a condition the partitions alone cannot answer: read them all
        return [f for i, f in enumerate(t.files) if i in keep]

    def _parts_table(self, con: Any, t: TableFiles, paths: list[tuple[str, dict[str, str]]]) -> None:
        name = f"__parts_{_ident(t)}"
        _values_table(
            con,
            name,
            ["filename", *t.partition_keys],
            [[p, *[v.get(k) for k in t.partition_keys]] for p, v in paths],
        )


def _values_table(con: Any, name: str, columns: list[str], rows: list[list[str | None]]) -> None:
    """A temporary table of VARCHAR columns holding ``rows`` (one statement: DuckDB's executemany is slow)."""
    cols = ", ".join(athena_sql.quote(c) + " VARCHAR" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({cols})")
    for i in range(0, len(rows), 5000):
        values = ", ".join(
            "(" + ", ".join("NULL" if v is None else athena_sql.sql_str(v) for v in row) + ")"
            for row in rows[i : i + 5000]
        )
        if values:
            con.execute(f"INSERT INTO {name} VALUES {values}")


_NOT_SUPPORTED = (
    "CREATE",
    "ALTER",
    "DROP",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "MSCK",
    "SHOW",
    "DESCRIBE",
    "UNLOAD",
    "VACUUM",
    "OPTIMIZE",
    "COPY",
    "ATTACH",
    "INSTALL",
    "LOAD",
    "SET",
    "PRAGMA",
    "EXPORT",
)


def _column_name(name: str, i: int) -> str:
    """Athena names a column by its alias or the row field it reads, else ``_col<N>``."""
    low = name.lower()
    return low if re.fullmatch(r"[a-z_$][a-z0-9_$]*", low) else f"_col{i}"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def csv_text(result: Result) -> bytes:
    """The result as Athena writes it to the output location: a header, every value double-quoted."""

    def q(v: str | None) -> str:
        return "" if v is None else '"' + v.replace('"', '""') + '"'

    lines = [",".join(q(n) for n, _ in result.columns)]
    lines.extend(",".join(q(v) for v in row) for row in result.rows)
    return ("\n".join(lines) + "\n").encode()
