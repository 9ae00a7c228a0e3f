"""The log view of one resource: every stream interleaved, followed live, searchable, safe.

Opened with ``l`` from a resource pane or detail screen. The data comes from :mod:`smtui.aws.logs`
(history with GetLogEvents or FilterLogEvents, then a :class:`~smtui.aws.logs.LogSource` while following)
in ``@work`` async workers; the lines are shown by :class:`~smtui.widgets.log_view.LogView`.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from smtui.aws.errors import AwsError
from smtui.aws.resources import ResourceKind
from smtui.savefile import write_whole
from smtui.screens.log_prompts import LogPrompt, OverwriteScreen, SourcesScreen, default_save_path, save_label
from smtui.screens.log_status import RANGES as _RANGES
from smtui.screens.log_status import header_text, range_label, range_start, status_text
from smtui.shell import shell
from smtui.text import clean
from smtui.widgets.footer import KeyFooter
from smtui.widgets.log_view import TIMESTAMP_MODES, LogView


def _now_ms() -> int:
    return int(time.time() * 1000)


class LogScreen(Screen[None]):
    """Logs of ``name`` (a resource of ``kind``). ``describe`` is its Describe response when known."""

    DEFAULT_CSS = """
    LogScreen #logs-header { height: 1; padding: 0 1; background: $panel; }
    LogScreen #log-view { height: 1fr; }
    LogScreen #logs-status { height: 1; padding: 0 1; background: $panel; }
    """

    HELP_TITLE = "logs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("f", "toggle_follow", "Follow", id="logs.follow"),
        Binding("slash", "prompt('search')", "Search", id="logs.search"),
        Binding("m", "toggle_matches_only", "Matches only", id="logs.matches-only"),
        Binding("p", "prompt('pattern')", "Filter pattern", id="logs.pattern"),
        Binding("s", "sources", "Sources", id="logs.sources"),
        Binding("t", "cycle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("L", "toggle_labels", "Labels", show=False, id="logs.labels"),
        Binding("P", "toggle_ping", "/ping lines", show=False, id="logs.ping"),
        Binding("1", "range('5m')", "Last 5 min", show=False, id="logs.range-5m"),
        Binding("2", "range('1h')", "Last hour", show=False, id="logs.range-1h"),
        Binding("3", "range('1d')", "Last day", show=False, id="logs.range-1d"),
        Binding("0", "range('start')", "Since start", show=False, id="logs.range-start"),
        Binding("r", "prompt('range')", "Time range", id="logs.range"),
        Binding("ctrl+s", "prompt('save')", "Save", id="logs.save"),
    ]

    def __init__(self, kind: ResourceKind, name: str, *, describe: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.describe = describe
        self.pattern: str | None = None
        self.range_key: str | None = None  # None: the default for the kind
        self.range_start: int | None = None
        self.range_end: int | None = None
        self.follow_wanted: bool | None = None  # None: decided from the status
        self.logs: Any = None
        self.sources: list[str] = []
        self.missing: list[str] = []
        self.notice = ""
        self.error: str | None = None
        self.busy = False
        self.busy_older = False
        self.older_exhausted = False
        self._earliest_stream_ms: int | None = None
        self._prompt_mode = ""
        self._dedupe: Any = None
        self._range_text = ""
        self._cut = False  # the initial load stopped at the line cap: older lines load at the top
        self.saved: tuple[str, int] | None = None  # the last file written, and how many lines
        self._view = LogView(id="log-view")
        self._header = Static(id="logs-header")
        self._status = Static(id="logs-status")
        self._prompt = LogPrompt()
        self._input = self._prompt.input

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield self._header
        yield self._view
        yield self._prompt
        yield self._status
        yield KeyFooter()

    @property
    def view(self) -> LogView:
        return self._view

    def on_mount(self) -> None:
        view = self.view
        view.max_lines = shell(self).settings.log_line_cap
        view.focus()
        if self.kind.health_checks:
            view.hide_health_checks = True
        self._render_header()
        self._render_status()
        shell(self).aws_notice.subscribe(self, self._on_aws_notice)
        self.start_loading()

    # ------------------------------------------------------------------ header and status
    def _render_header(self) -> None:
        self._header.update(
            header_text(
                self.kind,
                self.resource_name,
                sources=self.sources,
                missing=self.missing,
                range_text=self._range_text or range_label(self.range_key, self.range_start),
                cut=self._cut,
                pattern=self.pattern,
                describe=self.describe,
            )
        )

    def _render_status(self) -> None:
        self._status.update(status_text(self.view, error=self.error, busy=self.busy, notice=self.notice))

    def _on_notice(self, message: str) -> None:
        self.notice = clean(message)
        self._render_status()

    def _on_aws_notice(self, message: str) -> None:
        if "LogEvents" in message or "LogStreams" in message or "LiveTail" in message:
            self._on_notice(message)

    def _show_error(self, err: BaseException) -> None:
        if isinstance(err, AwsError):
            self.error = " · ".join(err.details().splitlines())
        else:
            self.error = clean(f"{type(err).__name__}: {err}")
        self._render_status()

    @on(LogView.FollowChanged)
    @on(LogView.Changed)
    def _view_changed(self) -> None:
        self._render_status()

    # ------------------------------------------------------------------ loading
    def start_loading(self) -> None:
        self.workers.cancel_group(self, "logs-follow")
        self.workers.cancel_group(self, "logs-older")
        self.view.clear()
        self.older_exhausted = False
        self.error = None
        self._load()

    def _status_of(self) -> str:
        return str((self.describe or {}).get(self.kind.status_field) or "")

    def _resolve_range(self) -> None:
        self.range_end = None
        self._cut = False
        local = self.view.timestamps == "local"
        self.range_start = range_start(self.kind, self.describe, self.range_key, _now_ms(), local=local)

    @work(exclusive=True, group="logs-fetch")
    async def _load(self) -> None:
        from smtui.aws.logs import Deduper, ResourceLogs, instances_not_logged

        self.busy = True
        self._render_status()
        try:
            aws = await shell(self).get_aws()
            self.logs = logs = ResourceLogs(
                aws, self.kind, self.resource_name, pattern=self.pattern, notice=self._on_notice
            )
            if self.describe is None:
                try:
                    self.describe = await logs.describe()
                except AwsError as err:
                    self._show_error(err)
            if self.follow_wanted is None:
                status = self._status_of()
                # jobs while they run; endpoints while they serve (an InService endpoint keeps logging)
                self.follow_wanted = self.kind.keeps_logging(status)
            self._resolve_range()
            self._range_text = range_label(self.range_key, self.range_start)
            streams = await logs.streams()
            self._set_streams(streams)
            self.missing = instances_not_logged(self.kind, self.describe, self.sources)
            self._render_header()
            view = self.view
            view.set_following(bool(self.follow_wanted))
            t0 = _now_ms()
            self._dedupe = dedupe = Deduper()
            end = t0 if self.follow_wanted else None
            if self.pattern:  # FilterLogEvents, oldest first
                async for batch in logs.history(self.range_start, end):
                    for e in batch:
                        if e.timestamp >= t0 - 10_000:
                            dedupe.remember(e)
                    view.add_events(batch)
            else:  # the newest lines first, then older ones above them, up to the line cap
                first, oldest, complete = True, None, True
                async for batch, done in logs.tail(
                    self.range_start, end, limit=view.max_lines, streams=[s.name for s in streams]
                ):
                    complete = done
                    for e in batch:
                        if e.timestamp >= t0 - 10_000:
                            dedupe.remember(e)
                    if first:
                        view.add_events(batch)
                        view.scroll_end(animate=False, immediate=True, x_axis=False)
                        first = False
                    else:
                        view.prepend_events(batch)
                    oldest = batch[0].timestamp
                if not complete and oldest is not None:
                    self.range_start = oldest  # older lines load when scrolling to the top
                    self._cut = True
                    self._render_header()
            self.busy = False
            view.scroll_end(animate=False, immediate=True, x_axis=False)  # the newest lines, as tail does
            self._render_status()
            self._discover()
            if self.follow_wanted:
                self._follow(t0, dedupe)
        except AwsError as err:
            self._show_error(err)
        finally:
            self.busy = False
            self._render_status()

    def _set_streams(self, streams: list[Any]) -> None:
        self.sources = sorted({s.source for s in streams})
        firsts = [s.first_event or s.created for s in streams if (s.first_event or s.created)]
        self._earliest_stream_ms = min(firsts) if firsts else None
        self.view.register_sources(self.sources)

    @work(exclusive=True, group="logs-discover")
    async def _discover(self) -> None:
        from smtui.aws.logs import discover_forever, instances_not_logged

        def found(streams: list[Any]) -> None:
            self._set_streams(streams)
            self.missing = instances_not_logged(self.kind, self.describe, self.sources)
            self._render_header()

        try:
            await discover_forever(self.logs, found)
        except AwsError as err:
            self._show_error(err)

    @work(exclusive=True, group="logs-follow")
    async def _follow(self, start_ms: int, dedupe: Any = None, floor_ms: int | None = None) -> None:
        live = shell(self).settings.live_tail_choice
        source = self.logs.follow(start_ms, live_tail=live, deduper=dedupe, floor_ms=floor_ms)
        try:
            async for batch in source.batches():
                if self.notice:
                    self.notice = ""
                new = {e.source for e in batch} - set(self.sources)
                if new:  # a new instance (or a restarted one) has started logging
                    from smtui.aws.logs import instances_not_logged

                    self.sources = sorted(set(self.sources) | new)
                    self.missing = instances_not_logged(self.kind, self.describe, self.sources)
                    self._render_header()
                self.view.add_events(batch)
        except AwsError as err:
            self._show_error(err)

    @on(LogView.ReachedTop)
    def _reached_top(self) -> None:
        if self.busy or self.busy_older or self.older_exhausted or self.logs is None:
            return
        if self.range_start is None:
            self.older_exhausted = True
            self._on_notice("the beginning of the log")
            return
        self._load_older()

    @work(exclusive=True, group="logs-older")
    async def _load_older(self) -> None:
        self.busy_older = True
        self._on_notice("loading older lines…")
        try:
            end = self.range_start
            assert end is not None
            span = max(3_600_000, _now_ms() - end)
            for attempt in range(12):  # windows twice as long each time; then everything older
                earliest = self._earliest_stream_ms
                at = end - span
                last = (earliest is not None and at <= earliest) or at <= 0 or attempt == 11
                start = None if last else at
                got = 0
                async for batch in self.logs.history(start, end):
                    got += self.view.prepend_events(batch)
                self.range_start = start
                if start is None:
                    self.older_exhausted = True
                    self._cut = False
                if got or start is None:
                    break
                end, span = start, span * 2
            self._render_header()
            self._on_notice("" if not self.older_exhausted else "the beginning of the log")
        except AwsError as err:
            self._show_error(err)
        finally:
            self.busy_older = False

    @work(exclusive=True, group="logs-pattern")
    async def _try_pattern(self, pattern: str | None) -> None:
        """Ask the service about a new filter pattern before dropping the lines shown: a pattern it rejects
        leaves the view and the previous pattern as they were, with the service's message."""
        if pattern:
            from smtui.aws.logs import ResourceLogs

            aws = await shell(self).get_aws()
            probe = ResourceLogs(aws, self.kind, self.resource_name, pattern=pattern)
            now = _now_ms()
            try:
                async for _page in probe.filter_pages(start_ms=now - 60_000, end_ms=now):
                    break
            except AwsError as err:
                if not err.is_not_found:  # no log group yet: nothing to say about the pattern
                    self._show_error(err)
                    return
        self.pattern = pattern
        self._render_header()
        self.start_loading()

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        """Close the prompt; else clear a search (as k9s and less do); else leave."""
        if self._prompt.is_open:
            self._hide_prompt()
            return
        view = self.view
        if view.search is not None:
            pattern = view.search.pattern
            view.set_matches_only(False)
            view.set_search(None)
            self._render_status()
            self.notify(f"Search /{pattern} cleared (escape again leaves)", timeout=2, markup=False)
            return
        self.app.pop_screen()

    def action_toggle_follow(self) -> None:
        view = self.view
        if view.following:
            self.follow_wanted = False
            self.workers.cancel_group(self, "logs-follow")
            view.set_following(False)
        else:
            self.follow_wanted = True
            view.set_following(True)
            if self.logs is not None and not self.busy:
                lines = view.lines
                # from just after the newest line shown (older lines are there already)
                start = lines[-1].ts if lines else _now_ms()
                self._follow(start, self._dedupe, start + 1 if lines else None)
        self._render_status()

    def action_cycle_timestamps(self) -> None:
        view = self.view
        i = TIMESTAMP_MODES.index(view.timestamps)
        view.set_timestamps(TIMESTAMP_MODES[(i + 1) % len(TIMESTAMP_MODES)])
        self.notify(f"Timestamps: {view.timestamps}", timeout=1.5)

    def action_toggle_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)

    def action_toggle_labels(self) -> None:
        self.view.set_show_labels(not self.view.show_labels)

    def action_toggle_ping(self) -> None:
        self.view.set_hide_health_checks(not self.view.hide_health_checks)
        self._render_status()

    def action_toggle_matches_only(self) -> None:
        view = self.view
        if view.search is None and not view.matches_only:
            self.notify("Search first with /", timeout=2)
            return
        view.set_matches_only(not view.matches_only)
        self._render_status()

    def action_sources(self) -> None:
        if not self.view.source_names:
            self.notify("No sources yet", timeout=2)
            return
        self.app.push_screen(SourcesScreen(self.view))

    def action_range(self, key: str) -> None:
        self.range_key = key
        self._render_header()
        self.start_loading()

    # ------------------------------------------------------------------ the prompt
    def action_prompt(self, mode: str) -> None:
        view = self.view
        if mode == "search":
            self._prompt.ask(mode, view.search.pattern if view.search is not None else "")
        elif mode == "pattern":
            self._prompt.ask(mode, self.pattern or "")
        elif mode == "save":
            path = default_save_path(self.resource_name, view.matches_only)
            self._prompt.ask(mode, path, save_label(path, len(view.visible_lines), view.matches_only))
        else:
            self._prompt.ask(mode)

    def _hide_prompt(self) -> None:
        self._prompt.close()
        self.view.focus()

    @on(LogPrompt.Submitted)
    def _submitted(self, event: LogPrompt.Submitted) -> None:
        value, mode = event.value, event.mode
        self.view.focus()
        view = self.view
        if mode == "search":
            try:
                view.set_search(value or None)
            except re.error as exc:
                self.notify(f"Not a regular expression: {exc}", severity="error", markup=False)
                return
            if value and view.find(True) is None:
                self.notify(f"No line matches {value!r}", timeout=2, markup=False)
        elif mode == "pattern":
            self._try_pattern(value or None)
        elif mode == "range":
            self._range_submitted(value)
        elif mode == "save" and value:
            path = os.path.abspath(os.path.expanduser(value))
            if os.path.exists(path):

                def answered(yes: bool | None) -> None:
                    if yes:
                        self._save(path)

                self.app.push_screen(OverwriteScreen(path), answered)
            else:
                self._save(path)
        self._render_status()

    def _range_submitted(self, value: str) -> None:
        if not value:
            return
        from smtui.aws.logs import parse_time

        if value.lower() in ("start", "all"):
            self.action_range("start")
            return
        if value in _RANGES:
            self.action_range(value)
            return
        try:
            parse_time(value, local=self.view.timestamps == "local")
        except ValueError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.action_range(f"@{value}")

    def _save(self, path: str) -> None:
        view = self.view
        self._write(path, view.lines_to_save(view.matches_only))

    @work(thread=True, exclusive=True, group="logs-save")
    def _write(self, path: str, chunks: Any) -> None:
        """Write the lines (taken as they were when ctrl+s was answered) in a thread: the view keeps going."""
        try:
            n = write_whole(path, chunks)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Could not save: {exc}", severity="error", markup=False)
            return
        self.saved = (path, n)
        self.app.call_from_thread(
            self.notify, f"Saved {n:,} line{'s' if n != 1 else ''} to {path}", timeout=4, markup=False
        )
