"""A one-line bar with a left and a right part (pane title and counts; region and refresh time).

A plain Widget whose ``render`` returns the current line: updating it repaints one line and never
asks the screen for a new layout (``Static.update`` would)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget


class StatusBar(Widget):
    """``set(left, right)`` with rich Text (never markup: parts may hold names from AWS)."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.left = Text()
        self.right = Text()

    def set(self, left: Text | str, right: Text | str = "") -> None:
        left = left if isinstance(left, Text) else Text(left)
        right = right if isinstance(right, Text) else Text(right)
        if left == self.left and right == self.right:
            return
        self.left, self.right = left, right
        self.refresh()

    def render(self) -> RenderableType:
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(self.left, self.right)
        return grid

    @property
    def plain(self) -> str:
        return f"{self.left.plain}  {self.right.plain}"
