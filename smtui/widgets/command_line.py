"""The ``:`` command line: a prompt, an input with the pane words as suggestions (tab accepts), and the
answer to the last command when it was not understood, in place."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from smtui.commands import command_words, pane_words

PLACEHOLDER = f"pane: {pane_words()}, audit, q (tab completes, escape closes)"


class CommandInput(Input):
    """The input of the command line; tab accepts the suggestion."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False, id="command.complete"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            placeholder=PLACEHOLDER,
            suggester=SuggestFromList(command_words(), case_sensitive=False),
            **kwargs,
        )

    def action_complete(self) -> None:
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
        self.cursor_position = len(self.value)


class CommandLine(Horizontal):
    """``:`` and its input. :meth:`open` shows it empty; :meth:`refuse` keeps it open, empty, with why."""

    DEFAULT_CSS = """
    CommandLine { dock: bottom; height: 3; border: round $accent; padding: 0 1; }
    CommandLine > Label { width: 2; color: $text-accent; text-style: bold; }
    CommandLine > CommandInput, CommandLine > CommandInput:focus {
        border: none; height: 1; padding: 0; width: 1fr; background: $surface;
    }
    CommandLine > CommandInput.-refused > .input--placeholder { color: $text-error; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Label(":")
        yield CommandInput(id="command-input")

    @property
    def input(self) -> CommandInput:
        return self.query_one(CommandInput)

    @property
    def value(self) -> str:
        return self.input.value

    def open(self) -> None:
        box = self.input
        box.value = ""
        box.placeholder = PLACEHOLDER
        box.remove_class("-refused")
        self.display = True
        box.focus()

    def refuse(self, why: str) -> None:
        """The command was not understood: say why where the user looks, and let them type again."""
        box = self.input
        box.value = ""
        box.placeholder = why
        box.add_class("-refused")
        box.focus()

    def close(self) -> None:
        self.input.value = ""
        self.display = False
