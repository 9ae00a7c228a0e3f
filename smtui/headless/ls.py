"""``smtui ls KIND``: the resources of a kind, newest first, as a table or JSON.

The filters go to the List call where the kind's List takes them (StatusEquals, NameContains,
CreationTimeAfter: the service does the work, and only matching pages come back); a filter a kind's List
does not take is applied to the rows. Every page is read (the listing is complete or the command fails).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from typing import Any

from smtui.headless.kinds import kind_words, plain, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help=f"one of {kind_words()} (or a plural, or a : alias)")
    parser.add_argument("--status", metavar="S", help="only this status (exact, e.g. InProgress, Failed)")
    parser.add_argument("--name-contains", metavar="X", help="only names containing X (letters, digits, -)")
    parser.add_argument(
        "--since", metavar="WHEN", help="only created since: 30m, 2h, 3d, 1w or a date/time (UTC)"
    )
    parser.add_argument("--json", action="store_true", help="a JSON array of the List call's summaries")


async def run(args: argparse.Namespace, aws: Any, settings: Any) -> int:
    from smtui.aws import listing

    kind = resolve("ls", args.kind)
    if kind is None:
        return 2
    try:
        created = listing.parse_since(args.since) if args.since else None
        wanted = listing.ServerFilter(args.status, args.name_contains, created)
        wanted.check_values(kind)
    except ValueError as exc:
        sys.stderr.write(f"smtui ls: {exc}\n")
        return 2
    server = wanted.on_server(kind)
    rows: list[dict[str, Any]] = []
    async for page in listing.iter_pages(aws, kind, server or None):
        rows.extend(s for s in page if _keep(kind, s, wanted))
    if args.json:
        json.dump(plain(rows), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not rows:
        shown = f" matching {wanted.describe()}" if wanted else ""
        sys.stderr.write(f"smtui ls: no {kind.title.lower()}{shown} in {aws.region or 'this region'}\n")
        return 0
    _table(kind, rows, sys.stdout)
    return 0


def _keep(kind: Any, summary: dict[str, Any], wanted: Any) -> bool:
    """The filters the server did not apply (a kind whose List lacks them), applied here."""
    from smtui.aws import listing

    if wanted.status and kind.status_of(summary) != wanted.status:
        return False
    if wanted.name_contains and wanted.name_contains.lower() not in kind.name_of(summary).lower():
        return False
    if wanted.created_after:
        created = listing.as_aware(summary.get("CreationTime"))
        if created is None or created < wanted.created_after:
            return False
    return True


def _table(kind: Any, rows: list[dict[str, Any]], out: Any) -> None:
    """``NAME  STATUS  CREATED  AGE  REASON``: aligned columns (kubectl's ``get``), cleaned; the last column
    is cut to the terminal's width when stdout is one."""
    from smtui.aws import listing
    from smtui.text import clean

    now = dt.datetime.now(dt.UTC)
    table = [("NAME", "STATUS", "CREATED", "AGE", "REASON")]
    for s in rows:
        v = kind.row_values(s)
        created = listing.as_aware(v["created"])
        table.append(
            (
                clean(v["name"]),
                clean(v["status"]),
                created.strftime("%Y-%m-%d %H:%M:%SZ") if created else "",
                listing.age(created, now) if created else "",
                listing.short_reason(clean(v["reason"])),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    width = shutil.get_terminal_size((200, 24)).columns if out.isatty() else 0
    for r in table:
        line = "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
        line = f"{line}  {r[4]}".rstrip()
        out.write((line[:width] if width else line) + "\n")
