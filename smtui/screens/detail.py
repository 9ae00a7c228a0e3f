"""The detail screen of one resource (enter on a row): a structured view built from the Describe
calls and the raw Describe JSON (``v`` toggles), metrics as sparklines from one GetMetricData call
per refresh, ``c`` copies the ARN (OSC 52), ``l`` logs, ``t`` CloudTrail, ``escape`` back.

In-progress resources are described again on the refresh timer; the next refresh is armed only
after the previous one finished.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from smtui.aws import listing, metrics
from smtui.aws.errors import AwsError
from smtui.aws.resources import BAD, ResourceKind, status_style
from smtui.shell import ReportsFailures, shell
from smtui.text import clean, to_text
from smtui.widgets.footer import KeyFooter
from smtui.widgets.json_view import JsonView
from smtui.widgets.sparkline import spark
from smtui.widgets.status_bar import StatusBar

# ---------------------------------------------------------------------------------------------- helpers


def _t(value: Any, style: str = "") -> Text:
    """One cleaned line of text (never markup)."""
    if value is None:
        return Text("–", style="dim")
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif hasattr(value, "isoformat") and not isinstance(value, str):
        return Text(f"{listing.iso(value)} ({listing.ago(value)})", style=style)
    return Text(clean(value), style=style)


def _grid(rows: Iterable[tuple[str, Any]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # an ARN or S3 URI is read whole, folded, never cut
    for label, value in rows:
        if value is None or value == "" or value == [] or value == {}:
            continue
        grid.add_row(Text(label), value if isinstance(value, (Text, Table)) else _t(value))
    return grid


def _section(title: str, body: RenderableType) -> RenderableType:
    return Group(Text(title, style="bold underline"), body, Text(""))


def _table(columns: list[str], rows: Iterable[Iterable[Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold dim", show_edge=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else _t(cell) for cell in row))
    return table


def _flatten(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _flatten(f"{prefix}.{k}" if prefix else str(k), v)
    elif isinstance(value, list) and value and all(not isinstance(v, (Mapping, list)) for v in value):
        yield prefix, ", ".join(clean(v) for v in value)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _flatten(f"{prefix}[{i}]", v)
    else:
        yield prefix, value


def _kv(d: Mapping[str, Any] | None) -> Table:
    return _grid((clean(k), v) for k, v in _flatten("", d or {}))


def _seconds(value: Any) -> str:
    return listing.span(float(value)) if isinstance(value, (int, float)) else ""


# ---------------------------------------------------------------------------------------------- sections per kind


def failure_panel(describe: Mapping[str, Any], status: str = "") -> RenderableType | None:
    reason = describe.get("FailureReason") or ""
    exit_message = describe.get("ExitMessage") or ""
    if not reason and status not in BAD:
        return None  # a successful job's ExitMessage is shown with its details, not as a failure
    if not reason and not exit_message:
        return None
    body = Text()
    if reason:
        body.append_text(to_text(str(reason)))
    if exit_message and exit_message != reason:
        if reason:
            body.append("\n")
        body.append("Exit message: ", style="bold")
        body.append_text(to_text(str(exit_message)))
    return Panel(body, title="Failure reason", title_align="left", border_style="bold red", style="red")


def overview(kind: ResourceKind, name: str, d: Mapping[str, Any]) -> RenderableType:
    status = d.get(kind.status_field) or ""
    rows: list[tuple[str, Any]] = [
        ("Name", _t(name, "bold")),
        ("Status", _t(status, status_style(status))),
    ]
    if d.get("SecondaryStatus"):
        rows.append(("Secondary status", _t(d.get("SecondaryStatus"))))
    rows.append(("ARN", _t(d.get(kind.arn_field))))
    for label, key in (
        ("Created", "CreationTime"),
        ("Started", "TrainingStartTime"),
        ("Started", "ProcessingStartTime"),
        ("Started", "TransformStartTime"),
        ("Ended", kind.end_field),
        ("Last modified", "LastModifiedTime"),
    ):
        if key and d.get(key):
            rows.append((label, d.get(key)))
    if kind.end_field:
        start = d.get("CreationTime")  # as in the list's DURATION column: created to ended
        running = kind.is_in_progress(status)
        secs = listing.duration(
            start, None if running else (d.get(kind.end_field) or d.get("LastModifiedTime"))
        )
        if secs is not None:
            rows.append(("Duration", _t(listing.span(secs) + (" so far" if running else ""))))
    if d.get("RoleArn"):
        rows.append(("Role", d.get("RoleArn")))
    return _grid(rows)


def training_sections(d: Mapping[str, Any]) -> list[RenderableType]:
    out: list[RenderableType] = []
    transitions = d.get("SecondaryStatusTransitions") or []
    if transitions:
        rows = []
        for tr in transitions:
            secs = listing.duration(tr.get("StartTime"), tr.get("EndTime"))
            rows.append(
                [
                    _t(tr.get("Status"), "bold"),
                    _t(listing.iso(tr.get("StartTime"))),
                    _t(
                        listing.span(secs) + ("" if tr.get("EndTime") else " …"),
                        "yellow" if not tr.get("EndTime") else "",
                    ),
                    _t(tr.get("StatusMessage")),
                ]
            )
        out.append(_section("Timeline", _table(["status", "started", "took", "message"], rows)))
    rc = d.get("ResourceConfig") or {}
    training_s, billable_s = d.get("TrainingTimeInSeconds"), d.get("BillableTimeInSeconds")
    res_rows: list[tuple[str, Any]] = [
        (
            "Instances",
            _t(
                ", ".join(
                    f"{g.get('InstanceType')} x{g.get('InstanceCount')}"
                    for g in rc.get("InstanceGroups") or []
                )
                or (f"{rc.get('InstanceType')} x{rc.get('InstanceCount')}" if rc else None)
            ),
        ),
        ("Volume", f"{rc['VolumeSizeInGB']} GB" if rc.get("VolumeSizeInGB") else None),
        ("Managed spot", d.get("EnableManagedSpotTraining")),
        ("Training time", _seconds(training_s)),
        ("Billable time", _seconds(billable_s)),
    ]
    if d.get("EnableManagedSpotTraining") and training_s and billable_s is not None:
        saved = 100.0 * (1 - float(billable_s) / float(training_s)) if training_s else 0.0
        res_rows.append(("Spot savings", _t(f"{saved:.0f}%", "green")))
    sc = d.get("StoppingCondition") or {}
    res_rows += [
        ("Max runtime", _seconds(sc.get("MaxRuntimeInSeconds"))),
        ("Max wait", _seconds(sc.get("MaxWaitTimeInSeconds"))),
    ]
    out.append(_section("Resources", _grid(res_rows)))
    final = d.get("FinalMetricDataList") or []
    if final:
        out.append(
            _section(
                "Final metrics",
                _table(
                    ["metric", "value", "at"],
                    (
                        [
                            m.get("MetricName"),
                            f"{m.get('Value'):g}"
                            if isinstance(m.get("Value"), (int, float))
                            else m.get("Value"),
                            listing.iso(m.get("Timestamp")),
                        ]
                        for m in final
                    ),
                ),
            )
        )
    hp = d.get("HyperParameters") or {}
    if hp:
        out.append(_section("Hyperparameters", _grid((clean(k), v) for k, v in sorted(hp.items()))))
    channels = d.get("InputDataConfig") or []
    if channels:
        channel_rows: list[list[Any]] = []
        for ch in channels:
            src = ch.get("DataSource") or {}
            uri = (src.get("S3DataSource") or {}).get("S3Uri") or (src.get("FileSystemDataSource") or {}).get(
                "DirectoryPath"
            )
            channel_rows.append([ch.get("ChannelName"), uri, ch.get("ContentType"), ch.get("InputMode")])
        out.append(
            _section("Input channels", _table(["channel", "source", "content type", "mode"], channel_rows))
        )
    algo = d.get("AlgorithmSpecification") or {}
    out.append(
        _section(
            "Algorithm and output",
            _grid(
                [
                    ("Image", algo.get("TrainingImage") or algo.get("AlgorithmName")),
                    ("Input mode", algo.get("TrainingInputMode")),
                    ("Output path", (d.get("OutputDataConfig") or {}).get("S3OutputPath")),
                    ("Model artifacts", (d.get("ModelArtifacts") or {}).get("S3ModelArtifacts")),
                ]
            ),
        )
    )
    return out


def processing_sections(d: Mapping[str, Any]) -> list[RenderableType]:
    cc = (d.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    app = d.get("AppSpecification") or {}
    out: list[RenderableType] = [
        _section(
            "Resources",
            _grid(
                [
                    ("Instances", f"{cc.get('InstanceType')} x{cc.get('InstanceCount')}" if cc else None),
                    ("Volume", f"{cc['VolumeSizeInGB']} GB" if cc.get("VolumeSizeInGB") else None),
                    ("Max runtime", _seconds((d.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"))),
                ]
            ),
        )
    ]
    out.append(
        _section(
            "Container",
            _grid(
                [
                    ("Image", app.get("ImageUri")),
                    ("Entrypoint", " ".join(clean(a) for a in app.get("ContainerEntrypoint") or []) or None),
                    ("Arguments", " ".join(clean(a) for a in app.get("ContainerArguments") or []) or None),
                    ("Exit message", d.get("ExitMessage")),
                ]
            ),
        )
    )
    inputs = d.get("ProcessingInputs") or []
    if inputs:
        out.append(
            _section(
                "Inputs",
                _table(
                    ["name", "source", "local path"],
                    (
                        [
                            i.get("InputName"),
                            (i.get("S3Input") or {}).get("S3Uri"),
                            (i.get("S3Input") or {}).get("LocalPath"),
                        ]
                        for i in inputs
                    ),
                ),
            )
        )
    outputs = (d.get("ProcessingOutputConfig") or {}).get("Outputs") or []
    if outputs:
        out.append(
            _section(
                "Outputs",
                _table(
                    ["name", "destination", "local path"],
                    (
                        [
                            o.get("OutputName"),
                            (o.get("S3Output") or {}).get("S3Uri"),
                            (o.get("S3Output") or {}).get("LocalPath"),
                        ]
                        for o in outputs
                    ),
                ),
            )
        )
    if d.get("Environment"):
        out.append(_section("Environment", _kv(d.get("Environment"))))
    return out


def transform_sections(d: Mapping[str, Any]) -> list[RenderableType]:
    tr = d.get("TransformResources") or {}
    ti = d.get("TransformInput") or {}
    src = (ti.get("DataSource") or {}).get("S3DataSource") or {}
    return [
        _section(
            "Resources",
            _grid(
                [
                    ("Model", d.get("ModelName")),
                    ("Instances", f"{tr.get('InstanceType')} x{tr.get('InstanceCount')}" if tr else None),
                    ("Batch strategy", d.get("BatchStrategy")),
                    ("Max payload", f"{d['MaxPayloadInMB']} MB" if d.get("MaxPayloadInMB") else None),
                    ("Max concurrent", d.get("MaxConcurrentTransforms")),
                ]
            ),
        ),
        _section(
            "Input and output",
            _grid(
                [
                    ("Input", src.get("S3Uri")),
                    ("Content type", ti.get("ContentType")),
                    ("Split type", ti.get("SplitType")),
                    ("Output", (d.get("TransformOutput") or {}).get("S3OutputPath")),
                    ("Assemble with", (d.get("TransformOutput") or {}).get("AssembleWith")),
                ]
            ),
        ),
    ]


def endpoint_sections(d: Mapping[str, Any], config: Mapping[str, Any] | None) -> list[RenderableType]:
    out: list[RenderableType] = []
    configured = {v.get("VariantName"): v for v in (config or {}).get("ProductionVariants") or []}
    rows = []
    for v in d.get("ProductionVariants") or []:
        cfg = configured.get(v.get("VariantName"), {})
        statuses = ", ".join(clean(s.get("Status")) for s in v.get("VariantStatus") or [])
        rows.append(
            [
                _t(v.get("VariantName"), "bold"),
                cfg.get("InstanceType") or ("serverless" if cfg.get("ServerlessConfig") else None),
                cfg.get("InitialInstanceCount"),
                v.get("CurrentInstanceCount"),
                v.get("DesiredInstanceCount"),
                v.get("CurrentWeight"),
                cfg.get("ModelName"),
                statuses or None,
            ]
        )
    if not rows:  # no live variants yet (Creating): show the configured ones
        for name, cfg in configured.items():
            rows.append(
                [
                    _t(name, "bold"),
                    cfg.get("InstanceType"),
                    cfg.get("InitialInstanceCount"),
                    None,
                    None,
                    cfg.get("InitialVariantWeight"),
                    cfg.get("ModelName"),
                    None,
                ]
            )
    out.append(
        _section(
            "Variants",
            _table(
                ["variant", "instance type", "initial", "current", "desired", "weight", "model", "status"],
                rows,
            ),
        )
    )
    out.append(
        _section(
            "Configuration",
            _grid(
                [
                    ("Endpoint config", d.get("EndpointConfigName")),
                    ("KMS key", (config or {}).get("KmsKeyId")),
                ]
            ),
        )
    )
    async_cfg = d.get("AsyncInferenceConfig") or (config or {}).get("AsyncInferenceConfig")
    if async_cfg:
        out.append(_section("Async inference", _kv(async_cfg)))
    capture = d.get("DataCaptureConfig") or (config or {}).get("DataCaptureConfig")
    if capture:
        out.append(_section("Data capture", _kv(capture)))
    return out


def metrics_table(series: list[metrics.Series], width: int = 48, *, narrow: bool = False) -> RenderableType:
    """One row a metric and host (or variant): a chart on the metric's own fixed scale, then min, last, peak
    (``narrow``: last and peak only).

    Percentages are drawn on 0-100% (memory, disk) or 0 to the next 100% above the peak (CPU and GPU, summed
    over cores and GPUs), so a steady 31% disk reads as low bars; counts are whole numbers per period."""
    with_data = [s for s in series if s.values]
    if not with_data:
        return Text("No data points in this window.", style="dim")
    table = Table(box=None, pad_edge=False, header_style="bold dim", show_edge=False)
    table.add_column("metric", no_wrap=True)
    table.add_column("on", no_wrap=True)
    table.add_column("chart", no_wrap=True)
    table.add_column("scale", justify="right", no_wrap=True, style="dim")
    shown = ("last", "peak") if narrow else ("min", "last", "peak")
    for title in shown:
        table.add_column(title, justify="right", no_wrap=True)
    ceilings: dict[str, float] = {}  # one scale a metric, so its hosts' rows compare
    for s in with_data:
        ceilings[s.query.metric] = max(ceilings.get(s.query.metric, 0.0), s.scale[1])
    previous = ""
    for s in with_data:
        q = s.query
        metric = q.metric if q.metric != previous else ""
        previous = q.metric
        color = "red" if "5XX" in q.metric or "4XX" in q.metric else "cyan"
        floor, ceiling = s.scale[0], ceilings[q.metric]
        values = {"min": s.low, "last": s.last, "peak": s.peak}
        table.add_row(
            Text(metric, style="bold"),
            _t(q.label),
            Text(spark(s.values, width, floor=floor, ceiling=ceiling or None), style=color),
            Text(f"{metrics.format_value(ceiling, q.unit, q.stat)}" if q.unit == "Percent" else ""),
            *(Text(metrics.format_value(values[title], q.unit, q.stat)) for title in shown),
        )
    return table


# ---------------------------------------------------------------------------------------------- screen


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
        Binding("r", "refresh", "Refresh", show=False, id="detail.refresh"),
    ]

    def __init__(
        self,
        kind: ResourceKind,
        name: str,
        *,
        summary: Mapping[str, Any] | None = None,
        describe: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.summary = dict(summary or {})
        self.describe: dict[str, Any] | None = dict(describe) if describe else None
        self.config: dict[str, Any] | None = None
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
        resp = await aws.call("sagemaker", kind.describe_op, **{kind.describe_param: name})
        resp.pop("ResponseMetadata", None)
        self.describe = resp
        if kind.key == "endpoint" and resp.get("EndpointConfigName"):
            try:
                cfg = await aws.call(
                    "sagemaker", "describe_endpoint_config", EndpointConfigName=resp["EndpointConfigName"]
                )
                cfg.pop("ResponseMetadata", None)
                self.config = cfg
            except AwsError:
                self.config = None
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
        kind, name = self.kind, self.resource_name
        try:
            if kind.key == "endpoint":
                variants = [v.get("VariantName") for v in d.get("ProductionVariants") or []]
                if not variants and self.config:
                    variants = [v.get("VariantName") for v in self.config.get("ProductionVariants") or []]
                queries = metrics.endpoint_queries(name, [v for v in variants if v])
            else:
                if kind.key == "transform":
                    if not self.hosts:
                        self.hosts = await metrics.discover_hosts(aws, kind, name)
                    hosts = self.hosts
                else:
                    hosts = metrics.job_hosts(kind, name, d)
                queries = metrics.job_queries(kind, hosts)
            window = self.metrics_window = metrics.window_for(kind, d)
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
        left.append(f"{self.kind.singular.capitalize()} ", style="dim")
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
        panel = failure_panel(d, str(d.get(self.kind.status_field) or ""))
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
        self.query_one("#detail-metrics", Static).update(_section(f"Metrics (CloudWatch{span})", body))
        if self.kind.key == "training":
            sections = training_sections(d)
        elif self.kind.key == "processing":
            sections = processing_sections(d)
        elif self.kind.key == "transform":
            sections = transform_sections(d)
        elif self.kind.key == "endpoint":
            sections = endpoint_sections(d, self.config)
        else:
            sections = []
        tags = d.get("Tags")
        if tags:
            sections.append(_section("Tags", _grid((clean(t.get("Key")), t.get("Value")) for t in tags)))
        first = self.query_one("#detail-first", Static)
        first.display = bool(sections)
        first.update(sections[0] if sections else "")
        self.query_one("#detail-sections", Static).update(Group(*sections[1:]))
        document: dict[str, Any] = dict(d)
        if self.config:
            document = {self.kind.describe_op: d, "describe_endpoint_config": self.config}
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

    def action_refresh(self) -> None:
        if not self.refreshing:
            self.refresh_now()
