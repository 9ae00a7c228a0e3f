"""A virtualised log view: interleaved lines from many sources, rendered only where they are visible.

Modelled on Textualize/toolong's ``LogLines`` and Textual's ``Log``: a :class:`~textual.scroll_view.ScrollView`
whose :meth:`render_line` formats only the rows on screen, with an LRU cache of formatted strips in front.
Lines are kept in timestamp order (late events are inserted in place), bounded by ``max_lines`` with the
oldest dropped. Every message is cleaned (:mod:`smtui.text`) when it arrives: SGR colours become styles,
every other control sequence is removed, tqdm ``\\r`` progress shows its final state, and a very long
line is shown cut with a marker (saved whole).

Features: coloured stable source labels, timestamps (UTC / local / off), wrap, narrowing to sources,
hiding ``/ping`` health checks, search with every match highlighted and ``n``/``N`` stepping (context
kept) or a matches-only mode, follow mode that pauses when scrolled up and counts the lines waiting.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtui.aws.logs import is_health_check
from smtui.text import DISPLAY_LIMIT, clean, clean_keep_sgr, to_text

#: Label colours, chosen to stay distinct from each other on dark and light themes.
PALETTE = (
    "#5fafff",
    "#ffaf5f",
    "#87d75f",
    "#d787d7",
    "#5fd7d7",
    "#ffd75f",
    "#ff8787",
    "#afafff",
    "#87d7af",
    "#d7af87",
    "#af87ff",
    "#d7d7d7",
)
LABEL_MAX = 28
TIMESTAMP_MODES = ("utc", "local", "off")


class LogLine:
    """One displayed line. A multi-line message gives several, with the same timestamp and source."""

    __slots__ = ("seq", "sgr", "source", "stream", "text", "ts")

    def __init__(self, ts: int, seq: int, source: str, text: str, sgr: str | None, stream: str = "") -> None:
        self.ts = ts
        self.seq = seq
        self.source = source
        self.text = text  # cleaned, plain, whole
        self.sgr = sgr  # cleaned but with SGR colour sequences, when the message had them
        self.stream = stream

    @property
    def key(self) -> tuple[int, int]:
        return (self.ts, self.seq)


def _key(line: LogLine) -> tuple[int, int]:
    return (line.ts, line.seq)


def lines_from_events(events: Iterable[Any], start_seq: int = 0) -> list[LogLine]:
    """Clean events (with ``timestamp``, ``message``, ``source``, ``stream``) into lines, in the given order."""
    out: list[LogLine] = []
    append = out.append
    seq = start_seq
    for e in events:
        msg = e.message
        if msg.isprintable():  # no control character, no escape, nothing to clean: the common case
            append(LogLine(e.timestamp, seq, e.source, msg, None, e.stream))
            seq += 1
            continue
        sgr = None
        if "\x1b" in msg or "\x9b" in msg:
            sgr = clean_keep_sgr(msg).rstrip("\n")
            if "\x1b" not in sgr:
                sgr = None
        text = clean(msg, newlines=True)
        if text.endswith("\n"):
            text = text.rstrip("\n")
        if "\n" in text:
            parts = text.split("\n")
            sgr_parts: Sequence[str | None] = sgr.split("\n") if sgr else [None] * len(parts)
            if len(sgr_parts) != len(parts):
                sgr_parts = [None] * len(parts)
            for part, sp in zip(parts, sgr_parts, strict=True):
                append(LogLine(e.timestamp, seq, e.source, part, sp, e.stream))
                seq += 1
        else:
            append(LogLine(e.timestamp, seq, e.source, text, sgr, e.stream))
            seq += 1
    return out


def _is_sorted(lines: list[LogLine]) -> bool:
    prev = -1
    for ln in lines:
        ts = ln.ts
        if ts < prev:
            return False
        prev = ts
    return True


def _merge_into(target: list[LogLine], lines: list[LogLine]) -> int:
    """Merge sorted ``lines`` into sorted ``target``; returns the index of the first line inserted."""
    if not lines:
        return len(target)
    if not target or _key(lines[0]) >= _key(target[-1]):
        at = len(target)
        target.extend(lines)
        return at
    if _key(lines[-1]) <= _key(target[0]):
        target[0:0] = lines
        return 0
    import heapq

    at = bisect_right(target, _key(lines[0]), key=_key)
    tail = target[at:]
    del target[at:]
    target.extend(heapq.merge(tail, lines, key=_key))
    return at


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
        max_lines: int = 200_000,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.max_lines = max_lines
        self._all: list[LogLine] = []
        self._view: list[LogLine] = self._all
        self._seq = 0
        self._cache: LRUCache[tuple[int, int], list[Strip]] = LRUCache(2048)
        #: cropped, offset strips as last drawn, by (seq, generation, row, scroll x, width)
        self._final: LRUCache[tuple[int, int, int, int, int], Strip] = LRUCache(1024)
        self._base_style: Style | None = None
        self._component_rich: dict[str, Style] = {}
        self._gen = 0
        self._max_cells = 0
        self._offsets: list[int] | None = None  # wrap: first screen row of each line, plus the total
        self._offsets_width = 0
        self._source_styles: dict[str, Style] = {}
        self._label_width = 0
        self._sec_cache: dict[tuple[int, str], str] = {}
        # display options
        self.timestamps = "utc"
        self.wrap = False
        self.show_labels = True
        self.sources: set[str] | None = None  # None: every source
        self.hide_health_checks = False
        self.search: re.Pattern[str] | None = None
        self.matches_only = False
        self.match_count = 0
        self._current: LogLine | None = None
        # follow
        self.following = False
        self.paused = False
        self.waiting = 0
        self.dropped = 0

    # ------------------------------------------------------------------ public state
    @property
    def lines(self) -> list[LogLine]:
        """Every loaded line, in timestamp order (read only)."""
        return self._all

    @property
    def visible_lines(self) -> list[LogLine]:
        """The lines the current filters show (read only)."""
        return self._view

    @property
    def source_names(self) -> list[str]:
        return list(self._source_styles)

    @property
    def filtered(self) -> bool:
        return bool(
            self.sources is not None or self.hide_health_checks or (self.matches_only and self.search)
        )

    def register_sources(self, sources: Iterable[str]) -> None:
        """Give sources their colours in this order (call with sorted labels for stable colours)."""
        changed = False
        for s in sources:
            if s not in self._source_styles:
                n = len(self._source_styles)
                colour = PALETTE[n % len(PALETTE)]
                variant = n // len(PALETTE)  # past the palette: the same colours, bold / underlined
                self._source_styles[s] = Style(color=colour, bold=variant % 2 == 1, underline=variant >= 2)
                changed = True
        if changed:
            width = min(LABEL_MAX, max((len(s) for s in self._source_styles), default=0))
            if width != self._label_width:
                self._label_width = width
                self._invalidate(layout=True)

    # ------------------------------------------------------------------ feeding
    def add_events(self, events: Sequence[Any]) -> int:
        """Add events (any order; usually a sorted batch). Returns how many lines were added."""
        if not events:
            return 0
        lines = lines_from_events(events, self._seq)
        self._seq += len(lines)
        if not _is_sorted(lines):
            lines.sort(key=_key)
        self.register_sources(sorted({ln.source for ln in lines} - self._source_styles.keys()))
        return self._add_lines(lines)

    def _add_lines(self, lines: list[LogLine]) -> int:
        was_end = self.is_vertical_scroll_end
        first_visible = self._first_visible_key()
        at = _merge_into(self._all, lines)
        shown = lines
        if self._view is not self._all:
            keep = self._keep
            shown = [ln for ln in lines if keep(ln)]
            at = _merge_into(self._view, shown)
        appended = at >= len(self._view) - len(shown)
        if self._offsets is not None:
            if appended and self._offsets_width == self._wrap_width():
                self._extend_offsets(shown)
            else:
                self._offsets = None
        longest = max((len(ln.text) for ln in shown), default=0)
        if longest > self._max_cells:
            self._max_cells = min(longest, DISPLAY_LIMIT + 32)
        if self.search is not None:
            search = self.search.search
            self.match_count += sum(1 for ln in shown if search(ln.text))
        self._prune()
        self._update_virtual_size()
        if self.following and not self.paused:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        else:
            if self.following and self.paused:
                self.waiting += len(shown)
                self._post_follow()
            if not appended and first_visible is not None and not was_end:
                self._keep_position(first_visible)
            self.refresh()
        self.post_message(self.Changed())
        return len(lines)

    def prepend_events(self, events: Sequence[Any]) -> int:
        """Add older history above what is loaded, keeping the lines on screen where they are."""
        if not events:
            return 0
        before = len(self._view)
        old_first = self._first_visible_key()
        lines = lines_from_events(events, self._seq)
        self._seq += len(lines)
        lines.sort(key=_key)
        self.register_sources(sorted({ln.source for ln in lines} - self._source_styles.keys()))
        _merge_into(self._all, lines)
        if self._view is not self._all:
            _merge_into(self._view, [ln for ln in lines if self._keep(ln)])
        if self.search is not None:
            self.match_count += sum(1 for ln in lines if self._keep(ln) and self.search.search(ln.text))
        longest = max((len(ln.text) for ln in lines), default=0)
        self._max_cells = max(self._max_cells, min(longest, DISPLAY_LIMIT + 32))
        self._offsets = None
        self._update_virtual_size()
        if old_first is not None and len(self._view) != before:
            self._keep_position(old_first)
        self.refresh()
        self.post_message(self.Changed())
        return len(lines)

    def clear(self) -> None:
        self._all = []
        self._view = self._all
        self._cache.clear()
        self._final.clear()
        self._offsets = None
        self._max_cells = 0
        self.match_count = 0
        self.waiting = 0
        self.dropped = 0
        self._current = None
        self._apply_filters()

    def _prune(self) -> None:
        extra = len(self._all) - self.max_lines
        if extra <= max(1000, self.max_lines // 50):
            return
        cut = self._all[extra]
        removed = self._all[:extra]
        del self._all[:extra]
        self.dropped += extra
        if self._view is not self._all:
            k = bisect_left(self._view, _key(cut), key=_key)
            del self._view[:k]
        if self.search is not None:
            search = self.search.search
            self.match_count -= sum(1 for ln in removed if self._keep(ln) and search(ln.text))
        self._offsets = None
        if not (self.following and not self.paused):
            self.scroll_to(y=max(0, self.scroll_y - extra), animate=False, immediate=True)

    # ------------------------------------------------------------------ filters and options
    def _keep(self, line: LogLine) -> bool:
        if self.sources is not None and line.source not in self.sources:
            return False
        if self.hide_health_checks and is_health_check(line.text):
            return False
        return not (self.matches_only and self.search is not None and not self.search.search(line.text))

    def _apply_filters(self) -> None:
        first = self._first_visible_key()
        self._view = [ln for ln in self._all if self._keep(ln)] if self.filtered else self._all
        self._count_matches()
        self._invalidate(layout=True)
        if first is not None and not (self.following and not self.paused):
            self._keep_position(first)
        self.post_message(self.Changed())

    def _count_matches(self) -> None:
        if self.search is None:
            self.match_count = 0
            return
        search = self.search.search
        self.match_count = sum(1 for ln in self._view if search(ln.text))

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
            self.search = None
            self._current = None
        else:
            flags = 0 if any(c.isupper() for c in pattern) else re.IGNORECASE
            self.search = re.compile(pattern, flags)
        if self.matches_only or self.search is None:
            self._apply_filters()
        else:
            self._count_matches()
            self._invalidate()
            self.post_message(self.Changed())

    def set_matches_only(self, on: bool) -> None:
        self.matches_only = on
        self._apply_filters()

    def set_timestamps(self, mode: str) -> None:
        self.timestamps = mode
        self._invalidate(layout=True)

    def set_wrap(self, on: bool) -> None:
        self.wrap = on
        first = self._first_visible_key()
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
            self._offsets = None
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

    # ------------------------------------------------------------------ search stepping
    def _line_index(self, line: LogLine) -> int:
        return bisect_left(self._view, _key(line), key=_key)

    def _row_of(self, index: int) -> int:
        offsets = self._wrap_offsets()
        return offsets[index] if offsets is not None else index

    def _index_at_row(self, row: int) -> int:
        offsets = self._wrap_offsets()
        if offsets is None:
            return row
        return max(0, bisect_right(offsets, row) - 1)

    def _first_visible_key(self) -> tuple[int, int] | None:
        if not self._view or not self.size.height:
            return None
        i = min(len(self._view) - 1, self._index_at_row(int(self.scroll_y)))
        return _key(self._view[i])

    def _keep_position(self, key: tuple[int, int]) -> None:
        i = bisect_left(self._view, key, key=_key)
        self.scroll_to(y=self._row_of(min(i, max(0, len(self._view) - 1))), animate=False, immediate=True)

    def find(self, forward: bool = True) -> LogLine | None:
        """Move to the next (or previous) matching line, wrapping around; returns it (or ``None``)."""
        if self.search is None or not self._view:
            return None
        search = self.search.search
        n = len(self._view)
        if self._current is not None:
            start = self._line_index(self._current) + (1 if forward else -1)
        else:
            start = (
                self._index_at_row(int(self.scroll_y))
                if forward
                else self._index_at_row(int(self.scroll_y) + self.size.height - 1)
            )
        view = self._view
        rng = (
            (range(start, n), range(0, min(start, n)))
            if forward
            else (range(min(start, n - 1), -1, -1), range(n - 1, max(start, -1), -1))
        )
        for part in rng:
            for i in part:
                if search(view[i].text):
                    self._current = view[i]
                    if self.following and not self.paused:
                        self.paused = True
                        self._post_follow()
                    row = self._row_of(i)
                    self.scroll_to(y=max(0, row - self.size.height // 2), animate=False, immediate=True)
                    self._gen += 1  # the current match is drawn differently
                    self._cache.clear()
                    self._final.clear()
                    self.refresh()
                    return view[i]
        return None

    def action_next_match(self) -> None:
        self.find(True)

    def action_previous_match(self) -> None:
        self.find(False)

    @property
    def current_match(self) -> LogLine | None:
        return self._current

    def current_match_number(self) -> int | None:
        """1-based position of the current match among all matches (counted on demand)."""
        if self._current is None or self.search is None:
            return None
        i = self._line_index(self._current)
        search = self.search.search
        return sum(1 for ln in self._view[: i + 1] if search(ln.text))

    # ------------------------------------------------------------------ saving
    def format_plain(self, line: LogLine) -> str:
        parts = []
        if self.timestamps != "off":
            parts.append(self._stamp(line.ts))
        if self.show_labels:
            parts.append(line.source)
        parts.append(line.text)
        return " ".join(parts)

    def lines_to_save(self, matches_only: bool = False) -> Iterator[str]:
        """The lines of the current view, whole (not cut), as plain text."""
        search = self.search.search if (matches_only and self.search is not None) else None
        for ln in self._view:
            if search is None or search(ln.text):
                yield self.format_plain(ln)

    def save(self, path: str, matches_only: bool = False) -> int:
        """Write the current view (or only its matches) to ``path``; returns the number of lines."""
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            for text in self.lines_to_save(matches_only):
                f.write(text)
                f.write("\n")
                n += 1
        return n

    # ------------------------------------------------------------------ layout
    def _prefix_width(self) -> int:
        w = 0
        if self.timestamps != "off":
            w += 24
        if self.show_labels and self._label_width:
            w += self._label_width + 1
        return w

    def _wrap_width(self) -> int:
        return max(10, self.scrollable_content_region.width - self._prefix_width())

    def _height_of(self, line: LogLine, width: int) -> int:
        text = line.text
        cells = len(text) if text.isascii() else cell_len(text)
        if cells > DISPLAY_LIMIT:
            cells = DISPLAY_LIMIT + 32
        return 1 if cells <= width else -(-cells // width)

    def _wrap_offsets(self) -> list[int] | None:
        if not self.wrap:
            return None
        width = self._wrap_width()
        if self._offsets is None or self._offsets_width != width:
            self._offsets_width = width
            h = self._height_of
            self._offsets = [0, *accumulate(h(ln, width) for ln in self._view)]
        return self._offsets

    def _extend_offsets(self, lines: list[LogLine]) -> None:
        assert self._offsets is not None
        width = self._offsets_width
        total = self._offsets[-1]
        for ln in lines:
            total += self._height_of(ln, width)
            self._offsets.append(total)

    def _update_virtual_size(self) -> None:
        offsets = self._wrap_offsets()
        if offsets is not None:
            self.virtual_size = Size(self.scrollable_content_region.width, offsets[-1])
        else:
            self.virtual_size = Size(self._prefix_width() + self._max_cells + 2, len(self._view))

    def on_resize(self) -> None:
        if self.wrap:
            self._offsets = None
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
    def _stamp(self, ms: int) -> str:
        sec, frac = divmod(ms, 1000)
        head = self._sec_cache.get((sec, self.timestamps))
        if head is None:
            if len(self._sec_cache) > 8192:
                self._sec_cache.clear()
            if self.timestamps == "local":
                head = datetime.fromtimestamp(sec).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            else:
                head = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%d %H:%M:%S")
            self._sec_cache[(sec, self.timestamps)] = head
        return f"{head}.{frac:03d}"

    def _label(self, source: str) -> str:
        w = self._label_width
        if len(source) > w:
            keep = w - 1
            source = source[: keep // 2] + "…" + source[len(source) - (keep - keep // 2) :]
        return source.ljust(w)

    def _message_text(self, line: LogLine, base: Style) -> Text:
        if line.sgr is not None:
            text = to_text(line.sgr).copy()
        else:
            raw = line.text
            if len(raw) > DISPLAY_LIMIT:
                text = Text(raw[:DISPLAY_LIMIT])
                text.append(
                    f" … [{len(raw) - DISPLAY_LIMIT:,} more characters]", self._component("log-view--marker")
                )
            else:
                text = Text(raw)
        if self.search is not None:
            match_style = self._component("log-view--match")
            plain = text.plain
            for m in self.search.finditer(plain):
                if m.end() > m.start():
                    text.stylize(match_style, m.start(), m.end())
        return text

    def _render_full(self, line: LogLine) -> list[Strip]:
        """The line's strips: one when not wrapping, one per screen row when wrapping."""
        key = (line.seq, self._gen)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        base = self._style
        segments: list[Segment] = []
        prefix_cells = 0
        if self.timestamps != "off":
            ts_style = base + self._component("log-view--timestamp")
            stamp = self._stamp(line.ts) + " "
            segments.append(Segment(stamp, ts_style))
            prefix_cells += len(stamp)
        if self.show_labels and self._label_width:
            style = self._source_styles.get(line.source) or Style()
            lab = self._label(line.source) + " "
            segments.append(Segment(lab, base + style))
            prefix_cells += len(lab)
        current = line is self._current
        line_base = base + self._component("log-view--current") if current else base
        if line.sgr is None and self.search is None and len(line.text) <= DISPLAY_LIMIT:
            msg_segments = [Segment(line.text, line_base)]
            msg_cells = len(line.text) if line.text.isascii() else cell_len(line.text)
        else:
            text = self._message_text(line, line_base)
            text.style = line_base  # under the match / colour spans
            text.no_wrap = True
            msg_segments = [s for s in text.render(self.app.console) if s.text != "\n"]
            msg_cells = sum(cell_len(s.text) for s in msg_segments)
        if not self.wrap:
            strips = [Strip(segments + msg_segments, prefix_cells + msg_cells)]
        else:
            width = self._offsets_width or self._wrap_width()
            msg = Strip(msg_segments, msg_cells)
            cuts = list(range(width, msg_cells, width)) + [msg_cells]
            pieces = msg.divide(cuts) if msg_cells > width else [msg]
            head = Strip(segments, prefix_cells)
            indent = Strip.blank(prefix_cells, base)
            strips = [Strip.join([head if i == 0 else indent, piece]) for i, piece in enumerate(pieces)]
            strips = strips or [head]
        self._cache[key] = strips
        return strips

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        row = scroll_y + y
        view = self._view
        offsets = self._wrap_offsets()
        if offsets is None:
            if row >= len(view):
                return Strip.blank(width, self._style)
            line = view[row]
            key = (line.seq, self._gen, row, scroll_x, width)
            strip = self._final.get(key)
            if strip is None:
                strip = self._render_full(line)[0]
                strip = strip.crop_extend(scroll_x, scroll_x + width, self._style).apply_offsets(
                    scroll_x, row
                )
                self._final[key] = strip
            return strip
        if row >= offsets[-1]:
            return Strip.blank(width, self._style)
        i = bisect_right(offsets, row) - 1
        line = view[i]
        key = (line.seq, self._gen, row, -1 - (row - offsets[i]), width)
        strip = self._final.get(key)
        if strip is None:
            strips = self._render_full(line)
            sub = row - offsets[i]
            strip = strips[sub] if sub < len(strips) else Strip.blank(width, self._style)
            strip = strip.crop_extend(0, width, self._style).apply_offsets(0, row)
            self._final[key] = strip
        return strip


def now_ms() -> int:
    return int(time.time() * 1000)
