"""A table's rows: raw rows by key, their sort order and the filtered view, and the column measures, in plain
lists and dicts (no Textual). Sorting and filtering are list operations on keys; updates go in place by key;
each row has a version, bumped by every update, that the widget's caches key on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.cells import cell_len

from smtui.widgets.table_columns import SearchText, TableColumn, compile_filter

Matcher = Callable[[tuple[str, ...]], bool]


def _sort_fn(
    columns: Sequence[TableColumn], sort_key: str | None, reverse: bool
) -> Callable[[Any], Any] | None:
    """A raw row -> a plain sort value (numbers or strings; missing values last in either direction)."""
    column = next((c for c in columns if c.key == sort_key), None)
    if column is None or column.sort_value is None:
        return None
    sort_value = column.sort_value

    def keyed(raw: Any) -> Any:
        v = sort_value(raw)
        if v is None:
            return (0, 0) if reverse else (1, 0)
        if hasattr(v, "timestamp"):
            v = v.timestamp()
        return (1, v) if reverse else (0, v)

    return keyed


class TableRows:
    """The rows of a table, sorted and filtered without layout work."""

    def __init__(self, columns: list[TableColumn], search_text: SearchText) -> None:
        self.columns = columns
        self.search_text = search_text
        self.raw: dict[str, Any] = {}
        self.version: dict[str, int] = {}
        self.search: dict[str, tuple[str, ...]] = {}
        self.measured: dict[str, int] = self._title_widths()
        #: the columns some row has something in (``measure`` gave more than 0)
        self.nonempty: set[str] = set()
        #: the columns with a ``value`` whose rows do not all have the same one, and the first value seen
        self.varied: set[str] = set()
        self._first_value: dict[str, str] = {}
        self.order: list[str] = []  # every key, in sort order
        self.sort_values: dict[str, Any] = {}
        self.order_dirty = False
        self.view: list[str] = []  # keys shown (filtered), in sort order
        self.view_dirty = False
        self._position: dict[str, int] | None = None
        self.matcher: Matcher | None = None
        self.filter_text = ""
        self.sort_key: str | None = None
        self.sort_reverse = False

    def _title_widths(self) -> dict[str, int]:
        return {c.key: cell_len(c.title) + 2 for c in self.columns}

    def __len__(self) -> int:
        return len(self.raw)

    # ------------------------------------------------------------------ changes
    def upsert(self, rows: Iterable[tuple[str, Any]]) -> tuple[int, bool]:
        """Add rows or replace them in place by key: how many were new, and whether a column got wider."""
        raw, version, search = self.raw, self.version, self.search
        search_text = self.search_text
        measures = [(c.key, c.measure) for c in self.columns if c.width is None and c.measure is not None]
        values = [(c.key, c.value) for c in self.columns if c.value is not None and c.key not in self.varied]
        first = self._first_value
        measured = self.measured
        sort_value = _sort_fn(self.columns, self.sort_key, self.sort_reverse)
        sort_values = self.sort_values
        new = 0
        reorder = refilter = widened = False
        for key, value in rows:
            if key not in raw:
                new += 1
                self.order.append(key)
                version[key] = 0
                if sort_value is not None:
                    sort_values[key] = sort_value(value)
            else:
                version[key] += 1
                if sort_value is not None:
                    v = sort_value(value)
                    if v != sort_values.get(key):
                        sort_values[key] = v
                        reorder = True
            raw[key] = value
            found = search_text(key, value)
            text = (found,) if isinstance(found, str) else tuple(found)
            if search.get(key) != text:
                search[key] = text
                refilter = True
            for col_key, measure in measures:
                w = measure(value)
                if w > 0 and col_key not in self.nonempty:
                    self.nonempty.add(col_key)
                    widened = True
                if w > measured[col_key]:
                    measured[col_key] = w
                    widened = True
            for col_key, value_of in values:
                v = value_of(value)
                if first.setdefault(col_key, v) != v and col_key not in self.varied:
                    self.varied.add(col_key)
                    widened = True
        if new or reorder:
            self.order_dirty = True
        if new or reorder or (refilter and self.matcher is not None):
            self.view_dirty = True
        return new, widened

    def remove(self, keys: Iterable[str]) -> set[str]:
        """Remove rows by key; returns the keys that were there."""
        gone = {k for k in keys if k in self.raw}
        for key in gone:
            del self.raw[key]
            self.version.pop(key, None)
            self.search.pop(key, None)
            self.sort_values.pop(key, None)
        if gone:
            self.order = [k for k in self.order if k not in gone]
            self.view_dirty = True
        return gone

    def clear(self) -> None:
        self.raw.clear()
        self.version.clear()
        self.search.clear()
        self.sort_values.clear()
        self.order = []
        self.view = []
        self._position = None
        self.measured = self._title_widths()
        self.nonempty = set()
        self.varied = set()
        self._first_value = {}
        self.view_dirty = False

    def measure_all(self) -> None:
        """Measure every row again (the owner changed what its cells hold)."""
        measured = self._title_widths()
        self.nonempty = set()
        for c in self.columns:
            if c.width is None and c.measure is not None:
                widths = [c.measure(v) for v in self.raw.values()]
                measured[c.key] = max([measured[c.key], *widths])
                if any(w > 0 for w in widths):
                    self.nonempty.add(c.key)
        self.varied = set()
        self._first_value = {}
        for c in self.columns:
            if c.value is not None:
                seen = {c.value(v) for v in self.raw.values()}
                if len(seen) > 1:
                    self.varied.add(c.key)
                elif seen:
                    self._first_value[c.key] = next(iter(seen))
        self.measured = measured

    # ------------------------------------------------------------------ filter and sort
    def set_filter(self, text: str) -> None:
        """Raises :class:`~smtui.widgets.table_columns.FilterError` for an invalid regex (nothing changes)."""
        self.matcher = compile_filter(text)
        self.filter_text = text
        self.view_dirty = True

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        self.sort_key = key
        self.sort_reverse = reverse
        fn = _sort_fn(self.columns, key, reverse)
        self.sort_values = {k: fn(v) for k, v in self.raw.items()} if fn is not None else {}
        self.order_dirty = True
        self.view_dirty = True

    def ensure_order(self) -> None:
        if not self.order_dirty:
            return
        self.order_dirty = False
        if _sort_fn(self.columns, self.sort_key, self.sort_reverse) is None:
            return  # arrival order (the server's sort)
        self.order.sort(key=self.sort_values.__getitem__, reverse=self.sort_reverse)

    def ensure_view(self) -> bool:
        """Bring the filtered view up to date; True when it was rebuilt."""
        if not self.view_dirty and not self.order_dirty:
            return False
        self.ensure_order()
        self.view_dirty = False
        matcher = self.matcher
        if matcher is None:
            self.view = self.order
        else:
            search = self.search
            self.view = [k for k in self.order if matcher(search[k])]
        self._position = None
        return True

    def index_of(self, key: str) -> int | None:
        """``key``'s position in the view (``None``: not shown)."""
        if self._position is None:
            self._position = {k: i for i, k in enumerate(self.view)}
        return self._position.get(key)
