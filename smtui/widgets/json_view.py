"""Pretty, highlighted JSON of an untrusted document (a Describe response), datetimes in ISO 8601.

``json.dumps`` escapes C0 controls (ESC becomes ``\\u001b``); C1 controls and bidi overrides are
escaped here too, so nothing in the document can reach the terminal as a control sequence.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from rich.highlighter import JSONHighlighter
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        when = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return when.isoformat()
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def to_json(document: Any) -> str:
    """Indented JSON, datetimes as ISO 8601, with every control character escaped."""
    text = json.dumps(document, indent=2, ensure_ascii=False, default=_default, sort_keys=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def highlighted(document: Any) -> Text:
    text = Text(to_json(document), no_wrap=False)
    JSONHighlighter().highlight(text)
    return text


class JsonView(VerticalScroll):
    """A scrollable, highlighted JSON document."""

    DEFAULT_CSS = """
    JsonView {
        height: 1fr;
        padding: 0 1;
    }
    JsonView > Static {
        width: 1fr;
    }
    """

    def __init__(self, document: Any = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, can_focus=True)
        self.document = document
        self._static = Static("", markup=False)

    def compose(self):  # type: ignore[no-untyped-def]
        yield self._static

    def on_mount(self) -> None:
        if self.document is not None:
            self.set_document(self.document)

    def set_document(self, document: Any) -> None:
        self.document = document
        self._static.update(highlighted(document))

    @property
    def text(self) -> str:
        return to_json(self.document) if self.document is not None else ""
