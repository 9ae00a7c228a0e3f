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

from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from smtui.savefile import write_whole
from smtui.widgets.log_base import FollowState, LogViewBase
from smtui.widgets.log_render import PALETTE, TIMESTAMP_MODES, Stamps
from smtui.widgets.log_search import Search
from smtui.widgets.log_store import Chunk, LogLine

__all__ = ["PALETTE", "TIMESTAMP_MODES", "FollowState", "LogLine", "LogView"]


class LogView(LogViewBase, can_focus=True):
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

    # ------------------------------------------------------------------ follow
    def set_following(self, on: bool) -> None:
        self.following = on
        self.paused = False
        self.waiting = 0
        if on:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        self._post_follow()

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
        return write_whole(path, self.lines_to_save(matches_only))


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
