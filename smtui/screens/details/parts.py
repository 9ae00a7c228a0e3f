"""The pieces every detail screen is built of: cleaned cells (never markup), label/value grids, titled
sections, small tables, the failure panel, the overview every kind shares, and the metrics table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from smtui.aws import listing, metrics
from smtui.aws.kinds.base import is_bad
from smtui.aws.resources import ResourceKind, status_style
from smtui.text import clean, to_text
from smtui.widgets.sparkline import spark


def cell(value: Any, style: str = "") -> Text:
    """One cleaned line of text (never markup)."""
    if value is None:
        return Text("–", style="dim")
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif hasattr(value, "isoformat") and not isinstance(value, str):
        return Text(f"{listing.iso(value)} ({listing.ago(value)})", style=style)
    return Text(clean(value), style=style)


def grid(rows: Iterable[tuple[str, Any]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")  # an ARN or S3 URI is read whole, folded, never cut
    for label, value in rows:
        if value is None or value == "" or value == [] or value == {}:
            continue
        grid.add_row(Text(label), value if isinstance(value, (Text, Table)) else cell(value))
    return grid


def section(title: str, body: RenderableType) -> RenderableType:
    return Group(Text(title, style="bold underline"), body, Text(""))


def table(columns: list[str], rows: Iterable[Iterable[Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold dim", show_edge=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(v if isinstance(v, Text) else cell(v) for v in row))
    return table


def flatten(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from flatten(f"{prefix}.{k}" if prefix else str(k), v)
    elif isinstance(value, list) and value and all(not isinstance(v, (Mapping, list)) for v in value):
        yield prefix, ", ".join(clean(v) for v in value)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from flatten(f"{prefix}[{i}]", v)
    else:
        yield prefix, value


def kv(d: Mapping[str, Any] | None) -> Table:
    return grid((clean(k), v) for k, v in flatten("", d or {}))


def seconds(value: Any) -> str:
    return listing.span(float(value)) if isinstance(value, (int, float)) else ""


# ---------------------------------------------------------------------------------------------- sections per kind


def failure_panel(
    describe: Mapping[str, Any], status: str = "", field: str = "FailureReason"
) -> RenderableType | None:
    reason = describe.get(field) or ""
    exit_message = describe.get("ExitMessage") or ""
    if not reason and not is_bad(status):
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
        ("Name", cell(name, "bold")),
        ("Status", cell(status, status_style(status))),
    ]
    if d.get("SecondaryStatus"):
        rows.append(("Secondary status", cell(d.get("SecondaryStatus"))))
    rows.append(("ARN", cell(d.get(kind.arn_field))))
    for label, key in (
        ("Created", "CreationTime"),
        ("Started", kind.start_field),
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
            rows.append(("Duration", cell(listing.span(secs) + (" so far" if running else ""))))
    if d.get("RoleArn"):
        rows.append(("Role", d.get("RoleArn")))
    return grid(rows)


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
            cell(q.label),
            Text(spark(s.values, width, floor=floor, ceiling=ceiling or None), style=color),
            Text(f"{metrics.format_value(ceiling, q.unit, q.stat)}" if q.unit == "Percent" else ""),
            *(Text(metrics.format_value(values[title], q.unit, q.stat)) for title in shown),
        )
    return table
