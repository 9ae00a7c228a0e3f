"""One resource's CloudTrail history (``t`` on a resource row or a detail screen): LookupEvents
ResourceName=<name>, then the EventSource window scanned for events that name it; who created, updated,
stopped or deleted it."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Static

from smtui.aws.errors import AwsError
from smtui.aws.resources import ResourceKind
from smtui.aws.timegrammar import parse_when
from smtui.aws.trail.events import RETENTION, TrailEvent
from smtui.aws.trail.filters import lifecycle, lifecycle_line
from smtui.aws.trail.lookup import ScanProgress, resource_history
from smtui.shell import ReportsFailures, shell
from smtui.widgets.footer import KeyFooter
from smtui.widgets.resource_table import ResourceTable
from smtui.widgets.trail_table import event_table


class ResourceTrailScreen(ReportsFailures, Screen[None]):
    """CloudTrail history of one resource: LookupEvents ResourceName=<name>, then the EventSource
    window scanned for events that name it; who created, updated, stopped or deleted it."""

    HELP_TITLE = "CloudTrail history"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="trail.back"),
        Binding("x", "cancel", "Stop loading", id="trail.cancel"),
        Binding("r", "reload", "Reload", id="trail.reload"),
        Binding("w", "window", "Time window", id="trail.window"),
    ]
    DEFAULT_WINDOW = timedelta(days=7)
    DEFAULT_CSS = """
    ResourceTrailScreen #trail-lifecycle { height: auto; max-height: 9; padding: 0 1; }
    ResourceTrailScreen #trail-title { padding: 0 1; }
    ResourceTrailScreen #trail-progress { height: 1; }
    ResourceTrailScreen #trail-error { height: auto; color: $error; }
    ResourceTrailScreen #trail-events { height: 1fr; }
    """

    def __init__(self, kind: ResourceKind, name: str, *, start: datetime | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.start_at = start
        self.events: list[TrailEvent] = []
        self.scanning = False
        self.phase = ""
        self.progress: ScanProgress | None = None
        self._gen = 0

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"CloudTrail history of {self.kind.singular} {self.resource_name}", style="bold"),
            id="trail-title",
        )
        yield Static(Text("looking up…", style="dim"), id="trail-lifecycle")
        yield Static("", id="trail-progress")
        yield Static("", id="trail-error")
        yield event_table("trail-events")
        yield Input(id="trail-input", placeholder="window start: 7d, 30d, 90d or 2026-11-20T08:00")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#trail-error", Static).display = False
        self.query_one("#trail-input", Input).display = False
        self.query_one("#trail-events", ResourceTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    def action_cancel(self) -> None:
        if self.scanning:
            self.workers.cancel_group(self, "trail-load")

    def action_window(self) -> None:
        box = self.query_one("#trail-input", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#trail-input")
    def _window_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.start_at = parse_when(event.value or "7d")
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        event.input.display = False
        self.query_one("#trail-events", ResourceTable).focus()
        self.load()

    async def _creation_time(self, aws: Any) -> datetime | None:
        try:
            resp = await aws.call(
                "sagemaker", self.kind.describe_op, **self.kind.describe_params(self.resource_name)
            )
        except AwsError:
            return None
        t = resp.get("CreationTime")
        return t if isinstance(t, datetime) else None

    @work(exclusive=True, group="trail-load")
    async def load(self) -> None:
        self._gen += 1
        gen = self._gen
        self.progress = None
        table = self.query_one("#trail-events", ResourceTable)
        table.clear()
        self.events = []
        err_box = self.query_one("#trail-error", Static)
        err_box.display = False
        self.scanning = True
        try:
            aws = await shell(self).get_aws()
            end = datetime.now(UTC)
            start = self.start_at
            if start is None:
                created = await self._creation_time(aws)
                start = (created - timedelta(minutes=15)) if created else end - self.DEFAULT_WINDOW
            start = max(start, end - RETENTION)
            async for new, progress, phase in resource_history(aws, self.resource_name, start=start, end=end):
                self.progress, self.phase = progress, phase
                base = len(self.events)
                self.events.extend(new)
                table.upsert((str(i), ev) for i, ev in enumerate(new, base))
                if new:
                    self._draw_lifecycle()
                self._draw_progress()
        except asyncio.CancelledError:
            if gen == self._gen and self.progress is not None:
                self.progress.cancelled = True
            raise
        except AwsError as err:
            err_box.update(Text(err.details()))
            err_box.display = True
            shell(self).report_error(err)
        except NoMatches:  # the screen was taken down while a page was being drawn
            return
        finally:
            if gen == self._gen:
                self.scanning = False
                if self.is_attached:
                    with contextlib.suppress(NoMatches):
                        self._draw_progress()
                        self._draw_lifecycle()

    def _draw_progress(self) -> None:
        line = Text()
        if self.progress is not None:
            what = (
                "ResourceName lookup"
                if self.phase == "ResourceName"
                else "EventSource window, matched by name"
            )
            line.append(f"{what}: {self.progress.line()}")
            if self.scanning:
                line.append(" · x stops", style="dim")
        line.append(f" · {len(self.events)} events", style="dim")
        self.query_one("#trail-progress", Static).update(line)

    def _draw_lifecycle(self) -> None:
        steps = lifecycle(self.events, self.resource_name)
        box = self.query_one("#trail-lifecycle", Static)
        if not steps:
            box.update(
                Text(
                    "no create/update/stop/delete call found in this window yet"
                    if self.scanning
                    else "no create/update/stop/delete call found in this window (w widens it)",
                    style="dim",
                )
            )
            return
        text = Text()
        for i, (verb, ev) in enumerate(steps[-8:]):
            if i:
                text.append("\n")
            text.append(lifecycle_line(verb, ev), style="red" if verb == "deleted" else "")
        box.update(text)

    @on(ResourceTable.Selected, "#trail-events")
    def _selected(self, event: ResourceTable.Selected) -> None:
        event.stop()
        try:
            ev = self.events[int(event.key)]
        except (ValueError, IndexError):
            return
        from smtui.screens.event import EventScreen

        self.app.push_screen(EventScreen(ev))
