"""The resources another one started (``j`` on a tuning job: its training jobs), listed by the parent kind's
children call with full paging, in the children's kind's columns; each row is an ordinary resource of that
kind: enter opens its detail, ``l`` its logs, ``t`` its CloudTrail history."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from smtui.aws.errors import AwsError
from smtui.aws.resources import BY_KEY, Column, ResourceKind
from smtui.screens.rows import format_row, search_cells, table_columns
from smtui.shell import ReportsFailures, shell
from smtui.text import clean
from smtui.widgets.footer import KeyFooter
from smtui.widgets.resource_table import ResourceTable

#: the children's columns: their kind's, with what the parent says of each (a training job's objective value
#: and the hyperparameters it was given) in place of the instances
COLUMNS = (
    Column("name", "NAME"),
    Column("status", "STATUS"),
    Column("created", "CREATED"),
    Column("duration", "DURATION"),
    Column("objective", "OBJECTIVE"),
    Column("tuned", "HYPERPARAMETERS"),
    Column("reason", "REASON"),
)


def child_row(kind: ResourceKind, summary: dict[str, Any]) -> dict[str, Any]:
    """A child's row from its summary (a HyperParameterTrainingJobSummary: a training job's row, its objective
    value and tuned hyperparameters)."""
    row = kind.row_values(summary)
    metric = summary.get("FinalHyperParameterTuningJobObjectiveMetric") or {}
    row["ended"] = row.get("ended") or summary.get("TrainingEndTime")
    value = metric.get("Value")
    row["objective"] = (
        f"{value:g}" if isinstance(value, int | float) else str(summary.get("ObjectiveStatus") or "")
    )
    tuned = summary.get("TunedHyperParameters") or {}
    row["tuned"] = ", ".join(f"{k}={v}" for k, v in sorted(tuned.items()))
    return row


class ChildrenScreen(ReportsFailures, Screen[None]):
    HELP_TITLE = "started resources"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="children.back"),
        Binding("l", "logs", "Logs", id="children.logs"),
        Binding("t", "trail", "CloudTrail", id="children.trail"),
        Binding("r", "reload", "Reload", show=False, id="children.reload"),
    ]
    DEFAULT_CSS = """
    ChildrenScreen #children-title { padding: 0 1; height: auto; }
    ChildrenScreen #children-error { height: auto; color: $error; padding: 0 1; }
    ChildrenScreen #children-table { height: 1fr; }
    """

    def __init__(self, parent: ResourceKind, name: str) -> None:
        super().__init__()
        assert parent.children is not None
        self.parent_kind = parent
        self.spec = parent.children
        self.kind = BY_KEY[parent.children.kind]
        shown = dataclasses.replace(self.kind, columns=COLUMNS)
        self.resource_name = name
        self.loaded = False
        self.error: AwsError | None = None
        self.table = ResourceTable(
            table_columns(shown),
            lambda key, raw: format_row(shown, raw),
            search_text=search_cells,
            id="children-table",
        )
        self.table.sort_by("created", reverse=True)

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="children-title")
        yield Static("", id="children-error")
        yield self.table
        yield KeyFooter()

    def _title(self) -> Text:
        text = Text(f"{self.spec.title} of {self.parent_kind.singular} ", style="bold")
        text.append(clean(self.resource_name))
        text.append(f"  {len(self.table)} listed" + ("" if self.loaded else ", loading…"), style="dim")
        return text

    def on_mount(self) -> None:
        self.query_one("#children-error", Static).display = False
        self.table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="children-load")
    async def load(self) -> None:
        self.loaded = False
        box = self.query_one("#children-error", Static)
        box.display = False
        try:
            aws = await shell(self).get_aws()
            params = {**self.spec.list_params, self.spec.param: self.resource_name}
            async for page in aws.pages("sagemaker", self.spec.op, **params):
                rows = [
                    (self.kind.name_of(s), child_row(self.kind, s))
                    for s in page.get(self.spec.list_key) or []
                ]
                self.table.upsert(rows)
                self.query_one("#children-title", Static).update(self._title())
        except AwsError as err:
            self.error = err
            box.update(Text(err.details()))
            box.display = True
            shell(self).report_error(err)
        self.loaded = True
        self.query_one("#children-title", Static).update(self._title())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("logs", "trail"):
            return self.table.cursor_key is not None
        return True

    @on(ResourceTable.Selected, "#children-table")
    def _open(self, event: ResourceTable.Selected) -> None:
        event.stop()
        from smtui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(self.kind, event.key))

    def action_logs(self) -> None:
        name = self.table.cursor_key
        if name is not None:
            from smtui.screens.logs import LogScreen

            self.app.push_screen(LogScreen(self.kind, name))

    def action_trail(self) -> None:
        name = self.table.cursor_key
        if name is not None:
            from smtui.screens.resource_trail import ResourceTrailScreen

            self.app.push_screen(ResourceTrailScreen(self.kind, name))
