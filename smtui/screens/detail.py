"""The detail screen of one resource (enter on a row): a structured view built from the Describe calls (the
kind's own sections, from its ``detail_module``, or a generic structured list), the raw Describe JSON (``v``
toggles), metrics as sparklines from one GetMetricData call per refresh (the kind's metrics plan), ``c``
copies the ARN (OSC 52), ``l`` logs, ``t`` CloudTrail, ``escape`` back.

In-progress resources are described again on the refresh timer; the next refresh is armed only
after the previous one finished.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from smtui.aws import listing, metrics
from smtui.aws.errors import AwsError
from smtui.aws.resources import ResourceKind, status_style
from smtui.screens.details.parts import failure_panel, grid, kv, metrics_table, overview, section
from smtui.shell import ReportsFailures, shell
from smtui.text import clean
from smtui.widgets.footer import KeyFooter
from smtui.widgets.json_view import JsonView
from smtui.widgets.status_bar import StatusBar

#: fields the overview already shows, left out of the generic structured list
_OVERVIEW_FIELDS = frozenset(
    {"CreationTime", "LastModifiedTime", "FailureReason", "FailureMessage", "ResponseMetadata"}
)


def kind_sections(
    kind: ResourceKind, describe: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]
) -> list[RenderableType]:
    """The kind's own detail sections, or the generic one: every Describe field the overview does not show."""
    if kind.detail_module:
        sections: list[RenderableType] = importlib.import_module(kind.detail_module).sections(
            describe, related
        )
        return sections
    rest = {
        k: v
        for k, v in describe.items()
        if k not in _OVERVIEW_FIELDS and k not in (kind.name_field, kind.arn_field, kind.status_field, "Tags")
    }
    return [section("Details", kv(rest))] if rest else []


