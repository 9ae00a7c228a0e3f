"""A resource pane: one live, filterable table of one kind of resource.

It lists its kind with full paging (first page shown at once), refreshes on a timer that is armed only after
the previous pass finished and only while the pane is on screen, updates rows in place by name, and fills the
columns a list summary lacks (instance type and count, variants, failure reason) from Describe calls made only
for the rows on screen, cached. Any failure of its workers is shown in place (:meth:`ResourcePane.show_error`)
and the refresh schedule goes on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from smtui.aws import listing
from smtui.aws.errors import AwsError
from smtui.aws.listing import DescribeCache, Listing, ServerFilter
from smtui.aws.resources import ResourceKind
from smtui.screens.pane_describe import RowDescriber
from smtui.screens.pane_status import Notices, state_message, status_line
from smtui.screens.rows import COMPACT_BELOW, aws_api_name, format_row, search_cells, table_columns
from smtui.shell import ReportsFailures, shell
from smtui.text import clean
from smtui.widgets.resource_table import FilterError, ResourceTable
from smtui.widgets.status_bar import StatusBar


class ResourcePane(ReportsFailures, Vertical):
    """A live table of one kind of resource."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="pane.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="pane.clear-filter"),
        Binding(
            "f",
            "server_filter",
            "AWS filter",
            tooltip="status, name, created after: filtered by AWS",
            id="pane.server-filter",
        ),
        Binding("r", "refresh", "Refresh", show=False, id="pane.refresh"),
        Binding("s", "sort_next", "Sort", tooltip="by the next column (S reverses)", id="pane.sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, id="pane.sort-reverse"),
        Binding("a", "toggle_absolute", "Absolute times", show=False, id="pane.absolute"),
        Binding("l", "logs", "Logs", id="pane.logs"),
        Binding("t", "trail", "CloudTrail", show=False, id="pane.trail"),
        Binding("c", "copy_arn", "Copy ARN", show=False, id="pane.copy-arn"),
        Binding("o", "children", "Jobs", tooltip="the jobs it started", id="pane.children"),
    ]

    def __init__(self, kind: ResourceKind, *, id: str | None = None) -> None:
        super().__init__(id=id or kind.key, classes="resource-pane")
        self.kind = kind
        self.listing = Listing(kind)
        self.cache = DescribeCache(kind)
        self.server_filter = ServerFilter()
        self.error: AwsError | None = None
        #: the group of the worker whose failure ``error`` is ("list-…" or "describe-…")
        self._error_source = "list"
        self.busy = False
        self.loaded = False
        self.stale = True
        self.pages = 0
        self.last_refreshed: Any = None
        self.absolute = False
        self._timer: Timer | None = None
        self.filter_error = ""
        self._state_class = "?"
        self._state_message: Text | None = None
        #: fills in what the list lacks (instances, variants, reason) from Describe calls, for rows on screen
        self.describer = RowDescriber(self)
        self._ui_timer: Timer | None = None
        self._force_full = False
        self.last_pass_incremental = False
        self._binding_state: tuple[bool, bool] = (False, False)
        #: the latest throttling notice about this pane's List and Describe calls
        self.notices = Notices(aws_api_name(kind.list_op), aws_api_name(kind.describe_op))
        #: compact cells (a narrow terminal); see smtui.screens.rows
        self.compact = False
        self.table = ResourceTable(
            table_columns(kind, lambda: self.compact),
            self._format,
            search_text=search_cells,
            id=f"{kind.key}-table",
        )
        self.table.sort_by("created", reverse=True)

    # ------------------------------------------------------------------ compose
    def compose(self) -> ComposeResult:
        yield StatusBar(id=f"{self.kind.key}-status", classes="pane-status")
        yield Static("", id=f"{self.kind.key}-state", classes="pane-state")
        yield self.table

    def filter_box(self) -> Input:
        """The filter box under the table, mounted when first needed (Input's stylesheet is not read
        before the first frame)."""
        found = self.query(".pane-filter")
        if found:
            return found.only_one(Input)
        box = Input(
            placeholder="filter: substring, or a regular expression (enter keeps it, escape clears)",
            id=f"{self.kind.key}-filter",
            classes="pane-filter",
        )
        box.display = False
        self.mount(box)
        return box

    def on_mount(self) -> None:
        self.update_state()
        if self.display and self.screen.is_current:  # mounted after the first frame, already shown
            self.table.focus()
        app = shell(self)
        app.aws_changed.subscribe(self, self._aws_changed)
        app.aws_notice.subscribe(self, self._on_aws_notice)

    def _format(self, key: str, raw: Any) -> list[tuple[str, str]]:
        return format_row(self.kind, raw, absolute=self.absolute, compact=self.compact)

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < COMPACT_BELOW
        if compact != self.compact:
            self.compact = compact
            self.table.clear_measures()
            self.table.relayout()

    @property
    def region_name(self) -> str:
        aws = shell(self).aws
        return (aws.region if aws is not None else None) or "this region"

    @property
    def on_screen(self) -> bool:
        return bool(self.display) and self.is_mounted and self.screen.is_current

    # ------------------------------------------------------------------ state display
    def update_state(self) -> None:
        """Show the loading, empty or error state (distinct), or the table."""
        if not self.is_mounted:
            return
        state = self.query_one(".pane-state", Static)
        cls, message = state_message(self)
        if cls != self._state_class:
            for old in ("-error", "-loading", "-empty"):
                state.set_class(old == cls, old)
            self._state_class = cls
        if state.display != (message is not None):
            state.display = message is not None
        if message is not None and message != self._state_message:
            state.update(message)
        self._state_message = message
        show_table = not (len(self.table) == 0 and (self.error is not None or not self.loaded))
        if self.table.display != show_table:
            self.table.display = show_table
            if show_table and self.on_screen and self.screen.focused is None:
                self.table.focus()  # it could not take the focus while hidden
        # the footer shows l/t/c only with a row under the cursor, escape only with a filter
        binding_state = (
            self.table.cursor_key is not None,
            bool(self.table.filter_text or self.filter_error),
        )
        if binding_state != self._binding_state:
            self._binding_state = binding_state
            self.refresh_bindings()
        self.update_status()

    def update_status(self) -> None:
        if self.is_mounted:
            self.query_one(".pane-status", StatusBar).set(*status_line(self))

    @property
    def notice(self) -> str:
        return self.notices.current()

    def _on_aws_notice(self, message: str) -> None:
        """Throttling of this pane's List/Describe calls is said in its status line while it lasts."""
        if self.notices.take(message) and self.is_mounted:
            self.update_status()

    # ------------------------------------------------------------------ refresh
    def start(self) -> None:
        """Load now if the pane has never loaded or is stale (called when it comes on screen)."""
        if (not self.loaded or self.stale) and not self.busy:
            self.refresh_now()

    def refresh_now(self) -> None:
        self.stale = False
        self.busy = True
        self.update_status()
        self.run_worker(
            self._refresh_pass,
            group=f"list-{self.kind.key}",
            exclusive=True,
            exit_on_error=False,
            name=f"list {self.kind.key}",
        )

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        interval = shell(self).settings.refresh_interval
        self._timer = self.set_timer(interval, self._tick, name=f"refresh {self.kind.key}")

    def _tick(self) -> None:
        self._timer = None
        if self.busy:
            return
        if self.on_screen:
            self.refresh_now()
        else:
            self.stale = True  # refreshed as soon as it is shown again

    async def _refresh_pass(self) -> None:
        aws = await shell(self).get_aws()
        kind, table, lst = self.kind, self.table, self.listing
        # a big listing is refreshed by what changed since the newest change seen (new jobs, status
        # changes) with a full pass now and then for deletions; r always does a full pass
        since = None if self._force_full else lst.incremental_since()
        self._force_full = False
        self.last_pass_incremental = since is not None
        lst.begin(partial=since is not None)
        self.pages = 0
        try:
            async for summaries in listing.iter_pages(aws, kind, self.server_filter, modified_after=since):
                self.pages += 1
                change = lst.apply(summaries)
                names = change.added + change.changed
                if names:
                    cache = self.cache
                    table.upsert([(n, kind.row_values(lst.summaries[n], cache.get(n))) for n in names])
                if not self.loaded and (lst.summaries or self.pages == 1):
                    self.loaded = bool(lst.summaries)
                    self.update_state()  # the first rows (or the empty state) at once
                else:
                    self.update_soon()
            gone = lst.finish(self.pages)
        except BaseException:  # a failure takes the app's one error path to show_error; cancelled: reload
            lst.abort()
            self.busy = False
            raise
        if gone:
            table.remove_rows(gone)
            self.cache.drop(gone)
        if self._error_source.startswith("list"):
            self.error = None  # (a Describe's failure stays until a Describe succeeds)
        self.loaded = True
        self.last_refreshed = listing.utcnow()
        self._pass_done()

    def show_error(self, err: AwsError, source: str = "") -> None:
        """A failure of this pane's workers (a List or Describe call, or reading its answer), shown in place.

        The rows already listed stay; an answer that could not be read is asked for again after the next
        pass; the refresh schedule goes on, so the pane recovers by itself once AWS answers normally."""
        self.error = err
        self._error_source = source
        self.describer.forget()
        if source.startswith("describe"):  # the listing (if it runs) ends its pass as usual
            self.update_state()
            return
        self.cache.clear()
        self._pass_done()

    def _pass_done(self) -> None:
        self.busy = False
        self.update_state()
        self._want_describe()
        self._schedule()
        warm = getattr(self.screen, "warm_hidden_panes", None)
        if warm is not None and self.on_screen:
            warm()

    def _aws_changed(self, aws: Any) -> None:
        self.reload()

    def reload(self) -> None:
        """Forget everything and list again (new region, profile, credentials or server filter)."""
        self.workers.cancel_group(self, f"list-{self.kind.key}")
        self.workers.cancel_group(self, f"describe-{self.kind.key}")
        self.describer.forget()
        self.listing.clear()
        self.cache.clear()
        self.table.clear()
        self.error = None
        self.loaded = False
        self.busy = False
        self.last_refreshed = None
        if self.on_screen:
            self.refresh_now()
        else:
            self.stale = True
        self.update_state()

    # ------------------------------------------------------------------ lazy Describe for rows on screen
    @on(ResourceTable.ViewChanged)
    def _view_changed(self, event: ResourceTable.ViewChanged) -> None:
        event.stop()
        if self.busy:
            self.update_soon()
        else:
            self.update_status()
        self._want_describe()

    def update_soon(self) -> None:
        """Update the state and status line within 0.2 s: while pages stream in, one repaint for many."""
        if self._ui_timer is None and self.is_mounted:
            self._ui_timer = self.set_timer(0.2, self._flush_ui)

    def _flush_ui(self) -> None:
        self._ui_timer = None
        self.update_state()

    def _want_describe(self) -> None:
        if self.is_mounted and self.display:
            self.describer.want()

    def describe_succeeded(self) -> None:
        """Describe answers can be read again: a failure of reading them is over."""
        if self.error is not None and self._error_source.startswith("describe"):
            self.error = None
            self.update_state()

    # ------------------------------------------------------------------ actions
    def selected_name(self) -> str | None:
        return self.table.cursor_key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            boxes = self.query(".pane-filter")
            return bool(self.table.filter_text or (boxes and boxes.first().display) or self.filter_error)
        if action in ("logs", "trail", "copy_arn", "children"):
            if (action == "logs" and not self.kind.has_logs) or (
                action == "children" and not self.kind.children
            ):
                return False
            return self.table.cursor_key is not None
        return True

    def action_filter(self) -> None:
        box = self.filter_box()
        box.display = True
        box.value = self.table.filter_text
        box.focus()

    @on(Input.Changed, ".pane-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.table.set_filter(event.value)
            self.filter_error = ""
        except FilterError as exc:
            self.filter_error = str(exc)
        self.update_state()

    @on(Input.Submitted, ".pane-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one(".pane-filter", Input)
        box.display = False
        self.filter_error = ""
        self.table.focus()
        self.update_state()

    def action_clear_filter(self) -> None:
        for box in self.query(".pane-filter").results(Input):  # (none until / was first pressed)
            box.display = False
            box.value = ""
        self.filter_error = ""
        self.table.set_filter("")
        self.table.focus()
        self.update_state()
        self.refresh_bindings()

    def set_filter(self, text: str) -> None:
        try:
            self.table.set_filter(text)
            self.filter_error = ""
        except FilterError as exc:
            self.filter_error = str(exc)
        self.update_state()

    def action_server_filter(self) -> None:
        def done(flt: ServerFilter | None) -> None:
            if flt is not None and flt != self.server_filter:
                self.server_filter = flt
                self.reload()

        from smtui.screens.server_filter import ServerFilterScreen

        self.app.push_screen(ServerFilterScreen(self.kind, self.server_filter), done)

    def action_refresh(self) -> None:
        if self.busy:
            self.notify(f"{self.kind.title} are being refreshed already.", timeout=2)
            return
        self.cache.clear()  # the rows on screen are described again too
        self._force_full = True
        self.refresh_now()

    def action_sort_next(self) -> None:
        cols = [c.key for c in self.table.columns if c.sort_value is not None]
        current = self.table.sort_key
        nxt = cols[(cols.index(current) + 1) % len(cols)] if current in cols else cols[0]
        self.table.sort_by(nxt, reverse=nxt in ("created", "modified", "duration"))

    def action_sort_reverse(self) -> None:
        self.table.sort_by(self.table.sort_key or "created", reverse=not self.table.sort_reverse)

    def action_toggle_absolute(self) -> None:
        self.absolute = not self.absolute
        for col in self.table.columns:
            if col.key in ("created", "modified"):
                col.width = 20 if self.absolute else None  # relative times are measured (6 at most)
        self.table.relayout()

    def action_logs(self) -> None:
        name = self.table.cursor_key
        if name is None:
            return
        from smtui.screens.logs import LogScreen

        self.app.push_screen(LogScreen(self.kind, name, describe=self.cache.get(name)))

    def action_trail(self) -> None:
        name = self.table.cursor_key
        if name is None:
            return
        from smtui.screens.resource_trail import ResourceTrailScreen

        self.app.push_screen(ResourceTrailScreen(self.kind, name))

    def action_children(self, name: str | None = None) -> None:
        name = name or self.table.cursor_key
        if name is not None and self.kind.children is not None:
            from smtui.screens.children import ChildrenScreen

            self.app.push_screen(ChildrenScreen(self.kind, name))

    def action_copy_arn(self) -> None:
        name = self.table.cursor_key
        summary = self.listing.summaries.get(name or "")
        arn = clean(summary.get(self.kind.arn_field)) if summary else ""
        if arn:
            self.app.copy_to_clipboard(arn)
            self.notify(f"Copied {arn}", timeout=3, markup=False)

    @on(ResourceTable.Selected)
    def _open(self, event: ResourceTable.Selected) -> None:
        event.stop()
        self.open_detail(event.key)

    def open_detail(self, name: str) -> None:
        from smtui.screens.detail import DetailScreen

        summary = self.listing.summaries.get(name)
        children = (lambda: self.action_children(name)) if self.kind.children else None
        self.app.push_screen(
            DetailScreen(
                self.kind, name, summary=summary, describe=self.cache.get(name), open_children=children
            )
        )
