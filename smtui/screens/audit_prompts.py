"""The Audit pane's prompts (identity, event, resource, text, window, save path) and saving: the filtered
events or, in the summary view, the identity summary, as JSON, CSV, TSV or Markdown with the query at the top.
A mixin of :class:`smtui.screens.audit.AuditPane`, kept apart so each module stays one concept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.events import Key
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import DataTable, Input

from smtui.aws.timegrammar import parse_window
from smtui.aws.trail.events import NO_IDENTITY, NO_IDENTITY_LABEL, RETENTION, TrailEvent
from smtui.aws.trail.export import FORMATS, ExportHeader, export_events, export_summary
from smtui.savefile import write_whole

if TYPE_CHECKING:  # pragma: no cover
    from datetime import timedelta

    from smtui.aws.trail.filters import EventFilter, IdentityIndex
    from smtui.aws.trail.lookup import ScanProgress, TrailQuery
    from smtui.widgets.resource_table import ResourceTable


class AuditPrompts(Widget):
    """The prompts and saving of :class:`~smtui.screens.audit.AuditPane` (which it is mixed into)."""

    if TYPE_CHECKING:  # what the pane provides
        filter: EventFilter
        server_event_name: str | None
        server_resource: str | None
        events: list[TrailEvent]
        index: IdentityIndex
        progress: ScanProgress | None
        trail_query: TrailQuery | None
        summary_mode: bool
        shown: int
        hidden_own: int
        prompt_mode: str
        start_at: datetime | None
        end_at: datetime | None
        window: timedelta
        _save_confirm: str

        @property
        def table(self) -> ResourceTable: ...
        @property
        def options(self) -> dict[str, Any]: ...
        @property
        def server_side(self) -> str: ...
        @property
        def server_filters_all(self) -> bool: ...
        @property
        def server_target(self) -> str: ...
        def _window(self) -> tuple[datetime, datetime]: ...
        def _refilter(self, *, recount: bool = False) -> None: ...
        def pick_identity(self, identity: str | None) -> None: ...
        def action_reload(self) -> None: ...

    # ------------------------------------------------------------------ saving
    def shown_events(self) -> list[TrailEvent]:
        table = self.table
        return [table.get_raw(k) for k in table.visible_rows()]

    def export_header(self) -> ExportHeader:
        start, end = self._window()
        q = self.trail_query
        p = self.progress
        via = p.via if p is not None else "LookupEvents"
        if self.server_side:
            via = self.server_target
        return ExportHeader(
            start=q.start if q else start,
            end=q.end if q else end,
            filters=self.filter.describe() + (f", {q.describe()}" if q else ""),
            via=via,
            event_source=q.event_source if q else None,
            hidden_own=self.hidden_own,
            scanned=p.scanned if p else 0,
            complete=bool(p and p.done and not p.cancelled and p.error is None),
        )

    def export_text(self, fmt: str) -> str:
        """What ``ctrl+s`` writes: the identity summary in the summary view, else the events shown."""
        if self.summary_mode:
            return export_summary(self.index.summaries(), fmt, self.export_header())
        return export_events(self.shown_events(), fmt, self.export_header())

    def default_save_path(self) -> Path:
        what = "audit-summary" if self.summary_mode else "audit"
        return Path.cwd() / f"smtui-{what}-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"

    def save(self, value: str) -> bool:
        """Write the export to ``value`` (its extension picks the format). False when nothing was written."""
        path = Path(value).expanduser()
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            self.notify(f"{path.name}: end the name in .json, .csv, .tsv or .md", severity="warning")
            return False
        if path.exists() and self._save_confirm != str(path):
            self._save_confirm = str(path)
            self.notify(f"{path} exists: press enter again to overwrite it", severity="warning", timeout=6)
            return False
        self._save_confirm = ""
        try:
            write_whole(path, [self.export_text(fmt)])
        except OSError as exc:
            self.notify(f"could not save {path}: {exc.strerror or exc}", severity="error", timeout=8)
            return False
        what = "identity summary" if self.summary_mode else f"{self.shown:,} events"
        self.notify(f"Saved the {what} to {path.resolve()}", timeout=6)
        return True

    # ------------------------------------------------------------------ prompts
    _PROMPTS: ClassVar[dict[str, str]] = {
        "identity": "sourceIdentity to show (empty: all; '-' : events without one)",
        "event": "event name, exact (e.g. CreateTrainingJob); looked up on the server; empty clears",
        "resource": "resource name, exact (e.g. resnet50-imagenet); empty clears",
        "text": "filter text (any column); empty clears",
        "window": "time window: 24h, 7d, 90d, since 2026-11-20, or 2026-11-20T08:00..2026-11-21",
        "save": "save to (.json, .csv, .tsv or .md)",
    }

    def action_prompt(self, mode: str) -> None:
        box = self.query_one("#audit-input", Input)
        self.prompt_mode = mode
        box.placeholder = self._PROMPTS.get(mode, mode)
        suggestions: list[str] = []
        if mode == "identity":
            suggestions = [s.identity for s in self.index.summaries() if s.identity]
            box.value = "" if self.filter.identity is None else (self.filter.identity or "-")
        elif mode == "event":
            suggestions = sorted({e.name for e in self.events})
            box.value = self.server_event_name or ""
        elif mode == "resource":
            suggestions = sorted({e.resource for e in self.events if e.resource})
            box.value = self.server_resource or ""
        elif mode == "text":
            box.value = self.filter.text
        elif mode == "window":
            box.value = ""
        elif mode == "save":
            self._save_confirm = ""
            box.value = str(self.default_save_path())
        box.suggester = SuggestFromList(suggestions, case_sensitive=True) if suggestions else None
        box.display = True
        box.focus()

    def _close_prompt(self) -> None:
        box = self.query_one("#audit-input", Input)
        box.display = False
        self.prompt_mode = ""
        (self.query_one("#audit-summary", DataTable) if self.summary_mode else self.table).focus()

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and self.prompt_mode:
            event.stop()
            self._close_prompt()

    def submit_prompt(self, text: str) -> None:
        """The prompt's line was submitted (the pane's Input.Submitted handler calls this)."""
        mode, value = self.prompt_mode, text.strip()
        if mode == "save":
            if value and self.save(value):
                self._close_prompt()
            return
        if mode == "window":
            self._set_window(value)
            return
        self._close_prompt()
        if mode == "identity":
            self.pick_identity(
                None if not value else (NO_IDENTITY if value in ("-", NO_IDENTITY_LABEL) else value)
            )
        elif mode == "text":
            changed = value != self.filter.text
            self.filter = self.filter.with_(text=value)
            if changed and self.server_filters_all:
                self.action_reload()
            else:
                self._refilter()
        elif mode in ("event", "resource"):
            if mode == "event":
                self.server_event_name = value or None
            else:
                self.server_resource = value or None
            self.action_reload()

    def _set_window(self, value: str) -> None:
        try:
            start, end = parse_window(value or "24h")
        except ValueError as exc:
            self.notify(str(exc), severity="warning", timeout=5)
            return
        self._close_prompt()
        now = datetime.now(UTC)
        if (end or now) - start > RETENTION:
            self.notify("CloudTrail event history keeps 90 days: the window is cut to 90 days.", timeout=4)
        if end is None and "since" not in value.lower() and ".." not in value:
            self.start_at, self.end_at, self.window = None, None, (now - start)
        else:
            self.start_at, self.end_at = start, end
        self.action_reload()
