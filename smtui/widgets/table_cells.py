"""How a table row is drawn: each cell cut or padded to its column's width, styled, two spaces apart."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from smtui.widgets.table_columns import SEP, Cell, TableColumn


@lru_cache(maxsize=256)
def cell_style(spec: str) -> Style:
    """A cell's rich style string, parsed once."""
    return Style.parse(spec) if spec else Style()


def header_cells(columns: Sequence[TableColumn], sort_key: str | None, reverse: bool) -> list[Cell]:
    """The column titles, the sorted one marked ▲ (ascending) or ▼."""
    return [(c.title + ((" ▼" if reverse else " ▲") if c.key == sort_key else ""), "") for c in columns]


def row_segments(
    cells: Sequence[Cell], widths: list[int], base: Style, override: Style | None
) -> list[Segment]:
    """The segments of one row: a column of width 0 is hidden (the table is too narrow for it); a cell
    longer than its column ends in an ellipsis."""
    segments: list[Segment] = []
    sep = Segment(" " * SEP, base)
    last = max((i for i, w in enumerate(widths) if w), default=-1)
    for i, width in enumerate(widths):
        if not width:
            continue
        text, spec = cells[i] if i < len(cells) else ("", "")
        if cell_len(text) > width:
            text = set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
        else:
            text = set_cell_size(text, width)
        style = base + cell_style(spec)
        if override is not None:
            style = style + override
        segments.append(Segment(text, style))
        if i != last:
            segments.append(sep)
    return segments
