"""A virtualised table: a ScrollView that renders only the rows on screen.

Textual's DataTable lays out every row it holds (about 3 s for 10,000 rows here). This table keeps
plain Python structures instead: a dict of raw rows by key, a sorted list of keys and a filtered
view of it, and formats a row (through the owner's ``formatter``) only when it is drawn, like
Textualize/toolong's LogLines. Sorting and filtering are list operations on keys; updates go in
place by key. Column widths come from cheap per-row measures tracked as rows arrive.

Cells are ``(text, style)`` pairs; the text must already be cleaned of control sequences (the
formatter does that) and is never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

Cell = tuple[str, str]  # (text, rich style string)
Formatter = Callable[[str, Any], Sequence[Cell]]
_SEP = 2  # spaces between columns


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
    #: when the table is too narrow, columns with ``drop`` > 0 are hidden, highest first
    drop: int = 0
    #: hide this column while no row has anything in it (its ``measure`` gave 0 for every row)
    hide_empty: bool = False


@lru_cache(maxsize=256)
def _style(spec: str) -> Style:
    return Style.parse(spec) if spec else Style()


class FilterError(ValueError):
    """An invalid filter pattern; the message is fit to show."""


def compile_filter(text: str) -> Callable[[str], bool] | None:
    """A case-insensitive matcher for ``text``: substring, or a regular expression when it has
    regex syntax. Raises :class:`FilterError` for an invalid regex. Empty text gives ``None``."""
    if not text:
        return None
    lowered = text.lower()
    if re.escape(text) == text or not any(c in text for c in ".^$*+?{}[]\\|()"):
        return lambda hay: lowered in hay
    try:
        rx = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise FilterError(f"invalid regular expression: {exc}") from None
    search = rx.search
    return lambda hay: search(hay) is not None


class ResourceTable(ScrollView, can_focus=True):
    """Rows by key, sorted and filtered without layout work; only visible lines are rendered."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--sorted",
    }
    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    ResourceTable > .resource-table--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    ResourceTable > .resource-table--sorted {
        text-style: bold underline;
        color: $text-accent;
        background: $panel;
    }
    ResourceTable > .resource-table--cursor {
        background: $block-cursor-blurred-background;
    }
    ResourceTable:focus > .resource-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="table.page-up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="table.page-down"),
        Binding("home,g", "top", "First row", show=False, id="table.top"),
        Binding("end,G", "bottom", "Last row", show=False, id="table.bottom"),
        Binding("enter", "select", "Open", id="table.open"),
    ]

    cursor_index: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> ResourceTable:
            return self.table

    class ViewChanged(Message):
        """The rows on screen may have changed (scroll, resize, filter, sort, data)."""

        def __init__(self, table: ResourceTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> ResourceTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ResourceTable.ViewChanged) and message.table is self.table

    def __init__(
        self,
        columns: Sequence[TableColumn],
        formatter: Formatter,
        *,
        search_text: Callable[[str, Any], str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[TableColumn] = list(columns)
        self.formatter = formatter
        self.search_text = search_text or (lambda key, raw: key.lower())
        self._raw: dict[str, Any] = {}
        self._version: dict[str, int] = {}
        self._search: dict[str, str] = {}
        self._cells: dict[str, tuple[int, int, Sequence[Cell]]] = {}
        self._measured: dict[str, int] = {c.key: cell_len(c.title) + 2 for c in self.columns}
        self._nonempty: set[str] = set()  # columns some row has something in
        self._order: list[str] = []  # every key, in sort order
        self._sort_values: dict[str, Any] = {}
        self._order_dirty = False
        self._view: list[str] = []  # keys shown (filtered), in sort order
        self._view_dirty = False
        self._position: dict[str, int] | None = None
        self._matcher: Callable[[str], bool] | None = None
        self.filter_text = ""
        self.sort_key: str | None = None
        self.sort_reverse = False
        #: bump to re-format every row (relative times); the owner does it on its clock tick
        self.stamp = 0
        self._cursor_key: str | None = None
        self._widths: list[int] = []
        self._widths_for: tuple[int, int] | None = None
        self._view_notice_pending = False
        self._last_signature: tuple[Any, ...] = ()
        self._base_style: Style | None = None
        self._scrollbar_timer: Any = None
        self._lines: dict[tuple[Any, ...], Strip] = {}

    # ------------------------------------------------------------------ data
    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        self._ensure_view()
        return len(self._view)

    def get_raw(self, key: str) -> Any:
        return self._raw.get(key)

    def keys(self) -> list[str]:
        """Every key, shown or not, in sort order."""
        self._ensure_order()
        return list(self._order)

    def visible_rows(self) -> list[str]:
        """Keys of the rows shown, in sort order (after the filter)."""
        self._ensure_view()
        return list(self._view)

    def upsert(self, rows: Iterable[tuple[str, Any]]) -> int:
        """Add rows or replace them in place by key. Returns how many were new."""
        raw, version, search = self._raw, self._version, self._search
        search_text = self.search_text
        measures = [(c.key, c.measure) for c in self.columns if c.width is None and c.measure is not None]
        measured = self._measured
        sort_value = self._sort_fn()
        sort_values = self._sort_values
        new = 0
        reorder = False
        refilter = False
        widened = False
        for key, value in rows:
            old = raw.get(key)
            if old is None:
                new += 1
                self._order.append(key)
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
            text = search_text(key, value)
            if search.get(key) != text:
                search[key] = text
                refilter = True
            for col_key, measure in measures:
                w = measure(value)
                if w > 0 and col_key not in self._nonempty:
                    self._nonempty.add(col_key)
                    widened = True
                if w > measured[col_key]:
                    measured[col_key] = w
                    widened = True
        if new or reorder:
            self._order_dirty = True
        if new or reorder or (refilter and self._matcher is not None):
            self._view_dirty = True
        if widened:
            self._widths_for = None
        self._changed()
        return new

    def remove(self, keys: Iterable[str]) -> None:
        gone = {k for k in keys if k in self._raw}
        if not gone:
            return
        for key in gone:
            del self._raw[key]
            self._version.pop(key, None)
            self._search.pop(key, None)
            self._cells.pop(key, None)
            self._sort_values.pop(key, None)
        self._order = [k for k in self._order if k not in gone]
        self._view_dirty = True
        self._changed()

    def shown_columns(self) -> list[str]:
        """Keys of the columns drawn at the current width (hidden and dropped ones left out)."""
        widths = self._column_widths()
        return [c.key for c, w in zip(self.columns, widths, strict=False) if w]

    def clear(self) -> None:
        self._raw.clear()
        self._version.clear()
        self._search.clear()
        self._cells.clear()
        self._sort_values.clear()
        self._order = []
        self._view = []
        self._position = None
        self._measured = {c.key: cell_len(c.title) + 2 for c in self.columns}
        self._nonempty = set()
        self._widths_for = None
        self._view_dirty = False
        self._changed()

    def relayout(self) -> None:
        """Column widths changed (the owner edited ``columns``): measure again and redraw."""
        self._widths_for = None
        self.stamp += 1
        self._lines.clear()
        self._update_virtual_size()
        self.refresh()

    def touch(self) -> None:
        """Re-format every row on the next draw (relative times moved on)."""
        self.stamp += 1
        self.refresh()

    # ------------------------------------------------------------------ filter and sort
    def set_filter(self, text: str) -> None:
        """Show only rows whose search text matches ``text`` (substring or regex, case-insensitive).

        Raises :class:`FilterError` for an invalid regex and keeps the previous filter."""
        matcher = compile_filter(text)
        self._matcher = matcher
        self.filter_text = text
        self._view_dirty = True
        self._changed()

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        self.sort_key = key
        self.sort_reverse = reverse
        fn = self._sort_fn()
        self._sort_values = {k: fn(v) for k, v in self._raw.items()} if fn is not None else {}
        self._order_dirty = True
        self._view_dirty = True
        self._changed()

    def _sort_fn(self) -> Callable[[Any], Any] | None:
        """A raw row -> a plain sort value (numbers or strings; missing values sort last)."""
        column = next((c for c in self.columns if c.key == self.sort_key), None)
        if column is None or column.sort_value is None:
            return None
        sort_value = column.sort_value
        missing: Any = None
        reverse = self.sort_reverse

        def value(raw: Any) -> Any:
            v = sort_value(raw)
            if v is None:
                return missing
            if hasattr(v, "timestamp"):
                v = v.timestamp()
            return v

        # missing values last in either direction: a sentinel decided on first use
        def keyed(raw: Any) -> Any:
            v = value(raw)
            if v is None:
                return (0, 0) if reverse else (1, 0)
            return (1, v) if reverse else (0, v)

        return keyed

    def _ensure_order(self) -> None:
        if not self._order_dirty:
            return
        self._order_dirty = False
        if self._sort_fn() is None:
            return  # arrival order (the server's sort)
        values = self._sort_values
        self._order.sort(key=values.__getitem__, reverse=self.sort_reverse)

    def _ensure_view(self) -> None:
        if not self._view_dirty and not self._order_dirty:
            return
        self._ensure_order()
        self._view_dirty = False
        matcher = self._matcher
        if matcher is None:
            self._view = self._order
        else:
            search = self._search
            self._view = [k for k in self._order if matcher(search[k])]
        self._position = None
        # keep the cursor on the same row when it is still shown
        key = self._cursor_key
        view = self._view
        if key is not None and not (self.cursor_index < len(view) and view[self.cursor_index] == key):
            try:
                self.set_reactive(ResourceTable.cursor_index, view.index(key))
            except ValueError:
                pass
        self.set_reactive(ResourceTable.cursor_index, max(0, min(self.cursor_index, len(self._view) - 1)))
        self._cursor_key = self._view[self.cursor_index] if self._view else self._cursor_key

    def _index_of(self, key: str) -> int | None:
        if self._position is None:
            self._position = {k: i for i, k in enumerate(self._view)}
        return self._position.get(key)

    def _changed(self) -> None:
        self._ensure_view()
        signature = self._screen_signature()
        previous = self._last_signature
        if signature != previous:
            self._last_signature = signature
            if (
                previous
                and signature[1:] == previous[1:]
                and len(signature[0]) == len(previous[0])
                and all(a[0] == b[0] for a, b in zip(signature[0], previous[0], strict=True))
            ):
                # same rows on screen, some updated in place: repaint only those lines
                for y, (a, b) in enumerate(zip(signature[0], previous[0], strict=True), start=1):
                    if a != b:
                        self.refresh_line(int(self.scroll_offset.y) + y)
            else:
                self.refresh()  # a repaint of this widget, no layout
        self._update_virtual_size()
        self._notice_view()

    def _screen_signature(self) -> tuple[Any, ...]:
        """What the visible lines depend on; rows arriving off screen leave it unchanged."""
        start = int(self.scroll_y)
        keys = self._view[start : start + self._page_rows + 1]
        version = self._version
        return (
            tuple((k, version.get(k)) for k in keys),
            self.cursor_index,
            self.sort_key,
            self.sort_reverse,
            self.stamp,
            tuple(self._widths),
            self._matcher,
            len(self._view) <= start + self._page_rows,
        )

    def _notice_view(self) -> None:
        if not self._view_notice_pending and self.is_mounted:
            self._view_notice_pending = True
            self.call_after_refresh(self._post_view_changed)

    def _post_view_changed(self) -> None:
        self._view_notice_pending = False
        self.post_message(self.ViewChanged(self))

    def _update_virtual_size(self) -> None:
        self._ensure_view()
        widths = [w for w in self._column_widths() if w]
        size = Size(sum(widths) + _SEP * max(0, len(widths) - 1), len(self._view) + 1)
        old = self.virtual_size
        if size == old:
            return
        if self.is_mounted and old.width == size.width and old.height:
            # Setting the reactive asks the whole screen for a layout (~30 ms with a full screen, once
            # per page while 100 pages stream in). Only the scrollbar depends on the height: update
            # it in place, and lay out only when a scrollbar appears or goes.
            # The scrollbar repaint itself costs a full frame here: at most twice a second.
            self.set_reactive(Widget.virtual_size, size)
            if self._scrollbar_timer is None:
                self._scrollbar_timer = self.set_timer(0.5, self._update_scrollbar)
        else:
            self.virtual_size = size

    def _update_scrollbar(self) -> None:
        self._scrollbar_timer = None
        shown = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        self._scroll_update(self.virtual_size)
        if (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != shown:
            self.refresh(layout=True)

    # ------------------------------------------------------------------ cursor
    @property
    def cursor_key(self) -> str | None:
        self._ensure_view()
        if not self._view:
            return None
        return self._view[min(self.cursor_index, len(self._view) - 1)]

    def move_to(self, key: str) -> bool:
        """Put the cursor on ``key`` (when shown) and scroll it into view."""
        self._ensure_view()
        idx = self._index_of(key)
        if idx is None:
            return False
        self.cursor_index = idx
        return True

    def validate_cursor_index(self, value: int) -> int:
        n = len(self._view)
        return max(0, min(value, n - 1)) if n else 0

    def watch_cursor_index(self, old: int, new: int) -> None:
        self._ensure_view()
        self._update_virtual_size()  # scroll limits must be current before scrolling
        if self._view:
            self._cursor_key = self._view[new]
        self._scroll_cursor_into_view()
        self.refresh()

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        y = int(self.scroll_y)
        rows = self._page_rows
        i = self.cursor_index
        if i < y:
            self.scroll_to(y=i, animate=False, immediate=True)
        elif i >= y + rows:
            self.scroll_to(y=i - rows + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor_index = self.cursor_index + delta

    def action_page(self, direction: int) -> None:
        self.cursor_index = self.cursor_index + direction * self._page_rows

    def action_top(self) -> None:
        self.cursor_index = 0

    def action_bottom(self) -> None:
        self.cursor_index = len(self._view) - 1

    def action_select(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        idx = int(self.scroll_y) + offset.y - 1
        if 0 <= idx < len(self._view):
            self.cursor_index = idx
            if event.chain >= 2:
                self.action_select()

    def notify_style_update(self) -> None:
        self._base_style = None
        self._lines.clear()
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        self._widths_for = None
        self._update_virtual_size()
        self._notice_view()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._notice_view()

    def on_screen_resume(self) -> None:
        self._notice_view()

    def visible_keys(self) -> list[str]:
        """Keys of the rows currently on screen."""
        self._ensure_view()
        start = int(self.scroll_y)
        return self._view[start : start + self._page_rows]

    # ------------------------------------------------------------------ rendering
    def _column_widths(self) -> list[int]:
        avail = self.scrollable_content_region.width if self.is_mounted else 120
        signature = (avail, len(self.columns))
        if self._widths_for == signature and self._widths:
            return self._widths
        widths = []
        for c in self.columns:
            if c.hide_empty and c.key not in self._nonempty:
                widths.append(0)
            elif c.width is not None:
                widths.append(max(c.width, cell_len(c.title) + 2))
            else:
                widths.append(max(c.min_width, min(c.max_width, self._measured.get(c.key, c.min_width))))

        def total_width() -> int:
            shown = [w for w in widths if w]
            return sum(shown) + _SEP * max(0, len(shown) - 1)

        total = total_width()
        # too narrow: hide the low-value columns (highest ``drop`` first) before cutting the others
        for i in sorted(
            (i for i, c in enumerate(self.columns) if c.drop), key=lambda i: -self.columns[i].drop
        ):
            if total <= avail:
                break
            if widths[i]:
                widths[i] = 0
                total = total_width()
        expand = [i for i, c in enumerate(self.columns) if c.expand and widths[i]] or [
            max(i for i, w in enumerate(widths) if w) if any(widths) else len(self.columns) - 1
        ]
        if total < avail:
            widths[expand[-1]] += avail - total
        else:
            # shrink flexible columns (last first) down to their minimum before scrolling sideways
            excess = total - avail
            for i in reversed(range(len(self.columns))):
                c = self.columns[i]
                if c.width is not None or excess <= 0 or not widths[i]:
                    continue
                give = min(excess, widths[i] - max(c.min_width, cell_len(c.title) + 2))
                if give > 0:
                    widths[i] -= give
                    excess -= give
        self._widths = widths
        self._widths_for = signature
        return widths

    def _row_cells(self, key: str) -> Sequence[Cell]:
        version = self._version.get(key, 0)
        cached = self._cells.get(key)
        if cached is not None and cached[0] == version and cached[1] == self.stamp:
            return cached[2]
        cells = self.formatter(key, self._raw[key])
        self._cells[key] = (version, self.stamp, cells)
        return cells

    def _segments(
        self, cells: Sequence[Cell], widths: list[int], base: Style, override: Style | None
    ) -> list[Segment]:
        segments: list[Segment] = []
        sep = Segment(" " * _SEP, base)
        last = max((i for i, w in enumerate(widths) if w), default=-1)
        for i, width in enumerate(widths):
            if not width:
                continue  # a hidden column
            text, spec = cells[i] if i < len(cells) else ("", "")
            if cell_len(text) > width:
                text = set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
            else:
                text = set_cell_size(text, width)
            style = base + _style(spec)
            if override is not None:
                style = style + override
            segments.append(Segment(text, style))
            if i != last:
                segments.append(sep)
        return segments

    def render_line(self, y: int) -> Strip:
        self._ensure_view()
        widths = self._column_widths()
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("resource-table--header")
            sorted_style = self.get_component_rich_style("resource-table--sorted")
            cells = []
            for c in self.columns:
                title = c.title
                if c.key == self.sort_key:
                    title += " ▼" if self.sort_reverse else " ▲"
                cells.append((title, ""))
            segs = self._segments(cells, widths, base + header, None)
            if self.sort_key is not None:
                idx = next((i for i, c in enumerate(self.columns) if c.key == self.sort_key), None)
                if idx is not None and widths[idx]:
                    pos = 2 * sum(1 for w in widths[:idx] if w)  # hidden columns have no segments
                    seg = segs[pos]
                    segs[pos] = Segment(seg.text, base + sorted_style)
            strip = Strip(segs)
            return strip.crop_extend(scroll_x, scroll_x + width, base + header)
        index = scroll_y + y - 1
        if index >= len(self._view):
            return Strip.blank(width, base)
        key = self._view[index]
        cursor = index == self.cursor_index
        cache_key = (
            key,
            self._version.get(key),
            self.stamp,
            cursor,
            cursor and self.has_focus,
            tuple(widths),
            scroll_x,
            width,
            base,
        )
        line = self._lines.get(cache_key)
        if line is not None:
            return line
        override = self.get_component_rich_style("resource-table--cursor") if cursor else None
        strip = Strip(self._segments(self._row_cells(key), widths, base, override))
        line = strip.crop_extend(scroll_x, scroll_x + width, base + override if override else base)
        if len(self._lines) > 4000:
            self._lines.clear()
        self._lines[cache_key] = line
        return line
