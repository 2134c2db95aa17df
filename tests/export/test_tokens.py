"""The shared tokeniser: exact tokens, spaCy's whitespace layout, snapping spans outward."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from reader.core.tokens import Alignment, Token, is_space, tokenize, with_whitespace


def texts(text: str) -> list[str]:
    return [t.text for t in tokenize(text)]


def test_words_punctuation_and_numbers() -> None:
    assert texts('Mr. Zhao said: "U.S. talks won\'t fail" (2024).') == [
        "Mr",
        ".",
        "Zhao",
        "said",
        ":",
        '"',
        "U",
        ".",
        "S",
        ".",
        "talks",
        "won",
        "'",
        "t",
        "fail",
        '"',
        "(",
        "2024",
        ")",
        ".",
    ]


def test_cjk_ideographs_are_one_token_each_and_kana_runs_stay_whole() -> None:
    assert texts("外交部否认。ひらがな") == ["外", "交", "部", "否", "认", "。", "ひらがな"]


def test_emoji_keep_modifiers_and_joiners() -> None:
    family = "👨\u200d👩\u200d👧"
    assert texts(f"ok👍🏽 {family} 🇯🇵 1️⃣") == ["ok", "👍🏽", family, "🇯🇵", "1️⃣"]


def test_combining_marks_and_indic_signs_stay_in_their_word() -> None:
    assert texts("Cafe\u0301 हिन्दी। x") == ["Cafe\u0301", "हिन्दी", "।", "x"]


def test_offsets_and_trailing_space() -> None:
    assert tokenize("a  b\nc ") == [
        Token("a", 0, 1, True),
        Token("b", 3, 4, False),
        Token("c", 5, 6, True),
    ]


def test_whitespace_layout_is_spacy_s() -> None:
    text = "  a  b\n\nc "
    laid = with_whitespace(text, tokenize(text))
    assert [(t.text, t.ws) for t in laid] == [
        ("  ", False),
        ("a", True),
        (" ", False),
        ("b", False),
        ("\n\n", False),
        ("c", True),
    ]
    assert [is_space(t) for t in laid] == [True, False, True, False, True, False]


def test_snap_widens_to_whole_tokens_and_refuses_whitespace() -> None:
    text = "sources familiar with it"
    alignment = Alignment(tokenize(text))
    assert alignment.snap(9, 19) == (1, 2)  # "amiliar wi" -> "familiar with"
    assert alignment.snap(8, 16) == (1, 1)  # exact
    assert alignment.snap(7, 8) is None  # the space alone


@given(st.text(st.sampled_from([*"ab .,\n\t\u00a0\u2028", "中", "😀", "\U0001f3fd", "\u0301"])))
def test_tokens_cover_every_non_space_character_and_layout_rebuilds_the_text(text: str) -> None:
    tokens = tokenize(text)
    covered = {i for t in tokens for i in range(t.start, t.end)}
    assert covered == {i for i, c in enumerate(text) if not c.isspace()}
    for token in tokens:
        assert token.text == text[token.start : token.end] and token.text
        assert not any(c.isspace() for c in token.text)
    assert all(a.end <= b.start for a, b in pairwise(tokens))
    laid = with_whitespace(text, tokens)
    assert "".join(t.text + " " * t.ws for t in laid) == text


@given(st.text(st.sampled_from([*"ab .\n", "中"]), min_size=1), st.data())
def test_snap_is_the_smallest_token_range_covering_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    tokens = tokenize(text)
    touched = [i for i, t in enumerate(tokens) if t.start < end and t.end > start]
    expected = (touched[0], touched[-1]) if touched else None
    assert Alignment(tokens).snap(start, end) == expected
