"""Drawing one log line: timestamp, coloured source label, message with search matches, wrapped or not.

Only the lines on screen are drawn (the view's ``render_line``), each once per look (an LRU cache of
strips in the view). Timestamps are formatted once per second shown; a message with SGR colours becomes a
Rich ``Text`` (:func:`smtui.text.to_text`, itself cached), a plain one a single segment.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from smtui.text import DISPLAY_LIMIT, to_text
from smtui.widgets.log_search import Search

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
#: below this many columns the view is narrow: short times and labels, wrap on unless turned off
NARROW = 100
LABEL_MAX_NARROW = 12
TIMESTAMP_MODES = ("utc", "local", "off")


def label_style(n: int) -> Style:
    """The style of the ``n``-th source: past the palette the same colours, bold, then underlined."""
    variant = n // len(PALETTE)
    return Style(color=PALETTE[n % len(PALETTE)], bold=variant % 2 == 1, underline=variant >= 2)


def cut_label(source: str, width: int) -> str:
    """``source`` in ``width`` cells: cut in the middle with ``…`` when longer, padded when shorter."""
    if len(source) > width:
        keep = width - 1
        source = source[: keep // 2] + "…" + source[len(source) - (keep - keep // 2) :]
    return source.ljust(width)


class Stamps:
    """Timestamps as text, formatted once per second (UTC or local; long or, when narrow, HH:MM:SS)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str, bool], str] = {}

    def __call__(self, ms: int, mode: str, short: bool = False) -> str:
        sec, frac = divmod(ms, 1000)
        key = (sec, mode, short)
        head = self._cache.get(key)
        if head is None:
            if len(self._cache) > 8192:
                self._cache.clear()
            dt = (
                datetime.fromtimestamp(sec).astimezone()
                if mode == "local"
                else datetime.fromtimestamp(sec, UTC)
            )
            head = self._cache[key] = dt.strftime("%H:%M:%S" if short else "%Y-%m-%d %H:%M:%S")
        return head if short else f"{head}.{frac:03d}"

    @staticmethod
    def width(mode: str, short: bool) -> int:
        """Cells the column takes, with its space."""
        return 0 if mode == "off" else (9 if short else 24)


def message_text(text: str, sgr: str | None, search: Search | None, marker: Style, match: Style) -> Text:
    """The message as Rich Text: SGR colours as styles, cut past the display limit, matches highlighted."""
    if sgr is not None:
        out = to_text(sgr).copy()
    elif len(text) > DISPLAY_LIMIT:
        out = Text(text[:DISPLAY_LIMIT])
        out.append(f" … [{len(text) - DISPLAY_LIMIT:,} more characters]", marker)
    else:
        out = Text(text)
    if search is not None:
        plain = out.plain
        for m in search.regex.finditer(plain):
            if m.end() > m.start():
                out.stylize(match, m.start(), m.end())
    return out


def line_strips(
    *,
    console: Console,
    prefix: list[Segment],
    prefix_cells: int,
    text: str,
    sgr: str | None,
    search: Search | None,
    base: Style,
    marker: Style,
    match: Style,
    wrap_width: int | None,
) -> list[Strip]:
    """The strips of one line: one without wrap, one per screen row with wrap at ``wrap_width``."""
    if sgr is None and search is None and len(text) <= DISPLAY_LIMIT:
        msg_segments = [Segment(text, base)]
        msg_cells = len(text) if text.isascii() else cell_len(text)
    else:
        rich = message_text(text, sgr, search, marker, match)
        rich.style = base  # under the match / colour spans
        rich.no_wrap = True
        msg_segments = [s for s in rich.render(console) if s.text != "\n"]
        msg_cells = sum(cell_len(s.text) for s in msg_segments)
    if wrap_width is None:
        return [Strip(prefix + msg_segments, prefix_cells + msg_cells)]
    width = wrap_width
    msg = Strip(msg_segments, msg_cells)
    cuts = [*range(width, msg_cells, width), msg_cells]
    pieces = msg.divide(cuts) if msg_cells > width else [msg]
    head = Strip(prefix, prefix_cells)
    indent = Strip.blank(prefix_cells, base)
    strips = [Strip.join([head if i == 0 else indent, piece]) for i, piece in enumerate(pieces)]
    return strips or [head]
