"""What the Audit pane draws, as pure functions of its state: the status line, the identity list's options
and the summary's rows. Every string was cleaned by the data layer; nothing is parsed as markup."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets.option_list import Option

from smtui.aws.trail.events import NO_IDENTITY, NO_IDENTITY_LABEL
from smtui.aws.trail.filters import EventFilter, IdentityIndex, IdentitySummary
from smtui.aws.trail.lookup import ScanProgress

ALL = "all"
ID_PREFIX = "id:"


def short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _fmt_time(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "?"


def filters_text(flt: EventFilter, server_event_name: str | None, server_resource: str | None) -> str:
    """``alice · mutating · EventName=CreateTrainingJob``: the filters in force, shortest form."""
    parts = []
    if flt.identity is not None:
        parts.append(flt.identity or NO_IDENTITY_LABEL)
    for on, word in ((flt.mutating_only, "mutating"), (flt.failed_only, "failed")):
        if on:
            parts.append(word)
    if flt.text:
        parts.append(f"/{flt.text}")
    if server_event_name:
        parts.append(f"EventName={server_event_name}")
    if server_resource:
        parts.append(f"resource={server_resource}")
    return " · ".join(parts)


def status_line(
    p: ScanProgress | None,
    flt: EventFilter,
    *,
    filters: str,
    window: str,
    phase: str,
    shown: int,
    hidden_own: int,
    scanning: bool,
) -> Text:
    """One line: filters, window, the server's state, how many rows are shown and hidden, whether it is done,
    then how far the scan got. What a user reads first comes first, so that at 80 columns the ellipsis takes
    the scan's details (bytes scanned, pages), not the counts."""
    line = Text(no_wrap=True, overflow="ellipsis")
    if filters:
        line.append(filters + " · ", style="bold")
    line.append(f"{window} · ")
    if p is not None:
        if p.via != "LookupEvents":
            line.append(f"{p.via}: {p.status or 'starting'} · ")
        elif phase:
            line.append(("ResourceName lookup" if phase == "ResourceName" else "matched by name") + " · ")
    line.append(f"{shown:,} shown", style="bold")
    if hidden_own:
        line.append(f" · {hidden_own:,} smtui calls hidden (h)", style="dim")
    elif flt.show_own:
        line.append(" · smtui calls shown (h)", style="dim")
    if p is not None:
        if p.error is not None:
            line.append(f" · stopped: {p.error.code}", style="red")
        elif p.cancelled:
            line.append(" · cancelled", style="yellow")
        elif scanning:
            line.append(" · loading… x stops", style="dim")
        elif p.done:
            line.append(" · done", style="dim")
        if p.via == "LookupEvents" and not p.done:
            line.append(f" · {p.fraction:.0%} covered")
        line.append(f" · {p.detail}" if p.detail else f" · {p.scanned:,} scanned", style="dim")
    return line


def identity_options(index: IdentityIndex, current: str | None) -> list[Option]:
    """ "All" and one option per identity seen (the one picked marked), the no-sourceIdentity group last."""
    summaries = index.summaries()
    total = sum(s.calls for s in summaries)
    options = [
        Option(Text.assemble(("All", "bold" if current is None else ""), (f"  {total:,}", "dim")), id=ALL)
    ]
    if current is not None and not any(s.identity == current for s in summaries):
        summaries = [*summaries, IdentitySummary(current or NO_IDENTITY)]
    for s in summaries:
        mark = "▶ " if current is not None and s.identity == current else ""
        style = "dim italic" if s.identity == NO_IDENTITY else ""
        label = Text.assemble(
            (mark, "bold"), (short(s.label, 20), style + (" bold" if mark else "")), (f"  {s.calls:,}", "dim")
        )
        options.append(Option(label, id=ID_PREFIX + s.identity))
    return options


def summary_rows(index: IdentityIndex) -> list[tuple[list[Text], str]]:
    """The summary view's rows (cells, key): inferred writes are shown apart from the record's own count."""
    rows = []
    for s in index.summaries():
        rows.append(
            (
                [
                    Text(s.label, style="dim italic" if s.identity == NO_IDENTITY else "bold"),
                    Text(f"{s.calls:,}"),
                    Text(s.mutating_text(), style="yellow" if s.mutating else ""),
                    Text(f"{s.failed:,}", style="red" if s.failed else ""),
                    Text(short(s.actions_text(), 80)),
                    Text(_fmt_time(s.first)),
                    Text(_fmt_time(s.last)),
                    Text(short(", ".join(p for p, _ in s.principals.most_common(3)), 80)),
                ],
                ID_PREFIX + s.identity,
            )
        )
    return rows
