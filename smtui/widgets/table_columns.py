"""A table's columns and how they fit a terminal's width, and the ``/`` filter's matcher (no Textual)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len

Cell = tuple[str, str]  # (text, rich style string)
Formatter = Callable[[str, Any], Sequence[Cell]]
#: what the filter matches in a row: one string, or one per cell (each matched on its own)
SearchText = Callable[[str, Any], "str | Sequence[str]"]
SEP = 2  # spaces between columns


@dataclass
class TableColumn:
    key: str
    title: str
    #: fixed width, or None to size from ``measure`` (capped by ``max_width``)
    width: int | None = None
    min_width: int = 4
    max_width: int = 60
    #: cheap width estimate of a raw row's cell (for columns without a fixed width)
    measure: Callable[[Any], int] | None = None
    #: sort value of a raw row for this column (None: not sortable)
    sort_value: Callable[[Any], Any] | None = None
    #: this column takes the width left over (the last flexible column by default)
    expand: bool = False
    #: when the table is too narrow, columns with a higher ``drop`` are hidden first (0: never hidden)
    drop: int = 0
    #: shrunk only after every other column (the column a user reads: the name)
    keep: bool = False
    #: hidden while no row has anything in it (its ``measure`` gave 0 for every row)
    hide_empty: bool = False
    #: hidden while every row has the same value here (``value`` of each row): the account and region of
    #: CloudTrail events, shown once events of more than one arrive
    value: Callable[[Any], str] | None = None


def fit_columns(
    columns: Sequence[TableColumn],
    measured: dict[str, int],
    avail: int,
    nonempty: set[str] | None = None,
    varied: set[str] | None = None,
) -> list[int]:
    """Widths for ``columns`` in ``avail`` cells (0: hidden).

    Each column wants its fixed width or its measured one (within its bounds); a ``hide_empty`` column not in
    ``nonempty`` is hidden, and so is a column with a ``value`` not in ``varied``. What is left over goes to
    the ``expand`` column. When they do not fit: columns with a ``drop`` are tried narrower and then hidden,
    highest ``drop`` first; then the others shrink to their minimum, last first, the ``keep`` columns (what a
    user reads: a name, an event) last of all; what is still too wide scrolls sideways."""

    def want(c: TableColumn) -> int:
        if c.width is not None:
            return max(c.width, cell_len(c.title) + 2)
        return max(c.min_width, min(c.max_width, measured.get(c.key, c.min_width)))

    def floor(c: TableColumn) -> int:
        return want(c) if c.width is not None else max(c.min_width, cell_len(c.title) + 2)

    widths = [
        0
        if (c.hide_empty and c.key not in (nonempty or ()))
        or (c.value is not None and c.key not in (varied or ()))
        else want(c)
        for c in columns
    ]

    def total() -> int:
        shown = [w for w in widths if w]
        return sum(shown) + SEP * max(0, len(shown) - 1)

    def shrink(order: Iterable[int]) -> None:
        for i in order:
            excess = total() - avail
            if excess <= 0:
                return
            give = min(excess, widths[i] - floor(columns[i]))
            if widths[i] and give > 0:
                widths[i] -= give

    if total() > avail:
        for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop):
            shrink([i])
            if total() <= avail:
                break
            widths[i] = 0
        shrink(i for i in reversed(range(len(columns))) if not columns[i].keep)
        shrink(i for i in reversed(range(len(columns))) if columns[i].keep)
    if total() < avail:
        grow = [i for i, c in enumerate(columns) if c.expand and widths[i]]
        last = grow[-1] if grow else max((i for i, w in enumerate(widths) if w), default=None)
        if last is not None:
            widths[last] += avail - total()
    return widths


class FilterError(ValueError):
    """An invalid filter pattern; the message is fit to show."""


def compile_filter(text: str) -> Callable[[tuple[str, ...]], bool] | None:
    """A case-insensitive matcher of a row's cells for ``text``: a substring of any cell, or a regular
    expression (when it has regex syntax) that matches within one cell, so that anchors mean the start and
    end of a cell. Raises :class:`FilterError` for an invalid regex. Empty text gives ``None``."""
    if not text:
        return None
    lowered = text.lower()
    if re.escape(text) == text or not any(c in text for c in ".^$*+?{}[]\\|()"):
        return lambda cells: any(lowered in cell for cell in cells)
    try:
        rx = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise FilterError(f"invalid regular expression: {exc}") from None
    search = rx.search
    return lambda cells: any(search(cell) is not None for cell in cells)
