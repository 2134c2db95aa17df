"""The rules engine: phrase regexes, the rule schema, scopes, deduplication, vetoes, filtering."""

# News text uses typographic quotes and apostrophes on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.config import Config, ConfigError, parse_config
from reader.core.store import Annotation
from reader.core.suggest import (
    Suggestion,
    clause_around,
    default_rules,
    parse_rules,
    pending,
    phrases_pattern,
    rules_from_config,
    suggest,
)

SAMPLES = Path(__file__).parents[2] / "sample_corpus"


def spans(pattern: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]


def rules(*items: dict[str, Any]) -> tuple[Any, ...]:
    return parse_rules(list(items), "test")


def found(text: str, ruleset: Any) -> list[tuple[str, str, str]]:
    return [(s.label, s.rule, text[s.start : s.end]) for s in suggest(text, ruleset)]


# -- phrases ---------------------------------------------------------------------------------


def test_phrase_matches_whole_words_any_case_and_whitespace() -> None:
    pattern = phrases_pattern(["told reporters"])
    text = "He told\n  Reporters; foretold reporters; told reportersX."
    assert spans(pattern, text) == [(3, 19)]


def test_phrase_apostrophe_matches_typographic_one() -> None:
    pattern = phrases_pattern(["didn't approve"])
    assert spans(pattern, "Biden didn’t approve; didn't approve") == [(6, 20), (22, 36)]


def test_ellipsis_stands_for_up_to_three_words() -> None:
    pattern = phrases_pattern(["on … condition of anonymity"])
    text = (
        "on condition of anonymity. on the strict written condition of anonymity. "
        "on a b c d condition of anonymity. on the, condition of anonymity."
    )
    assert spans(pattern, text) == [(0, 25), (27, 71)]
    assert text[27:71] == "on the strict written condition of anonymity"


def test_the_longest_phrase_wins() -> None:
    pattern = phrases_pattern(["press", "press secretary", "deny", "denying"])
    assert spans(pattern, "The press secretary kept denying it") == [(4, 19), (25, 32)]


@pytest.mark.parametrize("phrase", ["", "   ", "… official", "said …"])
def test_bad_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(ValueError):
        phrases_pattern([phrase])


_WORDS = st.sampled_from(["a", "b", "ab", "ba", "said"])


@given(
    st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=6),
    st.lists(st.one_of(_WORDS, st.sampled_from([" ", "  ", "\n", ", "])), max_size=30).map("".join),
)
def test_phrase_trie_finds_what_longest_first_alternation_finds(
    phrases: list[str], text: str
) -> None:
    naive = "|".join(
        r"(?<!\w)" + r"\s+".join(map(re.escape, p.split())) + r"(?!\w)"
        for p in sorted(set(phrases), key=len, reverse=True)
    )
    assert spans(phrases_pattern(phrases), text) == spans(naive, text)


# -- the schema --------------------------------------------------------------------------------

GOOD = {"name": "r", "label": "denial", "phrases": ["denied"]}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"rules": 1}, "test: rules must be a list"),
        ([1], "test: rule 1 must be a table"),
        ([{"label": "denial", "phrases": ["x"]}], "test: rule 1 needs a name and a label"),
        ([GOOD | {"scope": "page"}], "test: rule 'r': scope must be one of match, clause"),
        ([{"name": "r", "label": "denial"}], "test: rule 'r': needs phrases or patterns"),
        ([GOOD | {"phrases": "denied"}], "test: rule 'r': phrases must be a list of non-empty"),
        ([GOOD | {"phrases": ["said …"]}], "test: rule 'r': phrase 'said …': needs words"),
        ([GOOD | {"patterns": ["(unclosed"]}], "test: rule 'r': bad pattern '(unclosed'"),
        ([GOOD, GOOD], "test: two rules are named 'r'"),
        ([GOOD | {"unless": ["nope"]}], "test: rule 'r': unless names no rule 'nope'"),
        ([GOOD | {"label": "rumour"}], "test: rule 'r' has unknown label 'rumour'"),
    ],
)
def test_schema_errors_name_the_rule(items: Any, message: str) -> None:
    if isinstance(items, dict):
        items = items["rules"]
    with pytest.raises(ConfigError) as error:
        parse_rules(items, "test", labels={"denial"})
    assert str(error.value).startswith(message)