class DetailScreen(ReportsFailures, Screen[None]):
    HELP_TITLE = "resource details"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding(
            "v",
            "toggle_view",
            "JSON",
            tooltip="the raw Describe JSON, or back to the structured view",
            id="detail.toggle-view",
        ),
        Binding("c", "copy_arn", "Copy ARN", id="detail.copy-arn"),
        Binding("l", "logs", "Logs", id="detail.logs"),
        Binding("t", "trail", "CloudTrail", id="detail.trail"),
        Binding("o", "children", "Jobs", tooltip="the jobs it started", id="detail.children"),
        Binding("r", "refresh", "Refresh", show=False, id="detail.refresh"),
    ]

    def __init__(
        self,
        kind: ResourceKind,
        name: str,
        *,
        summary: Mapping[str, Any] | None = None,
        describe: Mapping[str, Any] | None = None,
        open_children: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        #: lists the resources it started (the pane's ``o``, given by whoever opened this screen)
        self.open_children = open_children
        self.resource_name = name
        self.summary = dict(summary or {})
        self.describe: dict[str, Any] | None = dict(describe) if describe else None
        #: the answers of the kind's other Describe calls (DescribeEndpointConfig), by operation
        self.related: dict[str, dict[str, Any]] = {}
        self.series: list[metrics.Series] = []
        self.metrics_window: metrics.Window | None = None
        self.metrics_error: AwsError | None = None
        self.error: AwsError | None = None
        self.hosts: list[str] | None = None
        self.last_refreshed: Any = None
        self.refreshing = False
        self.metric_calls = 0
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusBar(id="detail-status")
        with VerticalScroll(id="detail-structured"):
            yield Static("", id="detail-failure")
            yield Static(
                Text(f"Loading {self.kind.singular} {clean(self.resource_name)}…"), id="detail-overview"
            )
            yield Static("", id="detail-first")  # the timeline (training) or the variants (endpoints)
            yield Static("", id="detail-metrics")
            yield Static("", id="detail-sections")
        yield JsonView(id="detail-json")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#detail-json", JsonView).display = False
        self.query_one("#detail-structured").focus()
        if self.describe:
            self.render_details()
        self.refresh_now()

    # ------------------------------------------------------------------ data
    @property
    def arn(self) -> str:
        d = self.describe or self.summary
        return clean(d.get(self.kind.arn_field) or "")

    @property
    def status(self) -> str:
        d = self.describe or self.summary
        return str(d.get(self.kind.status_field) or "")

    def refresh_now(self) -> None:
        self.refreshing = True
        self.update_status()
        self.run_worker(self._load, group="detail", exclusive=True, exit_on_error=False, name="describe")

    async def _load(self) -> None:
        aws = await shell(self).get_aws()
        kind, name = self.kind, self.resource_name
        # a failure of any of this (the call, or reading its answer) comes to show_error
        resp = await aws.call(
            "sagemaker", kind.describe_op, **kind.describe_params(name, self.summary or None)
        )
        resp.pop("ResponseMetadata", None)
        self.describe = resp
        for rel in kind.related:
            if not resp.get(rel.source):
                continue
            try:
                answer = await aws.call("sagemaker", rel.op, **{rel.param: resp[rel.source]})
            except AwsError:  # (the detail shows what it has; the JSON view says what is missing)
                self.related.pop(rel.op, None)
                continue
            answer.pop("ResponseMetadata", None)
            self.related[rel.op] = answer
        self.error = None
        await self._load_metrics(aws)
        self._loaded()

    def show_error(self, err: AwsError, source: str = "") -> None:
        """The Describe failed (or its answer could not be shown): the last answer stays, with why above it."""
        self.error = err
        self._loaded()

    def _loaded(self) -> None:
        self.last_refreshed = listing.utcnow()
        self.refreshing = False
        self.render_details()
        self._schedule()

    async def _load_metrics(self, aws: Any) -> None:
        d = self.describe or {}
        if not self.kind.metrics_plan:
            return
        try:
            queries, self.hosts = await metrics.queries_for(
                aws, self.kind, self.resource_name, d, self.related, self.hosts
            )
            window = self.metrics_window = metrics.window_for(self.kind, d)
            self.metric_calls += 1
            self.series = await metrics.fetch(aws, queries, window)
            self.metrics_error = None
        except AwsError as err:
            self.metrics_error = err

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.kind.is_in_progress(self.status):
            interval = shell(self).settings.refresh_interval
            self._timer = self.set_timer(interval, self._tick, name="detail refresh")

    def _tick(self) -> None:
        self._timer = None
        if self.is_current:
            self.refresh_now()
        else:
            self._schedule()

    # ------------------------------------------------------------------ rendering
    def update_status(self) -> None:
        bar = self.query_one("#detail-status", StatusBar)
        left = Text()
        singular = self.kind.singular
        left.append(
            f"{singular[:1].upper()}{singular[1:]} ", style="dim"
        )  # "HyperPod cluster", kept as spelt
        left.append(clean(self.resource_name), style="bold")
        status = self.status
        if status:
            left.append("  ")
            left.append(clean(status), style=status_style(status))
        right = Text()
        if self.error is not None:
            right.append(f"{self.error.code}  ", style="bold red")
        if self.refreshing:
            right.append("refreshing…", style="yellow")
        elif self.last_refreshed is not None:
            right.append(f"refreshed {listing.ago(self.last_refreshed)}")
            if self.kind.is_in_progress(status):
                right.append(" (live)", style="yellow")
        bar.set(left, right)

    def render_details(self) -> None:
        if not self.is_mounted:
            return
        self.update_status()
        d = self.describe
        failure = self.query_one("#detail-failure", Static)
        ov = self.query_one("#detail-overview", Static)
        if d is None:
            if self.error is not None:
                ov.update(Panel(Text(self.error.details()), title="Could not describe", border_style="red"))
            return
        panel = failure_panel(d, str(d.get(self.kind.status_field) or ""), self.kind.failure_field)
        failure.display = panel is not None
        failure.update(panel or "")
        parts: list[RenderableType] = []
        if self.error is not None:
            parts.append(
                Panel(
                    Text(self.error.details()),
                    title="Refresh failed (showing the last answer)",
                    border_style="red",
                )
            )
        parts.append(overview(self.kind, self.resource_name, d))
        parts.append(Text(""))
        ov.update(Group(*parts))
        width = max(12, min(60, self.size.width - 70))
        if self.metrics_error is not None:
            body: RenderableType = Text(self.metrics_error.details(), style="red")
        else:
            body = metrics_table(self.series, width, narrow=self.size.width < 100)
        span = f", {self.metrics_window.describe()}" if self.metrics_window is not None else ""
        metrics_box = self.query_one("#detail-metrics", Static)
        metrics_box.display = bool(self.kind.metrics_plan)
        metrics_box.update(section(f"Metrics (CloudWatch{span})", body))
        sections = kind_sections(self.kind, d, self.related)
        tags = d.get("Tags")
        if tags:
            sections.append(section("Tags", grid((clean(t.get("Key")), t.get("Value")) for t in tags)))
        first = self.query_one("#detail-first", Static)
        first.display = bool(sections)
        first.update(sections[0] if sections else "")
        self.query_one("#detail-sections", Static).update(Group(*sections[1:]))
        document: dict[str, Any] = dict(d)
        if self.related:
            document = {self.kind.describe_op: d, **self.related}
        self.query_one("#detail-json", JsonView).set_document(document)

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_view(self) -> None:
        structured = self.query_one("#detail-structured")
        raw = self.query_one("#detail-json", JsonView)
        raw.display = not raw.display
        structured.display = not raw.display
        (raw if raw.display else structured).focus()

    @property
    def showing_json(self) -> bool:
        return bool(self.query_one("#detail-json", JsonView).display)

    def action_copy_arn(self) -> None:
        arn = self.arn
        if not arn:
            self.notify("No ARN known yet.", severity="warning", timeout=2)
            return
        self.app.copy_to_clipboard(arn)
        self.notify(f"Copied {arn}", timeout=3, markup=False)

    def action_logs(self) -> None:
        from smtui.screens.logs import LogScreen

        self.app.push_screen(LogScreen(self.kind, self.resource_name, describe=self.describe))

    def action_trail(self) -> None:
        from smtui.screens.resource_trail import ResourceTrailScreen

        self.app.push_screen(ResourceTrailScreen(self.kind, self.resource_name))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "children":
            return self.kind.children is not None and self.open_children is not None
        return not (action == "logs" and not self.kind.has_logs)

    def action_children(self) -> None:
        if self.open_children is not None:
            self.open_children()

    def action_refresh(self) -> None:
        if not self.refreshing:
            self.refresh_now()
