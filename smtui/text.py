"""Cleaning untrusted text (log lines, CloudTrail fields, tags, failure reasons) before display.

Textual and Rich pass ESC sequences in a string straight to the terminal, so every string that
comes from AWS goes through :func:`clean` (plain text) or :func:`to_text` (Rich Text that keeps
SGR colours as styles) before any widget sees it. Nothing here imports Textual or botocore.

What is removed:
- every ESC sequence: CSI (cursor movement, screen clears, ...), OSC (title, clipboard, hyperlinks),
  DCS/SOS/PM/APC strings, two-byte escapes, and a lone ESC;
- their 8-bit forms (C1 0x80-0x9F, including 0x9B CSI and 0x9D OSC with their parameters);
- C0 controls except tab (and newline where the caller keeps lines), and DEL; in one-line text (the
  default) a tab and the Unicode line and paragraph separators (U+2028, U+2029) become spaces, so a cell
  stays one cell (a tab would split a line of TSV); with ``newlines=True`` the separators become newlines;
- Unicode bidi overrides and isolates, which can make text read differently from what it is;
- lone surrogates (undecodable bytes) become U+FFFD, since a terminal cannot be sent them at all.
SGR colour sequences (``ESC [ ... m``) are removed by :func:`clean` and turned into styles by
:func:`to_text`; they are never passed through raw.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.text import Text

# A string terminator for OSC/DCS/...: BEL, ESC \, or the 8-bit ST (0x9C).
_ST = r"(?:\x07|\x1b\\|\x9c)"
_ESCAPES = re.compile(
    r"""
      \x1b\[ [0-?]* [ -/]* [@-~]?             # CSI (7-bit), possibly unterminated
    | \x9b   [0-?]* [ -/]* [@-~]?             # CSI (8-bit)
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]) # OSC, DCS, SOS, PM, APC ...
      (?:[^\x07\x1b\x9c]|\x1b(?!\\))*  """
    + _ST
    + r"""?  # ... up to ST or the end
    | \x1b [ -/]* [0-~]                       # other escapes: ESC 7, ESC ( B, ESC c ...
    | \x1b                                    # a lone ESC
    """,
    re.VERBOSE,
)
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
# C0 except \t and \n, DEL, C1, bidi embedding/override/isolate controls.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_NO_NL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates (bytes that were not UTF-8, decoded with surrogateescape, or "\udcff" escapes in JSON)
# cannot be written to a UTF-8 terminal at all: they become U+FFFD, the replacement character.
_SURROGATES = re.compile("[\ud800-\udfff]")

# One-line text: newline, tab and the Unicode line/paragraph separators become spaces.
_ONE_LINE = str.maketrans({"\n": " ", "\t": " ", "\u2028": " ", "\u2029": " "})
_SEPARATORS_TO_NL = str.maketrans({"\u2028": "\n", "\u2029": "\n"})

#: Lines longer than this are shown cut, with a marker; saved files keep them whole.
DISPLAY_LIMIT = 4096


def collapse_cr(s: str) -> str:
    """Show a carriage-return progress line (tqdm) as its final state.

    ``"10%\\r50%\\r100%"`` becomes ``"100%"``; a trailing ``\\r`` (``"line\\r\\n"``) is ignored.
    Applied per line, so a multi-line message keeps its other lines.
    """
    if "\r" not in s:
        return s
    out = []
    for line in s.split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p]
            line = parts[-1] if parts else ""
        out.append(line)
    return "\n".join(out)


def clean(s: object, *, newlines: bool = False) -> str:
    """Return ``s`` as a string that is safe to show in a terminal.

    With ``newlines=False`` (the default, for one-line cells) newlines become spaces.
    """
    if s is None:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if not s.isascii():
        s = _SURROGATES.sub("\ufffd", s)
    s = collapse_cr(s)
    s = _ESCAPES.sub("", s)
    if newlines:
        if "\u2028" in s or "\u2029" in s:
            s = s.translate(_SEPARATORS_TO_NL)
        return _CONTROLS.sub("", s)
    s = s.translate(_ONE_LINE)
    return _CONTROLS_NO_NL.sub("", s)


def clean_keep_sgr(s: str) -> str:
    """Like :func:`clean` (newlines kept) but SGR colour sequences stay, for :func:`to_text`."""
    if not s.isascii():
        s = _SURROGATES.sub("\ufffd", s)
    s = collapse_cr(s)
    pieces: list[str] = []
    pos = 0
    for m in _ESCAPES.finditer(s):
        pieces.append(_CONTROLS.sub("", s[pos : m.start()]))
        if _SGR.fullmatch(m.group(0)):
            pieces.append(m.group(0))
        pos = m.end()
    pieces.append(_CONTROLS.sub("", s[pos:]))
    return "".join(pieces)


def truncate(s: str, limit: int = DISPLAY_LIMIT) -> str:
    """Cut ``s`` to ``limit`` characters with a marker that says how much was left out."""
    if len(s) <= limit:
        return s
    return f"{s[:limit]} … [{len(s) - limit:,} more characters]"


@lru_cache(maxsize=4096)
def to_text(s: str, limit: int = DISPLAY_LIMIT) -> Text:
    """Rich ``Text`` for an untrusted string: SGR colours become styles, everything else is removed.

    The result's ``plain`` never contains ESC or any other control character but tab/newline.
    """
    from rich.text import Text

    if "\x1b" in s or "\x9b" in s:
        cleaned = clean_keep_sgr(s)
        text = Text.from_ansi(cleaned) if "\x1b" in cleaned else Text(cleaned)
    else:
        text = Text(clean(s, newlines=True))
    if len(text) > limit:
        extra = len(text) - limit
        text = text[:limit]
        text.append(f" … [{extra:,} more characters]", style="dim italic")
    return text
