"""The log screen's prompts and pickers: the one-line prompt (search, filter pattern, time range, save), the
sources picker, and the question before a save overwrites a file."""

from __future__ import annotations

import os
import time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static

from smtui.text import clean
from smtui.widgets.log_view import LogView


class LogPrompt(Horizontal):
    """A label and an input under the log view; hidden until asked for. Posts :class:`LogPrompt.Submitted`."""

    DEFAULT_CSS = """
    LogPrompt { height: 1; display: none; }
    LogPrompt.-open { display: block; }
    LogPrompt > #logs-prompt-label { width: auto; max-width: 50%; padding: 0 1; background: $panel; }
    LogPrompt > Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    LogPrompt > Input:focus { border: none; }  /* Input's own :focus border would outrank the rule above */
    """

    PLACEHOLDERS: ClassVar[dict[str, str]] = {
        "search": "regular expression; enter finds, empty clears",
        "pattern": "CloudWatch filter pattern, applied by the service (empty clears)",
        "range": "5m, 1h, 2d, start, 2026-11-27 14:00, 14:00",
        "save": "a file name or path",
    }
    LABELS: ClassVar[dict[str, str]] = {
        "search": "search /",
        "pattern": "filter pattern",
        "range": "from when",
        "save": "save to",
    }

    class Submitted(Message):
        def __init__(self, mode: str, value: str) -> None:
            super().__init__()
            self.mode = mode
            self.value = value

    def __init__(self) -> None:
        super().__init__(id="logs-prompt")
        self.mode = ""
        self._label = Static(id="logs-prompt-label")
        self.input = Input(id="logs-input")

    def compose(self) -> ComposeResult:
        yield self._label
        yield self.input

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def ask(self, mode: str, value: str = "", label: str | None = None) -> None:
        self.mode = mode
        self._label.update(Text(label or self.LABELS[mode]))
        self.input.placeholder = self.PLACEHOLDERS[mode]
        self.input.value = value
        self.input.cursor_position = len(value)
        self.add_class("-open")
        self.input.focus()

    def close(self) -> None:
        self.remove_class("-open")

    @on(Input.Submitted, "#logs-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Submitted(self.mode, event.value.strip()))


def save_label(path: str, lines: int, matches_only: bool) -> str:
    """What the save prompt says: how many lines, and the directory a bare name lands in."""
    what = f"{lines:,} line{'s' if lines != 1 else ''}{' (matches only)' if matches_only else ''}"
    return f"save {what} to (in {os.path.dirname(path)})"


def default_save_path(resource_name: str, matches_only: bool) -> str:
    """``NAME.log`` (or ``NAME-matches.log``) in the working directory, as a full path."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in resource_name)
    return os.path.abspath(f"{safe}{'-matches' if matches_only else ''}.log")


class OverwriteScreen(ModalScreen[bool]):
    """Asks before a save replaces a file: y overwrites, n or escape keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Overwrite", id="overwrite.yes"),
        Binding("n,escape", "answer(False)", "Keep it", id="overwrite.no"),
    ]
    DEFAULT_CSS = """
    OverwriteScreen { align: center middle; }
    OverwriteScreen > Vertical { width: 70; max-width: 95%; height: auto; border: round $warning;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        try:
            st = os.stat(self.path)
            about = f"{st.st_size:,} bytes, changed {time.strftime('%Y-%m-%d %H:%M', time.localtime(st.st_mtime))}"
        except OSError:
            about = "it exists"
        with Vertical():
            yield Static(Text(f"{clean(self.path)} already exists ({about}).", style="bold"))
            yield Static("Overwrite it? y overwrites, n or escape keeps it.")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class SourcesScreen(ModalScreen[None]):
    """Pick the sources to show (changes apply at once; the first line says which are shown)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="sources.close"),
        Binding("a", "all", "All", id="sources.all"),
    ]
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical { width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1; }
    SourcesScreen #sources-shown { color: $text; text-style: bold; }
    SourcesScreen SelectionList { height: auto; max-height: 30; }
    """

    def __init__(self, view: LogView) -> None:
        super().__init__()
        self.view = view
        self._summary = Static(id="sources-shown")

    def compose(self) -> ComposeResult:
        shown = self.view.sources
        with Vertical():
            yield self._summary
            yield Static(
                "space or click shows/hides the highlighted source · a shows all · escape closes",
                classes="dim",
            )
            yield SelectionList[str](
                *[(Text(s), s, shown is None or s in shown) for s in self.view.source_names]
            )

    def on_mount(self) -> None:
        self._describe()

    def _describe(self) -> None:
        names = self.view.source_names
        shown = names if self.view.sources is None else [s for s in names if s in self.view.sources]
        if len(shown) == len(names):
            text = f"Showing all {len(names)} source{'s' if len(names) != 1 else ''}"
        elif not shown:
            text = f"Showing none of {len(names)} sources"
        else:
            text = f"Showing {len(shown)} of {len(names)}: {', '.join(shown)}"
        self._summary.update(Text(clean(text)))

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self.view.set_sources(set(event.selection_list.selected))
        self._describe()

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
