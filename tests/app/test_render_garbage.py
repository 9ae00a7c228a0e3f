"""Drawing frames leaves nothing for the cyclic collector (``smtui.widgets.strip_cycle``, ``smtui.widgets.lru``).

Strips that only the collector can free made its young-generation passes take 70-120 ms while a log
followed, and a key pressed during one waited for it. These tests drive a following log view through
frames and toggles and then ask the collector what it would have found.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.cache import LRUCache
from textual.strip import Strip

from smtui.aws.logs import LogEvent
from smtui.widgets.log_view import LogView
from smtui.widgets.lru import LruCache
from smtui.widgets.strip_cycle import TEXTUAL_DIVIDE


@contextmanager
def cyclic_garbage() -> Iterator[Counter[str]]:
    """The type names of what the collector finds unreachable at the end of the block."""
    found: Counter[str] = Counter()
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield found
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found.update(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_textual_divide_still_makes_a_cycle_of_a_whole_strip():
    # When this fails, Textual has stopped storing ``[self]`` in the strip's own cache: remove strip_cycle.
    with cyclic_garbage() as garbage:
        strip = Strip([Segment("abc")])
        assert TEXTUAL_DIVIDE(strip, [3]) == [strip]
        del strip
    assert garbage["Strip"] == 1


def test_divide_of_a_whole_strip_is_freed_without_the_collector():
    cuts = ([6], [2, 6], [2, 9], [6, 9], [1, 2, 3], [])
    textual = [[s.text for s in TEXTUAL_DIVIDE(Strip([Segment("abcdef")]), c)] for c in cuts]
    with cyclic_garbage() as garbage:
        strip = Strip([Segment("abcdef")])
        assert strip.divide([6]) == [strip]
        assert [[s.text for s in strip.divide(c)] for c in cuts] == textual  # the same answers as Textual's
        del strip
    assert garbage["Strip"] == 0


def test_textual_lru_clear_leaves_a_ring_and_ours_does_not():
    with cyclic_garbage() as garbage:
        textual_cache: LRUCache[int, Strip] = LRUCache(8)
        for k in range(5):
            textual_cache[k] = Strip([Segment(str(k))])
        textual_cache.clear()
    assert garbage["Strip"] == 5  # when this fails, Textual's LRUCache no longer needs replacing
    with cyclic_garbage() as garbage:
        ours: LruCache[int, Strip] = LruCache(8)
        for k in range(5):
            ours[k] = Strip([Segment(str(k))])
        ours.clear()
    assert not garbage


def test_lru_drops_the_least_recently_read():
    cache: LruCache[str, int] = LruCache(2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1  # "b" is now the oldest
    cache["c"] = 3
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3 and len(cache) == 2
    assert cache.get("b") is None


class FollowApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView(max_lines=10_000)


async def test_following_and_toggling_draws_frames_that_leave_no_strip_to_the_collector():
    app = FollowApp()
    async with app.run_test(size=(120, 30)) as pilot:
        view = app.query_one(LogView)
        view.set_following(True)
        view.add_events([LogEvent(i, f"[algo-1] step {i} loss=1.0", "s", "algo-1") for i in range(2000)])
        await pilot.pause()
        with cyclic_garbage() as garbage:
            for n in range(2000, 2400, 20):  # twenty frames of new lines, as a follow draws them
                view.add_events([LogEvent(i, f"[algo-2] step {i}", "s", "algo-2") for i in range(n, n + 20)])
                await pilot.pause()
            for _ in range(2):
                view.set_timestamps("off" if view.timestamps == "utc" else "utc")  # each clears the caches
                await pilot.pause()
                view.set_wrap(not view.wrap)
                await pilot.pause()
            shown = [view.render_line(y).text.strip() for y in range(view.size.height)]
            assert [line for line in shown if line][-1].endswith("step 2399")  # still following
    assert garbage["Strip"] == 0, garbage.most_common(8)
