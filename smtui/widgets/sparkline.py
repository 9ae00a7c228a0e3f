"""Sparklines as plain text (block characters), so a metrics table stays a compact Rich table."""

from __future__ import annotations

from collections.abc import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"


def resample(values: Sequence[float], width: int) -> list[float]:
    """``values`` squeezed (bucket maxima) or kept to at most ``width`` points."""
    n = len(values)
    if n <= width or width <= 0:
        return list(values)
    out = []
    for i in range(width):
        a = i * n // width
        b = max(a + 1, (i + 1) * n // width)
        out.append(max(values[a:b]))
    return out


def spark(
    values: Sequence[float], width: int = 40, *, floor: float | None = 0.0, ceiling: float | None = None
) -> str:
    """A line of block characters for ``values`` (empty text for no data).

    The scale runs from ``floor`` (0 by default; ``None`` for the series minimum) to ``ceiling``
    (the series maximum by default), so a flat series reads as flat."""
    points = resample(values, width)
    if not points:
        return ""
    lo = min(points) if floor is None else floor
    hi = max(points) if ceiling is None else ceiling
    if hi <= lo:
        return BLOCKS[0] * len(points)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[max(0, min(top, round((v - lo) / (hi - lo) * top)))] for v in points)
