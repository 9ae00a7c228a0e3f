"""A one-line bar with a left and a right part (pane title and counts; region and refresh time)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
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
        super().__init__("", id=id, classes=classes, markup=False)
        self.left = Text()
        self.right = Text()

    def set(self, left: Text | str, right: Text | str = "") -> None:
        left = left if isinstance(left, Text) else Text(left)
        right = right if isinstance(right, Text) else Text(right)
        if left == self.left and right == self.right:
            return
        self.left, self.right = left, right
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(left, right)
        self.update(grid)

    @property
    def plain(self) -> str:
        return f"{self.left.plain}  {self.right.plain}"
