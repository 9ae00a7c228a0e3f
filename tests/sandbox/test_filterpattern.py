"""The CloudWatch Logs filter-pattern matcher (unit and property tests; no sandbox needed)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtui.sandbox.filterpattern import FilterPatternError, compile_pattern, matches

LINES = [
    "ERROR timeout while calling /invocations",
    "ERROR disk full",
    "WARN slow response 912ms",
    "INFO all good",
    "error lowercase is not ERROR-cased",
]


def keep(pattern: str, lines=LINES) -> list[str]:
    m = compile_pattern(pattern)
    return [line for line in lines if m(line)]


@pytest.mark.parametrize("pattern", ["", "   ", '""', None])
def test_empty_pattern_matches_everything(pattern):
    assert keep(pattern) == LINES


def test_terms_are_anded_and_case_sensitive():
    assert keep("ERROR timeout") == [LINES[0]]
    assert keep("error") == [LINES[4]]
    assert keep("ERROR") == [LINES[0], LINES[1], LINES[4]]


def test_question_mark_terms_are_ored():
    assert keep("?WARN ?INFO") == [LINES[2], LINES[3]]
    assert keep("ERROR ?disk ?timeout") == [LINES[0], LINES[1]]


def test_minus_excludes():
    assert keep("ERROR -timeout") == [LINES[1], LINES[4]]
    assert keep("-ERROR") == [LINES[2], LINES[3]]


def test_quoted_phrases_and_escapes():
    assert keep('"disk full"') == [LINES[1]]
    assert keep('"full disk"') == []
    line = '10.0.0.1 - - [x] "GET /ping HTTP/1.1" 200 0'
    assert matches('"GET /ping HTTP/1.1\\" 200"', line)
    assert not matches('"GET /ping HTTP/1.1\\" 500"', line)


def test_regex_terms():
    assert keep(r"%[0-9]{3}ms%") == [LINES[2]]
    assert keep(r"%^INFO% ?all") == [LINES[3]]
    assert keep(r"%timeout|full%") == [LINES[0], LINES[1]]


@pytest.mark.parametrize(
    "pattern",
    [
        "%(a|b)%",  # no parentheses
        "%a% %b% %c%",  # at most two
        '"unterminated',
        "%open",
        "{ $.level = ",
        '{ $.level = "x"',
        "[a, b",
        "{ }",
        "{ level = 1 }",
        "{ $.a > abc }",
        "[a, , b]",
        "x" * 1025,
        'bare"quote',
    ],
)
def test_invalid_patterns_raise(pattern):
    with pytest.raises(FilterPatternError, match="Invalid filter pattern"):
        compile_pattern(pattern)


JSON_LINES = [
    json.dumps({"level": "error", "latency": 1234, "user": {"id": 7, "tags": ["a", "b"]}, "ok": False}),
    json.dumps({"level": "info", "latency": 12, "user": {"id": 8, "tags": []}, "ok": True, "err": None}),
    json.dumps({"level": "warn", "latency": 150.5, "msg": "Update trail"}),
    "not json at all { broken",
    '2026-11-28T00:00:00Z INFO {"level": "error", "latency": 5}',
]


def test_json_equality_wildcards_and_numbers():
    assert keep('{ $.level = "error" }', JSON_LINES) == [JSON_LINES[0], JSON_LINES[4]]
    assert keep("{ $.level = error }", JSON_LINES) == [JSON_LINES[0], JSON_LINES[4]]
    assert keep('{ $.level = "er*" }', JSON_LINES) == [JSON_LINES[0], JSON_LINES[4]]
    assert keep('{ $.level != "error" }', JSON_LINES) == [JSON_LINES[1], JSON_LINES[2]]
    assert keep("{ $.latency > 100 }", JSON_LINES) == [JSON_LINES[0], JSON_LINES[2]]
    assert keep("{ $.latency <= 12 }", JSON_LINES) == [JSON_LINES[1], JSON_LINES[4]]
    assert keep("{ $.latency = 150.5 }", JSON_LINES) == [JSON_LINES[2]]


def test_json_boolean_logic_and_selectors():
    assert keep('{ $.level = "error" && $.latency > 1000 }', JSON_LINES) == [JSON_LINES[0]]
    assert keep('{ ($.level = "info") || ($.latency > 1000) }', JSON_LINES) == [JSON_LINES[0], JSON_LINES[1]]
    assert keep('{ $.user.tags[0] = "a" }', JSON_LINES) == [JSON_LINES[0]]
    assert keep('{ $.user.tags[*] = "b" }', JSON_LINES) == [JSON_LINES[0]]
    assert keep("{ $.user.id = 8 }", JSON_LINES) == [JSON_LINES[1]]
    assert keep("{ $.err IS NULL }", JSON_LINES) == [JSON_LINES[1]]
    assert keep("{ $.ok IS TRUE }", JSON_LINES) == [JSON_LINES[1]]
    assert keep("{ $.ok IS FALSE }", JSON_LINES) == [JSON_LINES[0]]
    assert keep("{ $.msg NOT EXISTS }", JSON_LINES) == [JSON_LINES[0], JSON_LINES[1], JSON_LINES[4]]
    assert keep("{ $.msg = %Upd.te% }", JSON_LINES) == [JSON_LINES[2]]


ACCESS = [
    '10.0.0.1 - alice [28/Nov/2026:00:00:01 +0000] "GET /ping HTTP/1.1" 200 0',
    '10.0.0.2 - bob [28/Nov/2026:00:00:02 +0000] "POST /invocations HTTP/1.1" 500 187',
    '10.0.0.3 - bob [28/Nov/2026:00:00:03 +0000] "POST /invocations HTTP/1.1" 404 12',
    "too few fields",
]


def test_space_delimited_fields():
    assert keep("[ip, dash, user, ts, request, status, bytes]", ACCESS) == ACCESS[:3]
    assert keep("[ip, dash, user, ts, request, status=5*, bytes]", ACCESS) == [ACCESS[1]]
    assert keep('[ip, dash, user=bob, ts, request="POST *", status, bytes>100]', ACCESS) == [ACCESS[1]]
    assert keep("[ip, ..., status = 404 || status = 500, bytes]", ACCESS) == [ACCESS[1], ACCESS[2]]
    assert keep("[..., status >= 400, bytes]", ACCESS) == [ACCESS[1], ACCESS[2]]
    assert keep("[..., status != 200, bytes]", ACCESS) == [ACCESS[1], ACCESS[2], ACCESS[3]]
    assert keep("[ip=%^10\\.0\\.0\\.[12]$%, ...]", ACCESS) == ACCESS[:2]
    assert keep("[a, b, c]", ACCESS) == [ACCESS[3]]


_word = st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd")), min_size=1, max_size=8)


@given(words=st.lists(_word, min_size=1, max_size=4), line=st.text(max_size=60))
def test_terms_and_equals_all_substrings(words, line):
    assert matches(" ".join(words), line) == all(w in line for w in words)


@given(words=st.lists(_word, min_size=1, max_size=4), line=st.text(max_size=60))
def test_optional_terms_equal_any_substring(words, line):
    assert matches(" ".join("?" + w for w in words), line) == any(w in line for w in words)


@given(word=_word, line=st.text(max_size=60))
def test_exclusion_is_the_complement(word, line):
    assert matches("-" + word, line) == (word not in line)


@given(
    phrase=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
    line=st.text(max_size=40),
)
def test_quoted_phrase_is_literal(phrase, line):
    quoted = '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if not phrase.strip():
        return
    assert matches(quoted, line) == (phrase in line)
    assert matches(quoted, "xx" + phrase + "yy")


@given(value=st.integers(-10_000, 10_000), threshold=st.integers(-10_000, 10_000))
def test_json_numeric_comparisons(value, threshold):
    line = json.dumps({"v": value})
    assert matches(f"{{ $.v > {threshold} }}", line) == (value > threshold)
    assert matches(f"{{ $.v <= {threshold} }}", line) == (value <= threshold)
    assert matches(f"{{ $.v = {threshold} }}", line) == (value == threshold)


def test_compiled_once_and_cached():
    assert compile_pattern("ERROR timeout") is compile_pattern("ERROR timeout")