def test_default_rules_cover_the_three_default_labels() -> None:
    found_rules = {(r.name, r.label, r.scope) for r in rules_from_config(Config())}
    assert found_rules == {
        ("anonymity", "anonymous source", "sentence"),
        ("familiar-with", "anonymous source", "sentence"),
        ("unnamed-speaker", "anonymous source", "sentence"),
        ("spokesperson", "official statement", "sentence"),
        ("named-speaker", "official statement", "sentence"),
        ("institution-speaker", "official statement", "sentence"),
        ("according-to-named", "official statement", "sentence"),
        ("denial-words", "denial", "clause"),
        ("negated-action", "denial", "clause"),
    }


def test_config_rules_replace_the_defaults() -> None:
    config = parse_config({"rules": [GOOD | {"scope": "match"}]})
    assert [(r.name, r.label, r.scope) for r in rules_from_config(config)] == [
        ("r", "denial", "match")
    ]
    assert rules_from_config(parse_config({"rules": []})) == ()


def test_defaults_keep_only_rules_for_configured_labels() -> None:
    config = parse_config({"labels": [{"name": "denial"}, {"name": "rumour"}]})
    assert {r.label for r in rules_from_config(config)} == {"denial"}


def test_config_rule_with_a_label_the_config_lacks_is_an_error() -> None:
    config = parse_config({"rules": [GOOD | {"label": "rumour"}]}, Path("/c.toml"))
    with pytest.raises(ConfigError, match=r"^/c.toml: rule 'r' has unknown label 'rumour'$"):
        rules_from_config(config)


def test_case_sensitive_rule() -> None:
    ruleset = rules(GOOD | {"phrases": ["Kremlin"], "case_sensitive": True, "scope": "match"})
    assert [s.key for s in suggest("kremlin, Kremlin", ruleset)] == [(9, 16, "denial")]


# -- scopes, deduplication, vetoes --------------------------------------------------------------

TEXT = 'He spoke. "No, that is untrue," the spokesman said; all agreed.\nNext line denied it.'


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("match", ["untrue", "denied"]),
        ("clause", ["that is untrue", "Next line denied it."]),
        (
            "sentence",
            ['"No, that is untrue," the spokesman said; all agreed.', "Next line denied it."],
        ),
    ],
)
def test_scope_decides_the_span(scope: str, expected: list[str]) -> None:
    cue = {"name": "d", "label": "denial", "phrases": ["untrue", "denied"]}
    ruleset = rules(cue | {"scope": scope})
    assert [quote for _, _, quote in found(TEXT, ruleset)] == expected


def test_clause_stops_at_punctuation_but_not_inside_numbers() -> None:
    text = "First, about 2,000 people (some say) were not told; then it ended."
    sentence = (0, len(text))
    start = text.index("were not")
    assert text[slice(*clause_around(text, sentence, start, start + 8))] == "were not told"
    start = text.index("2,000")
    assert text[slice(*clause_around(text, sentence, start, start + 5))] == "about 2,000 people"


def test_overlapping_same_label_keeps_earliest_longest_and_labels_may_share_spans() -> None:
    ruleset = rules(
        {"name": "cue", "label": "denial", "phrases": ["untrue"], "scope": "match"},
        {"name": "clause", "label": "denial", "phrases": ["untrue"], "scope": "clause"},
        {"name": "whole", "label": "denial", "phrases": ["spokesman"], "scope": "sentence"},
        {"name": "other", "label": "official statement", "phrases": ["untrue"]},
    )
    assert found(TEXT, ruleset) == [
        ("denial", "whole", '"No, that is untrue," the spokesman said; all agreed.'),
        ("official statement", "other", '"No, that is untrue," the spokesman said; all agreed.'),
    ]


def test_same_span_from_two_rules_is_one_suggestion_from_the_first() -> None:
    ruleset = rules(
        {"name": "one", "label": "denial", "phrases": ["untrue"]},
        {"name": "two", "label": "denial", "phrases": ["spokesman"]},
    )
    assert [(s.rule, s.start) for s in suggest(TEXT, ruleset)] == [("one", 10)]


