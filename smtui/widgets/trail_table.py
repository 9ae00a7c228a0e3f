"""The CloudTrail event table of the Audit pane and the per-resource history: a virtualised
:class:`~smtui.widgets.resource_table.ResourceTable` whose columns are sized from their contents and the
terminal. Event names (up to 30 characters), the identity and the resource keep their width; when the
table is too wide, the low-value columns go (note, R/W, source IP, in that order), then the principal (the
identity column usually says who; the event screen has the whole userIdentity), then the error code (a failed
call's event name is red without it), then the region. The account, once shown, is never hidden (at 80 columns
an organisation's question is "which account", and a cut account id says nothing): the event name and resource
narrow for it instead. The error and note columns are not drawn at all while no row has anything in them, the
account and region columns while every row has the same one (they appear when an organisation trail read with
Athena gives events of several).

Every string was cleaned by the data layer and is drawn as plain text, never parsed as markup.
"""

from __future__ import annotations

from typing import Any

from smtui.aws.trail.events import TrailEvent
from smtui.widgets.resource_table import ResourceTable
from smtui.widgets.table_columns import Cell, TableColumn

#: Short names of identity types for the table (the event screen shows the whole userIdentity).
_TYPE_WORDS = {
    "IAMUser": "user",
    "Root": "root",
    "AWSService": "service",
    "AWSAccount": "account",
    "FederatedUser": "federated",
    "SAMLUser": "saml",
    "WebIdentityUser": "web",
    "IdentityCenterUser": "idc",
    "Directory": "directory",
    "Unknown": "",
    "Role": "role",
}


def short_principal(ev: TrailEvent) -> str:
    """``SageMakerExecutionRole/alice``, ``user intern``, ``service sagemaker.amazonaws.com → alice``."""
    if ev.is_insight:
        return "CloudTrail Insights"
    word = "" if ev.identity_type == "AssumedRole" else _TYPE_WORDS.get(ev.identity_type, ev.identity_type)
    who = " ".join(x for x in (word, ev.principal) if x) or "?"
    if word == "root":
        who = "root"
    return f"{who} → {ev.session_name}" if ev.session_name else who


def _time_value(ev: TrailEvent) -> Any:
    return ev.time.timestamp() if ev.time else None


def _ident(ev: TrailEvent) -> str:
    return ev.source_identity or "(none)"


def _note(ev: TrailEvent) -> str:
    return "; ".join(x for x in (ev.insight, ev.problem) if x)


#: The event table's columns, in order. ``drop``: hidden when too narrow, highest first. The account and region
#: columns are drawn only when the events come from more than one (an organisation trail read with Athena).
COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("time", "TIME (UTC)", width=14, sort_value=_time_value),
    TableColumn(
        "account",
        "ACCOUNT",
        min_width=12,  # an account id whole
        max_width=14,
        measure=lambda ev: len(ev.account),
        value=lambda ev: ev.account,
    ),
    TableColumn(
        "region",
        "REGION",
        min_width=8,
        max_width=16,
        measure=lambda ev: len(ev.region),
        value=lambda ev: ev.region,
        drop=2,
    ),
    TableColumn("event", "EVENT", min_width=12, max_width=30, measure=lambda ev: len(ev.name), keep=True),
    TableColumn(
        "identity", "IDENTITY", min_width=8, max_width=24, measure=lambda ev: len(_ident(ev)), keep=True
    ),
    TableColumn(
        "resource",
        "RESOURCE",
        min_width=10,
        max_width=64,
        measure=lambda ev: len(ev.display_resource),
        expand=True,  # the room left over goes to the note when there is one, else here
        keep=True,
    ),
    TableColumn(
        "principal",
        "PRINCIPAL",
        min_width=10,
        max_width=48,
        measure=lambda ev: len(short_principal(ev)),
        drop=4,  # the last of the low-value columns to go: the identity column usually says who
    ),
    TableColumn(
        "error",
        "ERROR",
        min_width=5,
        max_width=28,
        measure=lambda ev: len(ev.error_code),
        hide_empty=True,
        drop=3,  # a failed call's event name is drawn in red without it; the event screen has the error
    ),
    TableColumn("ip", "SOURCE IP", min_width=9, max_width=18, measure=lambda ev: len(ev.source_ip), drop=5),
    TableColumn("ro", "R/W", width=6, drop=6),
    TableColumn(
        "note",
        "NOTE",
        min_width=6,
        max_width=200,
        measure=lambda ev: len(_note(ev)),
        expand=True,
        drop=7,
        hide_empty=True,
    ),
)


def event_cells(ev: TrailEvent) -> list[Cell]:
    """The cells of one event row as (text, style), in :data:`COLUMNS` order."""
    ident: Cell = (ev.source_identity, "bold") if ev.source_identity else ("(none)", "dim italic")
    if ev.identity_origin == "damaged":
        ident = (ident[0] + " ?", "yellow")
    if ev.read_only is None:
        rw: Cell = ("?", "dim")
    else:
        rw = (ev.rw_label, "dim" if ev.read_only else "yellow")
    name_style = "bold red" if ev.failed else ("magenta" if ev.is_insight else "")
    return [
        (ev.time.strftime("%m-%d %H:%M:%S") if ev.time else "?", ""),
        (ev.account, "dim"),
        (ev.region, "dim"),
        (ev.name, name_style),
        ident,
        (ev.display_resource, ""),
        (short_principal(ev), "dim" if ev.own else ""),
        (ev.error_code, "red"),
        (ev.source_ip, ""),
        rw,
        (_note(ev)[:200], "yellow" if ev.problem else "magenta"),
    ]


def _format(key: str, ev: TrailEvent) -> list[Cell]:
    return event_cells(ev)


def _search(key: str, ev: TrailEvent) -> str:
    return ev.haystack()


def event_table(id: str) -> ResourceTable:
    """A new event table, newest first."""
    table = ResourceTable(COLUMNS, _format, search_text=_search, id=id)
    table.sort_by("time", reverse=True)
    return table
