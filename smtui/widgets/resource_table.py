"""A virtualised table: a ScrollView that renders only the rows on screen.

Textual's DataTable lays out every row it holds (about 3 s for 10,000 rows here). This table keeps its rows in
plain Python structures (:class:`~smtui.widgets.table_rows.TableRows`: a dict of raw rows by key, a sorted list
of keys and a filtered view of it) and formats a row (through the owner's ``formatter``) only when it is drawn,
like Textualize/toolong's LogLines. Column widths come from cheap per-row measures tracked as rows arrive and
fit the terminal (:func:`~smtui.widgets.table_columns.fit_columns`: on a narrow one the least useful columns
are hidden before the name is cut).

Cells are ``(text, style)`` pairs; the text must already be cleaned of control sequences (the
formatter does that) and is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

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

from smtui.widgets.table_cells import header_cells, row_segments
from smtui.widgets.table_columns import (
    SEP,
    Cell,
    FilterError,
    Formatter,
    SearchText,
    TableColumn,
    compile_filter,
    fit_columns,
)
from smtui.widgets.table_rows import TableRows

__all__ = ["FilterError", "ResourceTable", "TableColumn", "compile_filter"]


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
        search_text: SearchText | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns: list[TableColumn] = list(columns)
        self.formatter = formatter
        self.search_text = search_text or (lambda key, raw: key.lower())
        self.rows = TableRows(self.columns, self.search_text)
        self._cells: dict[str, tuple[int, int, Sequence[Cell]]] = {}
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
        return len(self.rows)

    def __contains__(self, key: object) -> bool:
        return key in self.rows.raw

    @property
    def row_count(self) -> int:
        """Rows shown (after the filter)."""
        self._ensure_view()
        return len(self.rows.view)

    @property
    def filter_text(self) -> str:
        return self.rows.filter_text

    @property
    def sort_key(self) -> str | None:
        return self.rows.sort_key

    @property
    def sort_reverse(self) -> bool:
        return self.rows.sort_reverse

    @property
    def _view(self) -> list[str]:
        return self.rows.view

    def get_raw(self, key: str) -> Any:
        return self.rows.raw.get(key)

    def keys(self) -> list[str]:
        """Every key, shown or not, in sort order."""
        self.rows.ensure_order()
        return list(self.rows.order)

    def visible_rows(self) -> list[str]:
        """Keys of the rows shown, in sort order (after the filter)."""
        self._ensure_view()
        return list(self.rows.view)

    def upsert(self, rows: Iterable[tuple[str, Any]]) -> int:
        """Add rows or replace them in place by key. Returns how many were new."""
        new, widened = self.rows.upsert(rows)
        if widened:
            self._widths_for = None
        self._changed()
        return new

    def remove_rows(self, keys: Iterable[str]) -> None:
        gone = self.rows.remove(keys)
        if gone:
            for key in gone:
                self._cells.pop(key, None)
            self._changed()

    def shown_columns(self) -> list[str]:
        """Keys of the columns drawn at the current width (hidden and dropped ones left out)."""
        widths = self._column_widths()
        return [c.key for c, w in zip(self.columns, widths, strict=False) if w]

    def clear(self) -> None:
        self.rows.clear()
        self._cells.clear()
        self._widths_for = None
        self._changed()

    def clear_measures(self) -> None:
        """Measure every row again (the owner changed what its cells hold, e.g. compact cells)."""
        self.rows.measure_all()
        self._widths_for = None

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
        # the lines drawn under the old stamp are never drawn again: kept, they grew the process by a
        # visible page of strips every touch (every 5 s) until the cache's bound, about 16 MB
        self._lines.clear()
        self.refresh()

    # ------------------------------------------------------------------ filter and sort
    def set_filter(self, text: str) -> None:
        """Show only rows whose search text matches ``text`` (substring or regex, case-insensitive).

        Raises :class:`FilterError` for an invalid regex and keeps the previous filter."""
        self.rows.set_filter(text)
        self._changed()

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        self.rows.sort_by(key, reverse)
        self._changed()

    def _ensure_view(self) -> None:
        if not self.rows.ensure_view():
            return
        # keep the cursor on the same row when it is still shown
        key = self._cursor_key
        view = self.rows.view
        if key is not None and not (self.cursor_index < len(view) and view[self.cursor_index] == key):
            index = self.rows.index_of(key)
            if index is not None:
                self.set_reactive(ResourceTable.cursor_index, index)
        self.set_reactive(ResourceTable.cursor_index, max(0, min(self.cursor_index, len(view) - 1)))
        self._cursor_key = view[self.cursor_index] if view else self._cursor_key

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
        version = self.rows.version
        return (
            tuple((k, version.get(k)) for k in keys),
            self.cursor_index,
            self.sort_key,
            self.sort_reverse,
            self.stamp,
            tuple(self._column_widths()),  # (a column that widened or was hidden moves the header too)
            self.rows.matcher,
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
        widths = self._column_widths()
        shown = [w for w in widths if w]
        size = Size(sum(shown) + SEP * max(0, len(shown) - 1), len(self._view) + 1)
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
        idx = self.rows.index_of(key)
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
        """Each column's width; 0 for a column hidden because the table is too narrow for it."""
        avail = self.scrollable_content_region.width if self.is_mounted else 120
        signature = (avail, len(self.columns))
        if self._widths_for == signature and self._widths:
            return self._widths
        self._widths = widths = fit_columns(
            self.columns, self.rows.measured, avail, self.rows.nonempty, self.rows.varied
        )
        self._widths_for = signature
        return widths

    def _row_cells(self, key: str) -> Sequence[Cell]:
        version = self.rows.version.get(key, 0)
        cached = self._cells.get(key)
        if cached is not None and cached[0] == version and cached[1] == self.stamp:
            return cached[2]
        cells = self.formatter(key, self.rows.raw[key])
        self._cells[key] = (version, self.stamp, cells)
        return cells

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
            cells = header_cells(self.columns, self.sort_key, self.sort_reverse)
            segs = row_segments(cells, widths, base + header, None)
            if self.sort_key is not None:
                idx = next((i for i, c in enumerate(self.columns) if c.key == self.sort_key), None)
                if idx is not None and widths[idx]:
                    at = 2 * sum(1 for w in widths[:idx] if w)  # (hidden columns have no segments)
                    segs[at] = Segment(segs[at].text, base + sorted_style)
            strip = Strip(segs)
            return strip.crop_extend(scroll_x, scroll_x + width, base + header)
        index = scroll_y + y - 1
        if index >= len(self._view):
            return Strip.blank(width, base)
        key = self._view[index]
        cursor = index == self.cursor_index
        cache_key = (
            key,
            self.rows.version.get(key),
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
        strip = Strip(row_segments(self._row_cells(key), widths, base, override))
        line = strip.crop_extend(scroll_x, scroll_x + width, base + override if override else base)
        if len(self._lines) > 4000:
            self._lines.clear()
        self._lines[cache_key] = line
        return line