def test_unless_vetoes_a_cue_in_the_same_clause_only() -> None:
    ruleset = rules(
        {"name": "anon", "label": "anonymous source", "phrases": ["a source"]},
        {
            "name": "said",
            "label": "official statement",
            "phrases": ["said"],
            "scope": "clause",
            "unless": ["anon"],
        },
    )
    text = "A source said it was over, while Yang said it was not."
    assert found(text, ruleset) == [
        ("anonymous source", "anon", text),
        ("official statement", "said", "while Yang said it was not."),
    ]


def test_within_looks_only_at_the_lines_touched() -> None:
    ruleset = rules({"name": "d", "label": "denial", "phrases": ["untrue", "denied"]})
    assert [s.key for s in suggest(TEXT, ruleset, (70, 71))] == [(64, 84, "denial")]
    assert [s.key for s in suggest(TEXT, ruleset, (0, 0))] == [(10, 63, "denial")]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_within_equals_the_whole_text_on_those_lines(name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    whole = suggest(text, default_rules())
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        on_line = [s for s in whole if line_start <= s.start <= line_end]
        assert suggest(text, default_rules(), (line_start, line_end)) == on_line
        line_start = line_end + 1


_CUES = st.sampled_from(
    ["said", "denied", "not true", "a senior", "official", "told reporters", "Zhao", "were not"]
)
_FILL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@given(st.lists(st.one_of(_CUES, _FILL, st.sampled_from([". ", ", ", "\n", '"'])), max_size=25))
def test_suggestions_are_sorted_in_bounds_and_never_overlap_within_a_label(
    pieces: list[str],
) -> None:
    text = " ".join(pieces)
    result = suggest(text, default_rules())
    assert result == sorted(result) == suggest(text, default_rules())
    for index, s in enumerate(result):
        assert 0 <= s.start < s.end <= len(text)
        for other in result[index + 1 :]:
            assert s.label != other.label or s.end <= other.start


# -- what remains to show -----------------------------------------------------------------------


def annotation(start: int, end: int, label: str, deleted: bool = False) -> Annotation:
    return Annotation(
        "id", 1, start, end, label, "", "", "", None, "ana", "manual", "t", "t",
        "t" if deleted else None,
    )  # fmt: skip


def test_pending_drops_rejected_and_same_label_overlaps_only() -> None:
    a = Suggestion(0, 10, "denial", "r")
    b = Suggestion(20, 30, "denial", "r")
    c = Suggestion(20, 30, "official statement", "r")
    d = Suggestion(40, 50, "denial", "r")
    e = Suggestion(60, 70, "denial", "r")
    kept = pending(
        [a, b, c, d, e],
        [annotation(29, 31, "denial"), annotation(0, 10, "denial", deleted=True)],
        {(40, 50, "denial"), (60, 69, "denial")},
    )
    assert kept == [a, c, e]


# -- beyond the sample corpus -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "labels"),
    [
        ("White House officials said the plan was on hold.", {"anonymous source"}),
        ("A diplomat who asked not to be named said the deal was close.", {"anonymous source"}),
        ("Prime Minister Ana Silva said on Friday the talks would resume.", {"official statement"}),
        ('"We will not back down," said Maria Lopez, the minister.', {"official statement"}),
        ("The embassy said in a statement that it was false.", {"official statement", "denial"}),
        ("The company rejected the allegations as baseless.", {"denial"}),
        ("The ministry declined to comment.", set()),
        ("It was not clear when the meeting would take place.", set()),
        ("He met a senior official in Rome.", set()),
        ("Two officials were injured in the blast.", set()),
    ],
)  # fmt: skip
def test_default_rules_on_sentences_they_were_not_tuned_on(sentence: str, labels: set[str]) -> None:
    assert {s.label for s in suggest(sentence, default_rules())} == labels


_SPAN = st.tuples(st.integers(0, 40), st.integers(1, 10), st.sampled_from(["a", "b"]))


@given(st.lists(_SPAN, max_size=12), st.lists(_SPAN, max_size=12))
def test_pending_overlap_check_agrees_with_pairwise_comparison(
    suggested: list[tuple[int, int, str]], annotated: list[tuple[int, int, str]]
) -> None:
    suggestions = [Suggestion(s, s + n, label, "r") for s, n, label in suggested]
    annotations = [annotation(s, s + n, label) for s, n, label in annotated]
    expected = [
        s
        for s in suggestions
        if not any(a.label == s.label and a.start < s.end and s.start < a.end for a in annotations)
    ]
    assert pending(suggestions, annotations, set()) == expected
