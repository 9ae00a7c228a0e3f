"""Keep Textual's compositor from making a reference cycle of every line it draws whole.

``textual.strip.Strip.divide`` (Textual 8.2, and upstream's main when this was written) answers a cut at
the strip's own end with ``[self]`` and stores that list in the strip's own ``_divide_cache``:
strip -> cache -> dict -> list -> strip. The compositor divides every visible line of every widget on
every frame, and most lines are cut only at their end, so each rendered strip (with its seven small
caches, its segments and styles) outlives its last reference and waits for the cyclic collector.

In a log view that follows 1,000 lines/s those strips were nearly all the garbage the collector found:
about 600 strips and 8,000 objects a second, which filled the young generations, so that each
generation-1 collection took 70-120 ms, and a key that arrived during one waited for it
(``benchmarks/bench_log_view.py --only keys``, docs/reliability.md). Without the cycle, reference
counting frees a strip as soon as the frame is done with it.

The replacement answers that one case with a new ``[self]`` list and leaves every other cut to
Textual's own method, cache and all. ``tests/app/test_strip_cycle.py`` shows that Textual's method
still makes the cycle (remove this module once it does not) and that drawn frames leave no strip to
the collector.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.strip import Strip

#: Textual's own ``Strip.divide``, kept for every cut but the whole strip.
TEXTUAL_DIVIDE = Strip.divide


def _divide(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    cuts = list(cuts)
    cell_length = self.cell_length
    if [cut for cut in cuts if cut <= cell_length] == [cell_length]:
        return [self]  # what Textual returns, without storing it in the strip itself
    return TEXTUAL_DIVIDE(self, cuts)


def install() -> None:
    """Replace ``Strip.divide`` (idempotent)."""
    Strip.divide = _divide  # type: ignore[method-assign]


install()
