"""A least-recently-used cache that leaves no garbage for the cyclic collector.

Textual's ``LRUCache`` links its entries in a ring of lists (``[prev, next, key, value]``), so ``clear()``
drops a cycle of every entry and the values they hold. The log view clears its caches of drawn strips
on every toggle (timestamps, wrap, labels, search), a few thousand strips each time, which then waited for
a generation-1 or full collection of 50-120 ms. An ``OrderedDict`` keeps the order in C, and what it drops
is freed at once by reference counting.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``maxsize`` entries; reading one makes it the newest, adding one past the size drops the oldest."""

    __slots__ = ("maxsize", "_data")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K) -> V | None:
        data = self._data
        value = data.get(key)
        if value is not None:
            data.move_to_end(key)
        return value

    def __setitem__(self, key: K, value: V) -> None:
        data = self._data
        data[key] = value
        data.move_to_end(key)
        if len(data) > self.maxsize:
            data.popitem(last=False)

    def clear(self) -> None:
        self._data.clear()
