"""The log view's compact line store, row index and search, against a plain list doing the same by hand."""

from __future__ import annotations

import random
import re

import pytest

from smtui.aws.logs import LogEvent
from smtui.widgets import log_store
from smtui.widgets.log_rows import RowIndex
from smtui.widgets.log_search import Search
from smtui.widgets.log_store import LineStore, clean_events


def _events(rng: random.Random, n: int, t0: int, spread: int) -> list[LogEvent]:
    words = ["step", "loss", "ERROR", "error", "warn", "GET /ping HTTP/1.1", "naïve 日本", "x"]
    return [
        LogEvent(
            t0 + rng.randrange(spread), f"{rng.choice(words)} {i} {rng.choice(words)}", "s", f"algo-{i % 3}"
        )
        for i in range(n)
    ]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(log_store, "CHUNK", 64)  # many chunks, merges and splits with few lines


def test_late_events_merge_in_order_with_ties_after_the_lines_held(small_chunks):
    rng = random.Random(3)
    store = LineStore()
    expected: list[tuple[int, int, str, str]] = []  # (ts, arrival, source, text)
    arrival = 0
    for round_ in range(60):
        kind = round_ % 4
        if kind == 0:  # following: newer lines at the end
            base = max((e[0] for e in expected), default=0)
            events = _events(rng, rng.randrange(1, 150), base, 50)
        elif kind == 1:  # older history above
            base = min((e[0] for e in expected), default=10_000)
            events = _events(rng, rng.randrange(1, 150), base - 500, 500)
        else:  # late events anywhere, ties included
            lo = min((e[0] for e in expected), default=0)
            hi = max((e[0] for e in expected), default=1000)
            events = _events(rng, rng.randrange(1, 80), lo, max(1, hi - lo + 1))
        batch = clean_events(events, store.source_id)
        batch.sort()
        for t, s, text in zip(batch.ts, batch.src, batch.texts, strict=True):
            expected.append((t, arrival, store.names[s], text))
            arrival += 1
        store.add(batch)
        expected.sort(key=lambda e: (e[0], e[1]))
        if round_ % 7 == 6:
            extra = len(expected) // 3
            store.drop_oldest(extra)
            del expected[:extra]
        got = [(ln.ts, ln.seq, ln.source, ln.text) for ln in store]
        assert got == expected
        assert len(store) == len(expected)
        assert all(len(c) <= 2 * log_store.CHUNK for c in store.chunks)
        for i in rng.sample(range(len(expected)), min(5, len(expected))):
            assert store[i].text == expected[i][3]


def test_filters_and_matches_only_equal_a_filter_by_hand(small_chunks):
    rng = random.Random(5)
    store = LineStore()
    for k in range(10):
        batch = clean_events(_events(rng, 100, k * 1000, 2000), store.source_id)
        batch.sort()
        store.add(batch)
    lines = list(store)
    rows = RowIndex(store)
    ping = re.compile(r"\b(?:GET|POST|HEAD) /ping\b")
    for pattern in ["error", "ERROR", "^step", r"\d+ x$", "ping|日本", r"(?<=p )\d", r"r\s+\d"]:
        search = Search(pattern)
        wanted_sources = frozenset({store.source_id("algo-1"), store.source_id("algo-2")})
        rows.set_filters(sources=wanted_sources, hide_ping=True, search=search, matches_only=True)
        expected = [
            ln.text
            for ln in lines
            if ln.source in ("algo-1", "algo-2") and not ping.search(ln.text) and search.regex.search(ln.text)
        ]
        got = [store.chunks[c].line(j) for c, j in (_locate(store, rows, i) for i in range(len(rows)))]
        assert got == expected, pattern
        assert sum(rows.match_count(c) for c in store.chunks) == len(expected)


def _locate(store, rows, i):
    chunk, j = rows.locate(i)
    return store.chunks.index(chunk), j


def test_search_means_what_it_means_on_one_line():
    store = LineStore()
    texts = ["alpha", "beta", "Error here", "ends with x", "x starts", "tab\tsep", "naïve ÉRROR"]
    batch = clean_events([LogEvent(i, t, "s", "a") for i, t in enumerate(texts)], store.source_id)
    store.add(batch)
    chunk = store.chunks[0]

    def hits(pattern: str) -> list[str]:
        return [texts[j] for j in Search(pattern).hits(chunk)]

    for pattern in [
        "error",
        "^x",
        "x$",
        r"a\s+b",
        "a\nb",
        r"\Aalpha",
        r"beta\Z",
        "(?<!e)rror",
        "érror",
        "[^a-z]",
    ]:
        assert hits(pattern) == [t for t in texts if re.search(pattern, t, _flags(pattern))], pattern


def _flags(pattern: str) -> int:
    return 0 if any(c.isupper() for c in pattern) else re.IGNORECASE


def test_wrapped_rows_follow_each_lines_width(small_chunks):
    store = LineStore()
    lengths = [1, 9, 10, 11, 25, 0, 40] * 30
    batch = clean_events([LogEvent(i, "y" * n, "s", "a") for i, n in enumerate(lengths)], store.source_id)
    store.add(batch)
    rows = RowIndex(store)
    heights = [max(1, -(-n // 10)) for n in lengths]
    assert rows.rows_prefix(10)[-1] == sum(heights)
    row = 0
    for i, h in enumerate(heights):
        assert rows.row_of(i, 10) == row
        assert rows.at_row(row + h - 1, 10) == (i, h - 1)
        row += h
