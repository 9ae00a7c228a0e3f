"""A virtualised log view: interleaved lines from many sources, a million of them, drawn only where visible.

Modelled on Textualize/toolong's ``LogLines`` and Textual's ``Log``: a :class:`~textual.scroll_view.ScrollView`
whose :meth:`render_line` formats only the rows on screen, with LRU caches of formatted strips in front.
The lines are held compactly (:mod:`smtui.widgets.log_store`: text in chunks, numbers in arrays, no object
per line), in timestamp order (late events are inserted in place), bounded by ``max_lines`` with the
oldest dropped; which are shown and on which rows is :mod:`smtui.widgets.log_rows`, search is
:mod:`smtui.widgets.log_search`, drawing a line :mod:`smtui.widgets.log_render`. Every message is cleaned
(:mod:`smtui.text`) when it arrives: SGR colours become styles, every other control sequence is removed,
tqdm ``\\r`` progress shows its final state, and a very long line is shown cut with a marker (saved whole).

Features: coloured stable source labels, timestamps (UTC / local / off), wrap, narrowing to sources,
hiding ``/ping`` health checks, search with every match highlighted and ``n``/``N`` stepping (context
kept) or a matches-only mode, follow mode that pauses when scrolled up and counts the lines waiting.
Below :data:`~smtui.widgets.log_render.NARROW` columns the times are short (HH:MM:SS), the labels short,
and lines wrap unless wrap was turned off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtui.widgets.log_render import (
    LABEL_MAX,
    LABEL_MAX_NARROW,
    NARROW,
    PALETTE,
    TIMESTAMP_MODES,
    Stamps,
    cut_label,
    label_style,
    line_strips,
)
from smtui.widgets.log_rows import MAX_CELLS, RowIndex
from smtui.widgets.log_search import Search
from smtui.widgets.log_store import Chunk, Lines, LineStore, LogLine, clean_events

__all__ = ["PALETTE", "TIMESTAMP_MODES", "FollowState", "LogLine", "LogView"]


@dataclass
class FollowState:
    following: bool
    paused: bool
    waiting: int


class LogView(ScrollView, can_focus=True):
    """Interleaved log lines of many sources. Feed it with :meth:`add_events`."""

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
        overflow: scroll;
        scrollbar-gutter: stable;
        &:focus { background-tint: $foreground 3%; }
        & > .log-view--timestamp { color: $foreground 55%; }
        & > .log-view--match { background: $warning 60%; color: $text; text-style: bold; }
        & > .log-view--current { background: $accent 30%; }
        & > .log-view--marker { color: $foreground 50%; text-style: italic; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-view--timestamp",
        "log-view--match",
        "log-view--current",
        "log-view--marker",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g,home", "top", "Top", show=False, id="logview.top"),
        Binding("G,end", "bottom", "Bottom / resume", key_display="G", id="logview.bottom"),
        Binding("up,k", "scroll_up_line", "Up", show=False, id="logview.up"),
        Binding("down,j", "scroll_down_line", "Down", show=False, id="logview.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="logview.pageup"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, id="logview.pagedown"),
        Binding("left,h", "scroll_left", "Left", show=False, id="logview.left"),
        Binding("right", "scroll_right", "Right", show=False, id="logview.right"),
        Binding("n", "next_match", "Next match", id="logview.next"),
        Binding("N", "previous_match", "Previous match", id="logview.previous"),
    ]

    class FollowChanged(Message):
        """Following turned on/off, paused by scrolling up, or the count of waiting lines changed."""

        def __init__(self, state: FollowState) -> None:
            super().__init__()
            self.state = state

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogView.FollowChanged)

    class ReachedTop(Message):
        """The user scrolled to the first line: the screen may load older history."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogView.ReachedTop)

    class Changed(Message):
        """Line or match counts changed (for a status line)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogView.Changed)

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
        self._cache: LRUCache[tuple[int, int, int], list[Strip]] = LRUCache(2048)
        #: cropped, offset strips as last drawn, by (chunk serial, position, generation, row, x, width)
        self._final: LRUCache[tuple[int, int, int, int, int, int], Strip] = LRUCache(1024)
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

    # ------------------------------------------------------------------ follow
    def set_following(self, on: bool) -> None:
        self.following = on
        self.paused = False
        self.waiting = 0
        if on:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self._post_follow()

    def _post_follow(self) -> None:
        self.post_message(self.FollowChanged(FollowState(self.following, self.paused, self.waiting)))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value:
            if self.following and not self.paused and new_value < self.max_scroll_y:
                self.paused = True
                self.waiting = 0
                self._post_follow()
        elif self.following and self.paused and new_value >= self.max_scroll_y and new_value > old_value:
            self.paused = False
            self.waiting = 0
            self._post_follow()

    def action_bottom(self) -> None:
        if self.following:
            self.paused = False
            self.waiting = 0
            self._post_follow()
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_top(self) -> None:
        self.scroll_home(animate=False, immediate=True, x_axis=False)
        if self.scroll_y <= 0:
            self.post_message(self.ReachedTop())

    def action_scroll_up_line(self) -> None:
        if self.scroll_y <= 0:
            self.post_message(self.ReachedTop())
        self.scroll_relative(y=-1, animate=False, immediate=True)

    def action_page_up(self) -> None:
        if self.scroll_y <= 0:
            self.post_message(self.ReachedTop())
        super().action_page_up()

    def on_mouse_scroll_up(self) -> None:
        if self.scroll_y <= 0:
            self.post_message(self.ReachedTop())

    def action_scroll_down_line(self) -> None:
        self.scroll_relative(y=1, animate=False, immediate=True)

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

    # ------------------------------------------------------------------ search stepping
    def _shown_hits(self, c: int) -> Sequence[int]:
        """Positions in chunk ``c`` of the matching lines the view shows."""
        assert self._search is not None
        chunk = self._store.chunks[c]
        hits = self._search.hits(chunk)
        base = self._rows.base(chunk)
        if base is None or not hits:
            return hits
        keep = set(base)
        return [j for j in hits if j in keep]

    def find(self, forward: bool = True) -> LogLine | None:
        """Move to the next (or previous) matching line, wrapping around; returns it (or ``None``)."""
        rows = self._rows
        n = len(rows)
        if self._search is None or not n:
            return None
        if self._current is not None:
            here = self._index_of_key(self._current)  # the current match, or the line after it
            chunk, j = rows.locate(min(here, n - 1))
            on_it = here < n and (chunk.ts[j], chunk.seq[j]) == self._current
            start = (here + 1 if on_it else here) if forward else here - 1
        elif forward:
            start = self._index_at_row(int(self.scroll_y))
        else:
            start = min(n - 1, self._index_at_row(int(self.scroll_y) + self.size.height - 1))
        count = len(self._store.chunks)
        c0 = rows.chunk_of(max(0, min(start, n - 1)))

        def positions(c: int) -> Iterator[int]:
            hits = self._shown_hits(c)
            for j in hits if forward else reversed(hits):
                yield rows.position_of(c, j)

        if forward:
            for c in range(c0, count):
                for pos in positions(c):
                    if pos >= start:
                        return self._go_to(pos)
            wrapped: Iterable[int] = range(0, c0 + 1)
        else:
            for c in range(c0, -1, -1):
                for pos in positions(c):
                    if pos <= start:
                        return self._go_to(pos)
            wrapped = range(count - 1, c0 - 1, -1)
        for c in wrapped:  # round the end to the other side
            for pos in positions(c):
                return self._go_to(pos)
        return None

    def _go_to(self, pos: int) -> LogLine:
        chunk, j = self._rows.locate(pos)
        self._current = (chunk.ts[j], chunk.seq[j])
        if self.following and not self.paused:
            self.paused = True
            self._post_follow()
        row = self._row_of(pos)
        self.scroll_to(y=max(0, row - self.size.height // 2), animate=False, immediate=True)
        self._invalidate()  # the current match is drawn differently
        return chunk.get(j, self._store.names)

    def action_next_match(self) -> None:
        self.find(True)

    def action_previous_match(self) -> None:
        self.find(False)

    @property
    def current_match(self) -> LogLine | None:
        if self._current is None or not len(self._rows):
            return None
        i = self._index_of_key(self._current)
        if i >= len(self._rows):
            return None
        line = self.visible_lines[i]
        return line if line.key == self._current else None

    def current_match_number(self) -> int | None:
        """1-based position of the current match among all matches (counted on demand)."""
        if self._current is None or self._search is None:
            return None
        c, j = self._store.find_key(self._current)
        if c >= len(self._store.chunks):
            return None
        count = self._rows.match_count
        before = sum(count(self._store.chunks[k]) for k in range(c))
        hits = self._shown_hits(c)
        return before + sum(1 for h in hits if h <= j)

    # ------------------------------------------------------------------ saving
    def _shown_chunks(self) -> list[tuple[Chunk, Sequence[int]]]:
        """Each chunk with the positions the view shows in it, as they are now."""
        rows = self._rows
        out: list[tuple[Chunk, Sequence[int]]] = []
        for chunk in self._store.chunks:
            vis = rows.visible(chunk) if rows.filtered else None
            out.append((chunk, range(len(chunk)) if vis is None else vis))
        return out

    def format_plain(self, line: LogLine) -> str:
        parts = []
        if self.timestamps != "off":
            parts.append(self._stamps(line.ts, self.timestamps))
        if self.show_labels:
            parts.append(line.source)
        parts.append(line.text)
        return " ".join(parts)

    def lines_to_save(self, matches_only: bool = False) -> Iterator[str]:
        """The lines of the current view, whole (not cut), as plain text, a chunk's worth at a time
        (each string ends with a newline). Safe to read in a thread: it works on the chunks as they are
        when it is called."""
        search = self._search if (matches_only and self._search is not None) else None
        shown = self._shown_chunks()
        stamps, mode, labels, names = self._stamps, self.timestamps, self.show_labels, self._store.names
        return _plain_chunks(shown, search, stamps, mode, labels, names)

    def save(self, path: str, matches_only: bool = False) -> int:
        """Write the current view (or only its matches) to ``path``; returns the number of lines."""
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            for text in self.lines_to_save(matches_only):
                f.write(text)
                n += text.count("\n")
        return n

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


def _plain_chunks(
    shown: list[tuple[Chunk, Sequence[int]]],
    search: Search | None,
    stamps: Stamps,
    mode: str,
    labels: bool,
    names: list[str],
) -> Iterator[str]:
    """Plain text of the lines shown, a chunk at a time (for saving)."""
    for chunk, positions in shown:
        if search is not None:
            keep = set(search.hits(chunk))
            positions = [j for j in positions if j in keep]
        if not positions:
            continue
        if mode == "off" and not labels and isinstance(positions, range):
            # every line of the chunk (as it was): its text is those lines joined, nothing to format
            yield chunk.text[: chunk.starts[len(positions)] - 1] + "\n"
            continue
        line, ts, src = chunk.line, chunk.ts, chunk.src
        out = []
        for j in positions:
            head = f"{stamps(ts[j], mode)} " if mode != "off" else ""
            if labels:
                head += names[src[j]] + " "
            out.append(head + line(j))
        out.append("")
        yield "\n".join(out)
