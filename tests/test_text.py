"""The sanitiser: what reaches the screen from AWS strings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smtui.text import clean, collapse_cr, to_text, truncate

HOSTILE = [
    "\x1b]0;pwned title\x07",  # OSC window title
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear screen, home
    "\x1b[10A\x1b[5C",  # cursor movement
    "\x9b2J",  # 8-bit CSI
    "\x9d0;title\x9c",  # 8-bit OSC
    "\x1bP+q544e\x1b\\",  # DCS
    "\x7f\x00\x08\x0b\x0c",  # DEL and C0
    "\x1bc",  # full reset
]


def _safe(s: str) -> bool:
    return not any((ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F for c in s)


def test_hostile_sequences_are_removed_and_text_kept():
    for seq in HOSTILE:
        out = clean(f"before{seq}after")
        assert out.startswith("before") and out.endswith("after"), (seq, out)
        assert _safe(out), (seq, out)


def test_lone_escape_at_the_end_is_removed():
    assert clean("text\x1b") == "text"
    assert clean("\x1b\x1b[") == ""


def test_osc8_keeps_its_visible_text():
    assert clean("\x1b]8;;http://x/\x1b\\link\x1b]8;;\x1b\\") == "link"


def test_sgr_colours_become_styles_not_escapes():
    text = to_text("\x1b[31mred\x1b[0m plain \x1b]0;t\x07")
    assert text.plain == "red plain "
    assert [(s.start, s.end, s.style.color.number) for s in text.spans] == [(0, 3, 1)]


def test_newlines_kept_only_when_asked():
    assert clean("a\nb") == "a b"
    assert clean("a\nb", newlines=True) == "a\nb"


def test_carriage_return_progress_shows_final_state():
    assert collapse_cr("  0%|          |\r 50%|#####     |\r100%|##########|") == "100%|##########|"
    assert collapse_cr("done\r\n") == "done\n"
    assert clean("10%\r100%") == "100%"


def test_long_line_is_truncated_with_marker():
    s = "x" * 300_000
    out = truncate(s, 1000)
    assert out.startswith("x" * 1000) and "299,000 more characters" in out
    assert "more characters" in to_text(s, 1000).plain


@given(
    st.lists(st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF)) | st.sampled_from(HOSTILE)).map(
        "".join
    )
)
def test_clean_never_lets_a_control_through(s):
    assert _safe(clean(s))
    assert _safe(clean(s, newlines=True))
    assert _safe(to_text(s).plain)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs"))))
def test_clean_keeps_ordinary_text(s):
    assert clean(s, newlines=True) == s
