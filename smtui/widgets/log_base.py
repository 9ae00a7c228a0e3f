"""The log view's base: the lines held, which are shown, on which rows, and how each is drawn.

:class:`~smtui.widgets.log_view.LogView` adds the keys (follow, search stepping, saving) on top. The lines
are held by :mod:`smtui.widgets.log_store`, filtered and placed by :mod:`smtui.widgets.log_rows`, searched
by :mod:`smtui.widgets.log_search` and drawn by :mod:`smtui.widgets.log_render`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtui.widgets.log_render import (
    LABEL_MAX,
    LABEL_MAX_NARROW,
    NARROW,
    Stamps,
    cut_label,
    label_style,
    line_strips,
)
from smtui.widgets.log_rows import MAX_CELLS, RowIndex
from smtui.widgets.log_search import Search
from smtui.widgets.log_store import Chunk, Lines, LineStore, LogLine, clean_events
from smtui.widgets.lru import LruCache


@dataclass
class FollowState:
    following: bool
    paused: bool
    waiting: int


class LogViewBase(ScrollView):
    """Interleaved log lines of many sources: holding, filtering, placing and drawing them."""

    class FollowChanged(Message):
        """Following turned on/off, paused by scrolling up, or the count of waiting lines changed."""

        def __init__(self, state: FollowState) -> None:
            super().__init__()
            self.state = state

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogViewBase.FollowChanged)

    class ReachedTop(Message):
        """The user scrolled to the first line: the screen may load older history."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogViewBase.ReachedTop)

    class Changed(Message):
        """Line or match counts changed (for a status line)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogViewBase.Changed)

    def __init__(
        self,
        *,
        max_lines: int = 1_000_000,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max_lines
        self._store = LineStore()
        self._rows = RowIndex(self._store)
        self._stamps = Stamps()
        #: a line's strips by (chunk serial, position, generation)
        self._cache: LruCache[tuple[int, int, int], list[Strip]] = LruCache(2048)
        #: cropped, offset strips as last drawn, by (chunk serial, position, generation, row, x, width)
        self._final: LruCache[tuple[int, int, int, int, int, int], Strip] = LruCache(1024)
        self._base_style: Style | None = None
        self._component_rich: dict[str, Style] = {}
        self._gen = 0
        self._max_cells = 0
        self._source_styles: dict[str, Style] = {}
        self._label_width = 0
        self._narrow = False
        # display options
        self.timestamps = "utc"
        self._wrap: bool | None = None  # None: on when narrow
        self.show_labels = True
        self.sources: set[str] | None = None  # None: every source
        self.hide_health_checks = False
        self._search: Search | None = None
        self.matches_only = False
        self._current: tuple[int, int] | None = None  # (ts, seq) of the current match
        # follow
        self.following = False
        self.paused = False
        self.waiting = 0
        self.dropped = 0

    # ------------------------------------------------------------------ public state
    @property
    def lines(self) -> Sequence[LogLine]:
        """Every loaded line, in timestamp order (read only; each made when asked for)."""
        store = self._store
        return Lines(len(store), store.__getitem__, store.__iter__)

    @property
    def visible_lines(self) -> Sequence[LogLine]:
        """The lines the current filters show (read only)."""
        rows, names = self._rows, self._store.names

        def get(i: int) -> LogLine:
            chunk, j = rows.locate(i)
            return chunk.get(j, names)

        def iterate() -> Iterator[LogLine]:
            for chunk, positions in self._shown_chunks():
                for j in positions:
                    yield chunk.get(j, names)

        return Lines(len(rows), get, iterate)

    @property
    def source_names(self) -> list[str]:
        return list(self._source_styles)

    @property
    def filtered(self) -> bool:
        return self._rows.filtered

    @property
    def search(self) -> re.Pattern[str] | None:
        return self._search.regex if self._search is not None else None

    @property
    def wrap(self) -> bool:
        return self._wrap if self._wrap is not None else self._narrow

    @property
    def narrow(self) -> bool:
        return self._narrow

    @property
    def match_count(self) -> int:
        """Matching lines among those the source and /ping filters show."""
        if self._search is None:
            return 0
        count = self._rows.match_count
        return sum(count(c) for c in self._store.chunks)

    def register_sources(self, sources: Iterable[str]) -> None:
        """Give sources their colours in this order (call with sorted labels for stable colours)."""
        changed = False
        for s in sources:
            if s not in self._source_styles:
                self._source_styles[s] = label_style(len(self._source_styles))
                self._store.source_id(s)
                changed = True
        if changed:
            self._label_width_changed()

    def _label_width_changed(self) -> None:
        limit = LABEL_MAX_NARROW if self._narrow else LABEL_MAX
        width = min(limit, max((len(s) for s in self._source_styles), default=0))
        if width != self._label_width:
            self._label_width = width
            self._invalidate(layout=True)

    # ------------------------------------------------------------------ feeding
    def add_events(self, events: Sequence[Any]) -> int:
        """Add events (any order; usually a sorted batch). Returns how many lines were added."""
        return self._add(events, older=False)

    def prepend_events(self, events: Sequence[Any]) -> int:
        """Add older history above what is loaded, keeping the lines on screen where they are."""
        return self._add(events, older=True)

    def _add(self, events: Sequence[Any], *, older: bool) -> int:
        if not events:
            return 0
        new = {e.source for e in events} - self._source_styles.keys()
        if new:
            self.register_sources(sorted(new))
        batch = clean_events(events, self._store.source_id)
        batch.sort()
        longest = max(map(len, batch.texts), default=0)
        if longest > self._max_cells:
            self._max_cells = min(longest, MAX_CELLS)
        at_end = self.is_vertical_scroll_end
        first = self._first_visible_key()
        shown_before = len(self._rows)
        appended = self._store.add(batch)
        shown = len(self._rows) - shown_before
        if not older:  # older lines are loaded when asked for (scrolling to the top), past the cap
            self._prune()
        self._update_virtual_size()
        if self.following and not self.paused and not older:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            if self.following and self.paused and not older:
                self.waiting += shown
                self._post_follow()
            if first is not None and (older or (not appended and not at_end)):
                self._keep_position(first)
            self.refresh()
        self.post_message(self.Changed())
        return len(batch)

    def clear(self) -> None:
        self._store.clear()
        self._cache.clear()
        self._final.clear()
        self._max_cells = 0
        self.waiting = 0
        self.dropped = 0
        self._current = None
        self._apply_filters()

    def _prune(self) -> None:
        extra = len(self._store) - self.max_lines
        if extra <= max(1000, self.max_lines // 50):
            return
        first = None if (self.following and not self.paused) else self._first_visible_key()
        self._store.drop_oldest(extra)
        self.dropped += extra
        oldest = self._store.first_key()
        if self._current is not None and oldest is not None and self._current < oldest:
            self._current = None
        if first is not None:
            self._keep_position(max(first, oldest) if oldest is not None else first)

    # ------------------------------------------------------------------ filters and options
    def _apply_filters(self) -> None:
        first = self._first_visible_key()
        ids = None
        if self.sources is not None:
            store = self._store
            ids = frozenset(store.source_id(s) for s in self.sources)
        self._rows.set_filters(
            sources=ids,
            hide_ping=self.hide_health_checks,
            search=self._search,
            matches_only=self.matches_only,
        )
        self._invalidate(layout=True)
        if first is not None and not (self.following and not self.paused):
            self._keep_position(first)
        self.post_message(self.Changed())

    def set_sources(self, sources: set[str] | None) -> None:
        self.sources = None if sources is None or set(sources) >= set(self._source_styles) else set(sources)
        self._apply_filters()

    def set_hide_health_checks(self, hide: bool) -> None:
        self.hide_health_checks = hide
        self._apply_filters()

    def set_search(self, pattern: str | None) -> None:
        """Search for a regular expression (case-insensitive unless it has capitals); ``None`` clears.

        Raises ``re.error`` for a bad expression.
        """
        if not pattern:
            self._search = None
            self._current = None
        else:
            self._search = Search(pattern)
        if self.matches_only or self._search is None:
            self._apply_filters()
        else:
            self._rows.set_filters(
                sources=self._rows.sources,
                hide_ping=self.hide_health_checks,
                search=self._search,
                matches_only=self.matches_only,
            )
            self._invalidate()
            self.post_message(self.Changed())

    def set_matches_only(self, on: bool) -> None:
        self.matches_only = on
        self._apply_filters()

    def set_timestamps(self, mode: str) -> None:
        self.timestamps = mode
        self._invalidate(layout=True)

    def set_wrap(self, on: bool) -> None:
        first = self._first_visible_key()
        self._wrap = on
        self._invalidate(layout=True)
        if first is not None and not (self.following and not self.paused):
            self._keep_position(first)

    def set_show_labels(self, on: bool) -> None:
        self.show_labels = on
        self._invalidate(layout=True)

    def _invalidate(self, layout: bool = False) -> None:
        self._gen += 1
        self._cache.clear()
        self._final.clear()
        if layout:
            self._update_virtual_size()
        if self.following and not self.paused:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def _post_follow(self) -> None:
        self.post_message(self.FollowChanged(FollowState(self.following, self.paused, self.waiting)))

    # ------------------------------------------------------------------ positions
    def _row_of(self, index: int) -> int:
        return self._rows.row_of(index, self._wrap_width()) if self.wrap else index

    def _index_at_row(self, row: int) -> int:
        if not self.wrap:
            return row
        return self._rows.at_row(row, self._wrap_width())[0]

    def _index_of_key(self, key: tuple[int, int]) -> int:
        """The view position of the first line shown at or after ``key``."""
        c, j = self._store.find_key(key)
        return self._rows.position_of(c, j)

    def _first_visible_key(self) -> tuple[int, int] | None:
        n = len(self._rows)
        if not n or not self.size.height:
            return None
        i = min(n - 1, self._index_at_row(int(self.scroll_y)))
        chunk, j = self._rows.locate(i)
        return (chunk.ts[j], chunk.seq[j])

    def _keep_position(self, key: tuple[int, int]) -> None:
        n = len(self._rows)
        i = min(self._index_of_key(key), max(0, n - 1))
        self.scroll_to(y=self._row_of(i) if n else 0, animate=False, immediate=True)

    def _shown_chunks(self) -> list[tuple[Chunk, Sequence[int]]]:
        """Each chunk with the positions the view shows in it, as they are now."""
        rows = self._rows
        out: list[tuple[Chunk, Sequence[int]]] = []
        for chunk in self._store.chunks:
            vis = rows.visible(chunk) if rows.filtered else None
            out.append((chunk, range(len(chunk)) if vis is None else vis))
        return out

    # ------------------------------------------------------------------ layout
    def _prefix_width(self) -> int:
        w = Stamps.width(self.timestamps, self._narrow)
        if self.show_labels and self._label_width:
            w += self._label_width + 1
        return w

    def _wrap_width(self) -> int:
        return max(10, self.scrollable_content_region.width - self._prefix_width())

    def _update_virtual_size(self) -> None:
        overflow_x = "hidden" if self.wrap else "scroll"  # nothing to scroll sideways to when wrapping
        if self.styles.overflow_x != overflow_x:
            self.styles.overflow_x = overflow_x
        if self.wrap:
            total = self._rows.rows_prefix(self._wrap_width())[-1]
            self.virtual_size = Size(self.scrollable_content_region.width, total)
        else:
            self.virtual_size = Size(self._prefix_width() + self._max_cells + 2, len(self._rows))

    def on_resize(self) -> None:
        narrow = self.size.width < NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            self._label_width = -1
            self._label_width_changed()
        if self.wrap:
            self._cache.clear()
            self._final.clear()
        self._update_virtual_size()
        if self.following and not self.paused:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._component_rich.clear()
        self._cache.clear()
        self._final.clear()

    @property
    def _style(self) -> Style:
        """The widget's rich style, computed once per style change (``rich_style`` walks the ancestors)."""
        style = self._base_style
        if style is None:
            style = self._base_style = self.rich_style
        return style

    def _component(self, name: str) -> Style:
        style = self._component_rich.get(name)
        if style is None:
            style = self._component_rich[name] = self.get_component_rich_style(name, partial=True)
        return style

    # ------------------------------------------------------------------ rendering
    def _strips(self, chunk: Chunk, j: int) -> list[Strip]:
        """Line ``j`` of ``chunk`` drawn: one strip, or one per screen row when wrapping."""
        key = (chunk.serial, j, self._gen)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        base = self._style
        prefix: list[Segment] = []
        cells = 0
        if self.timestamps != "off":
            stamp = self._stamps(chunk.ts[j], self.timestamps, self._narrow) + " "
            prefix.append(Segment(stamp, base + self._component("log-view--timestamp")))
            cells += len(stamp)
        source = self._store.names[chunk.src[j]]
        if self.show_labels and self._label_width:
            lab = cut_label(source, self._label_width) + " "
            prefix.append(Segment(lab, base + (self._source_styles.get(source) or Style())))
            cells += len(lab)
        current = self._current is not None and (chunk.ts[j], chunk.seq[j]) == self._current
        line_base = base + self._component("log-view--current") if current else base
        strips = line_strips(
            console=self.app.console,
            prefix=prefix,
            prefix_cells=cells,
            text=chunk.line(j),
            sgr=chunk.sgr.get(j) if chunk.sgr else None,
            search=self._search,
            base=line_base,
            marker=self._component("log-view--marker"),
            match=self._component("log-view--match"),
            wrap_width=self._wrap_width() if self.wrap else None,
        )
        self._cache[key] = strips
        return strips

    def strips_of(self, index: int) -> list[Strip]:
        """The strips of view position ``index`` (for tests and tools)."""
        return self._strips(*self._rows.locate(index))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        row = scroll_y + y
        rows = self._rows
        if not self.wrap:
            if row >= len(rows):
                return Strip.blank(width, self._style)
            chunk, j = rows.locate(row)
            key = (chunk.serial, j, self._gen, row, scroll_x, width)
            strip = self._final.get(key)
            if strip is None:
                strip = self._strips(chunk, j)[0]
                strip = strip.crop_extend(scroll_x, scroll_x + width, self._style).apply_offsets(
                    scroll_x, row
                )
                self._final[key] = strip
            return strip
        wrap_width = self._wrap_width()
        if not len(rows) or row >= rows.rows_prefix(wrap_width)[-1]:
            return Strip.blank(width, self._style)
        i, sub = rows.at_row(row, wrap_width)
        chunk, j = rows.locate(i)
        key = (chunk.serial, j, self._gen, row, -1 - sub, width)
        strip = self._final.get(key)
        if strip is None:
            strips = self._strips(chunk, j)
            strip = strips[sub] if sub < len(strips) else Strip.blank(width, self._style)
            strip = strip.crop_extend(0, width, self._style).apply_offsets(0, row)
            self._final[key] = strip
        return strip
