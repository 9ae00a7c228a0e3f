"""A resource pane's rows: its columns (from the registry's column list), each row's cells cleaned of control
sequences, and the text the ``/`` filter matches, cell by cell.

Narrow terminals (a laptop's SSH window, 80 columns) get compact cells: the status without its secondary
status, instance types without ``ml.`` and ``large`` (``p4d.24xl x4``); the table then drops the columns
worth least (reason, modified, instances) before it cuts the name, which is the column a user reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from smtui.aws import listing
from smtui.aws.resources import ResourceKind, status_style
from smtui.text import clean
from smtui.widgets.resource_table import TableColumn

Raw = dict[str, Any]

#: below this many columns a pane shows compact cells
COMPACT_BELOW = 110

#: drop order when the table is too narrow (higher goes first; 0 never)
_DROP = {"reason": 3, "modified": 2, "instances": 1, "variants": 1}


def aws_api_name(snake: str) -> str:
    """``list_training_jobs`` -> ``ListTrainingJobs`` (the rate limiter's key)."""
    return "".join(part.capitalize() for part in snake.split("_"))


_INSTANCE = re.compile(r"\bml\.([a-z0-9-]+)\.([0-9a-z]+)\b")


def short_instances(text: str) -> str:
    """``ml.p4d.24xlarge x4`` -> ``p4d.24xl x4``; ``ml.m5.large x1`` -> ``m5.large x1``."""
    return _INSTANCE.sub(lambda m: f"{m.group(1)}.{m.group(2).replace('xlarge', 'xl')}", text)


def status_text(kind: ResourceKind, raw: Raw, *, compact: bool = False) -> str:
    """The status cell: ``InProgress · Training`` (the secondary status only where it says more)."""
    status = clean(raw.get("status") or "")
    secondary = clean(raw.get("secondary"))
    if compact or not secondary or secondary == status:
        return status
    if kind.is_in_progress(status) or status in ("Failed", "Stopped"):
        return f"{status} · {secondary}"
    return status


def _created(raw: Raw) -> Any:
    return listing.as_aware(raw.get("created"))


def _modified(raw: Raw) -> Any:
    return listing.as_aware(raw.get("modified"))


def _duration(raw: Raw) -> Any:
    return listing.duration(raw.get("created"), raw.get("ended"))


def _text(field: str) -> Callable[[Raw], str]:
    return lambda raw: (raw.get(field) or "").lower()


def _length(field: str, cap: int, compact: Callable[[], bool]) -> Callable[[Raw], int]:
    def measure(raw: Raw) -> int:
        value = raw.get(field) or ""
        return min(cap, len(short_instances(value) if compact() else value))

    return measure


def table_columns(kind: ResourceKind, compact: Callable[[], bool] = lambda: False) -> list[TableColumn]:
    """The pane's columns, from the registry's column list. ``compact`` says whether cells are compact now."""
    out = []
    for col in kind.columns:
        k = col.key
        drop = _DROP.get(k, 0)
        if k == "name":
            out.append(
                TableColumn(k, col.title, min_width=16, max_width=64, measure=_length("name", 64, compact),
                            sort_value=_text("name"), keep=True)
            )  # fmt: skip
        elif k == "status":
            out.append(
                TableColumn(k, col.title, min_width=10, max_width=30,
                            measure=lambda raw: len(status_text(kind, raw, compact=compact())),
                            sort_value=_text("status"))
            )  # fmt: skip
        elif k in ("created", "modified", "duration"):
            sort = {"created": _created, "modified": _modified, "duration": _duration}[k]
            # relative times are at most 6 wide ("2d05h", "23h59m"); absolute ones 20 (see ``a``)
            out.append(TableColumn(k, col.title, min_width=6, max_width=20, measure=lambda raw: 6,
                                   sort_value=sort, drop=drop))  # fmt: skip
        elif k in ("instances", "variants"):
            out.append(
                TableColumn(k, col.title, min_width=10, max_width=40, measure=_length(k, 40, compact),
                            sort_value=_text(k), drop=drop)
            )  # fmt: skip
        else:  # reason and anything else: text
            out.append(
                TableColumn(k, col.title, min_width=12, max_width=200, measure=_length(k, 80, compact),
                            sort_value=_text(k), expand=k == "reason", drop=drop)
            )  # fmt: skip
    return out


def format_row(
    kind: ResourceKind, raw: Raw, *, absolute: bool = False, compact: bool = False
) -> list[tuple[str, str]]:
    """The cells of one row, cleaned of control sequences, with their styles."""
    now = listing.utcnow()
    cells: list[tuple[str, str]] = []
    status = raw.get("status") or ""
    running = kind.is_in_progress(status)
    for col in kind.columns:
        k = col.key
        if k == "name":
            cells.append((clean(raw.get("name")), "bold"))
        elif k == "status":
            cells.append((status_text(kind, raw, compact=compact), status_style(status)))
        elif k in ("created", "modified"):
            value = raw.get(k)
            cells.append((listing.iso(value), "dim") if absolute else (listing.age(value, now), ""))
        elif k == "duration":
            end = None if running else (raw.get("ended") or raw.get("modified"))
            cells.append(
                (listing.span(listing.duration(raw.get("created"), end, now)), "yellow" if running else "")
            )
        elif k in ("instances", "variants"):
            value = raw.get(k)
            if value is None:
                cells.append(("…", "dim"))
            else:
                cells.append((short_instances(clean(value)) if compact else clean(value), ""))
        elif k == "reason":
            cells.append((listing.short_reason(clean(raw.get("reason"))), "red"))
        else:
            cells.append((clean(raw.get(k)), ""))
    return cells


def search_cells(key: str, raw: Raw) -> list[str]:
    """What the ``/`` filter matches, one string a cell: name, status, secondary status, instances, reason.

    Each is matched on its own, so ``^(train|xgb).*[0-9]$`` means a name that starts and ends so."""
    parts: Iterable[Any] = (
        raw.get("name") or key,
        raw.get("status"),
        raw.get("secondary"),
        raw.get("instances") or raw.get("variants"),
        raw.get("reason"),
    )
    return [clean(p).lower() for p in parts if p]
