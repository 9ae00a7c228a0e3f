"""The main screen: one live, filterable pane per resource kind (keys 1-4), the audit pane (5), the ``:``
command line and the palette's resource directory. The panes are :class:`~smtui.screens.pane.ResourcePane`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, Static

from smtui.aws.resources import BY_KEY, KINDS, ResourceKind
from smtui.commands import AUDIT_KEY, pane_words
from smtui.screens.pane import ResourcePane
from smtui.shell import shell
from smtui.text import clean
from smtui.widgets.footer import KeyFooter

if TYPE_CHECKING:  # pragma: no cover
    from smtui.widgets.command_line import CommandLine


def _tabs(items: list[tuple[str, str, str]], current: str) -> Text:
    """`` 1 Endpoints   2 Training jobs ...``: each pane's key and title, the shown one reversed."""
    tabs = Text()
    for number, key, title in items:
        tabs.append(f" {number} ", style="bold " + ("reverse" if key == current else "dim"))
        tabs.append(f"{title} ", style="bold reverse" if key == current else "")
        tabs.append(" ")
    return tabs


def _commands() -> type:
    """The palette's provider, imported when the palette first opens (not before the first frame)."""
    from smtui.screens.palette import SmtuiCommands

    return SmtuiCommands


class MainScreen(Screen[None]):
    HELP_TITLE = "main screen"
    HELP = (
        "/ filters the rows as you type (substring, or a regex when it has regex characters); "
        "f sets a server-side filter (status, name, created after); s cycles the sort column, "
        f"S reverses it; enter opens a row; : switches pane by name ({pane_words()}, audit)."
    )
    COMMANDS = {_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(k.pane_key, f"show_pane('{k.key}')", k.title, show=False, id=f"pane.{k.key}")
            for k in KINDS
            if k.pane_key
        ],
        Binding(AUDIT_KEY, "show_pane('audit')", "Audit", show=False, id="pane.audit"),
        Binding("colon", "command", "Command", id="main.command"),
        Binding("q", "app.quit", "Quit", id="app.quit-main"),
    ]

    _hidden_mounted = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pane-tabs")
        with ContentSwitcher(initial=KINDS[0].key, id="panes"):
            # only the first pane is composed before the first frame; the others are mounted right after
            # it (see on_mount), so start-up stays close to a bare Textual app's
            yield ResourcePane(KINDS[0])
        yield KeyFooter()

    def on_mount(self) -> None:
        # kinds without a number key get one where the settings file pins them ([keys] "pane.notebook" = "6")
        keys = shell(self).settings.keys
        for kind in KINDS:
            pinned = keys.get(f"pane.{kind.key}")
            if pinned and not kind.pane_key:
                self._bindings.bind(pinned, f"show_pane('{kind.key}')", kind.title, show=False)
        self.call_after_refresh(self._mount_hidden_panes)

    def _mount_hidden_panes(self) -> None:
        """Mount the panes not composed up front (hidden); after the first frame, or when first needed.

        ``mount`` registers the widgets at once, so queries and the switcher find them right away.
        """
        if (
            self._hidden_mounted or not self.is_attached
        ):  # (not attached: the app quit before its first frame)
            return
        self._hidden_mounted = True
        from smtui.screens.audit import AuditPane
        from smtui.widgets.command_line import CommandLine

        audit = AuditPane()
        audit.id = "audit"
        panes: list[Any] = [ResourcePane(kind) for kind in KINDS[1:]] + [audit]
        for pane in panes:
            pane.display = False
        self.query_one(ContentSwitcher).mount_all(panes)
        line = CommandLine(id="command")
        line.display = False
        self.mount(line, before=self.query_one(KeyFooter))
        self._draw_tabs()
        self.set_interval(1.0, self._clock, name="status clock")
        self._clock_ticks = 0
        # The visible pane loads first; the others load once after it (so the palette can find any
        # resource), then only the visible one refreshes.
        current = self.pane()
        if current is not None:
            current.refresh_now()
        self._warmed = False
        self.set_timer(3.0, self.warm_hidden_panes)
        self.current_pane_widget_focus()

    def warm_hidden_panes(self) -> None:
        if self._warmed:
            return
        self._warmed = True
        for pane in self.panes():
            if not pane.loaded and not pane.busy:
                pane.refresh_now()

    @property
    def current(self) -> str:
        return self.query_one(ContentSwitcher).current or KINDS[0].key

    def pane(self, key: str | None = None) -> ResourcePane | None:
        key = key or self.current
        if key not in BY_KEY:
            return None
        found = self.query(f"#{key}")
        if not found:  # a pane that is mounted only after the first frame, asked for before it
            self._mount_hidden_panes()
            found = self.query(f"#{key}")
        return found.only_one(ResourcePane)

    def panes(self) -> Iterator[ResourcePane]:
        self._mount_hidden_panes()
        return iter(self.query(ResourcePane))

    def _draw_tabs(self) -> None:
        items = [(k.pane_key, k.key, k.title) for k in KINDS if k.pane_key] + [(AUDIT_KEY, "audit", "Audit")]
        if not any(key == self.current for _, key, _ in items):  # a kind reached with ":" or the palette
            items.append((":", self.current, BY_KEY[self.current].title))
        tabs = _tabs(items, self.current)
        if tabs.cell_len > self.size.width:  # a narrow terminal: "Training" for "Training jobs"
            tabs = _tabs([(n, key, title.split()[0]) for n, key, title in items], self.current)
        self.query_one("#pane-tabs", Static).update(tabs)

    def on_resize(self, event: events.Resize) -> None:
        if self._hidden_mounted:
            self._draw_tabs()

    def _clock(self) -> None:
        self._clock_ticks += 1
        pane = self.pane()
        if pane is not None and pane.on_screen:
            pane.update_status()
            if self._clock_ticks % 5 == 0:
                pane.table.touch()

    def on_screen_resume(self) -> None:
        pane = self.pane()
        if pane is not None:
            pane.start()

    def current_pane_widget_focus(self) -> None:
        pane = self.pane()
        if pane is not None:
            pane.table.focus()
        else:
            self.set_focus(None)

    def action_show_pane(self, key: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == key:
            return
        self._mount_hidden_panes()
        switcher.current = key
        self._draw_tabs()
        pane = self.pane(key)
        if pane is not None:
            pane.start()
            pane.update_state()
        self.current_pane_widget_focus()
        if key == "audit":
            audit = self.query_one("#audit")
            for widget in audit.query("*"):
                if widget.focusable:
                    widget.focus()
                    break

    # ------------------------------------------------------------------ command line
    def _command_line(self) -> CommandLine:
        from smtui.widgets.command_line import CommandLine

        self._mount_hidden_panes()
        return self.query_one("#command", CommandLine)

    def action_command(self) -> None:
        self._command_line().open()

    @on(Input.Submitted, "#command-input")
    def _command(self, event: Input.Submitted) -> None:
        event.stop()
        from smtui.commands import parse_command

        line = self._command_line()
        cmd = parse_command(event.value)
        if cmd.error:
            line.refuse(cmd.error)  # stays open and empty, saying why: the next word is typed afresh
            return
        line.close()
        if cmd.quit:
            self.app.exit()
            return
        if cmd.pane:
            self.action_show_pane(cmd.pane)
            target = self.pane(cmd.pane) if cmd.pane in BY_KEY else self.query_one(f"#{cmd.pane}")
            set_filter = getattr(target, "set_filter", None)  # a resource pane filters its rows by it;
            if cmd.arg and set_filter is not None:  # the audit pane picks the identity
                set_filter(cmd.arg)
        self.current_pane_widget_focus()

    def on_key(self, event: events.Key) -> None:
        if event.key != "escape" or not self.query("#command"):
            return
        line = self._command_line()
        if line.display:
            event.stop()
            line.close()
            self.current_pane_widget_focus()

    # ------------------------------------------------------------------ palette helpers
    def all_resources(self) -> Iterator[tuple[ResourceKind, str, str]]:
        for pane in self.panes():
            for name, summary in list(pane.listing.summaries.items()):
                yield pane.kind, clean(name), clean(pane.kind.status_of(summary))

    def action_open_resource(self, kind_key: str, name: str) -> None:
        """Show ``name``'s pane with its row under the cursor, and open its details (the palette's jump)."""
        self.action_show_pane(kind_key)
        pane = self.pane(kind_key)
        if pane is None:
            return
        if pane.table.filter_text and not pane.table.move_to(name):
            pane.action_clear_filter()
        pane.table.move_to(name)
        pane.open_detail(name)
