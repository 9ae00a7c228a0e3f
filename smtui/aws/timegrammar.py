"""The one time grammar of smtui: what a user may type for "when" and "how long", in every prompt and flag.

- a moment: ``now``; a span ago (``30s``, ``5m``, ``1h``, ``24h``, ``7d``, ``2w``, optionally followed by
  ``ago``); an epoch number (seconds or milliseconds); an ISO 8601 date or date-time (``2026-11-20``,
  ``2026-11-20T08:00``, ``2026-11-20 08:00:00Z``, ``...+02:00``); or a time of day today (``14:00``).
  Without a zone it is UTC, or local time with ``local=True``.
- a span: ``30m``, ``24h``, ``7d``, ``90d``, ``2w``.
- a window: a span (the last ...), ``FROM..TO``, ``FROM..`` or ``since FROM``.

Used by the resource panes' created-after filter, the log view and ``smtui logs`` (``--since``), the Audit
pane and ``smtui trail``. Every error is a :class:`ValueError` whose message says what would be accepted.
No Textual, no botocore.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
    "w": 604800,
    "week": 604800,
}
_SPAN = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|second|m|min|minute|h|hr|hour|d|day|w|week)s?\s*(?:ago)?\s*$", re.I
)
_TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
HINT = "use a window like 30m, 24h, 7d or 2w ago, an ISO time like 2026-11-20T08:00, or 14:00 for today"


def span_seconds(text: str) -> float | None:
    """Seconds in ``30m``/``24h``/``7d``/``2w`` (``ago`` allowed), or None when ``text`` is not a span."""
    m = _SPAN.match(text or "")
    if not m:
        return None
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def parse_span(text: str) -> timedelta:
    """A length of time: ``30m``, ``24h``, ``7d``, ``90d``, ``2w``."""
    secs = span_seconds(text)
    if secs is None:
        raise ValueError(f"not a duration: {text!r} (use 30m, 1h, 24h, 7d or 90d)")
    return timedelta(seconds=secs)


def parse_when(text: str, *, now: datetime | None = None, local: bool = False) -> datetime:
    """A moment, as an aware datetime: ``now``, ``24h`` (ago), an epoch number, an ISO date/time, ``14:00``."""
    now = now or datetime.now(UTC)
    t = (text or "").strip()
    if not t:
        raise ValueError(f"no time given ({HINT})")
    if t.lower() == "now":
        return now
    secs = span_seconds(t)
    if secs is not None:
        return now - timedelta(seconds=secs)
    if t.isdigit():
        n = int(t)
        return datetime.fromtimestamp(n / 1000 if n > 10**11 else n, UTC)
    iso = t.replace(" ", "T", 1) if " " in t and "T" not in t else t
    if iso.endswith(("Z", "z")):
        iso = iso[:-1] + "+00:00"
    try:
        if _TIME_OF_DAY.fullmatch(iso):
            base = now.astimezone() if local else now.astimezone(UTC)
            when = datetime.fromisoformat(f"{base.date().isoformat()}T{iso}")
        else:
            when = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"not a time: {text!r} ({HINT})") from None
    if when.tzinfo is None:
        when = when.astimezone() if local else when.replace(tzinfo=UTC)
    return when


def parse_since(text: str, *, now: datetime | None = None) -> datetime | None:
    """Like :func:`parse_when`, but empty text means "no bound" (None)."""
    if not (text or "").strip():
        return None
    return parse_when(text, now=now)


def parse_window(text: str, *, now: datetime | None = None) -> tuple[datetime, datetime | None]:
    """``24h``/``7d`` (the last ...), ``FROM..TO``, ``FROM..`` or ``since FROM``: (start, end or None for now)."""
    now = now or datetime.now(UTC)
    t = (text or "").strip()
    if ".." in t:
        a, b = t.split("..", 1)
        start = parse_when(a, now=now)
        end = parse_when(b, now=now) if b.strip() else None
    elif t.lower().startswith("since "):
        start, end = parse_when(t[6:], now=now), None
    else:
        start, end = now - parse_span(t), None
    if end is not None and end <= start:
        raise ValueError("the window ends before it starts")
    return start, end


def fmt_span(td: timedelta) -> str:
    """``45s``, ``12m``, ``3h20m``, ``7d``, ``2d5h``: a span as the grammar writes it."""
    s = int(td.total_seconds())
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 2 * 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}h" if not m else f"{h}h{m:02d}m"
    d, rem = divmod(s, 86400)
    return f"{d}d" if rem < 3600 else f"{d}d{rem // 3600}h"
