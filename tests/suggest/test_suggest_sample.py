"""The default rules against a hand annotation of the sample corpus, and scoring from a store."""

# News text uses typographic quotes and apostrophes on purpose.

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reader.config import DEFAULT_LABELS
from reader.core.corpus import read_corpus
from reader.core.store import Store
from reader.core.suggest import (
    LabelScore,
    Span,
    Suggestion,
    default_rules,
    rule_scores,
    score,
    suggest,
    total,
)

SAMPLES = Path(__file__).parents[2] / "sample_corpus"
GOLD_FILE = Path(__file__).with_name("sample_gold.json")
GOLD: list[dict[str, Any]] = json.loads(GOLD_FILE.read_text(encoding="utf-8"))
NAMES = sorted({g["doc"] for g in GOLD})


def text_of(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def gold_spans(name: str) -> list[Span]:
    return [(g["start"], g["end"], g["label"]) for g in GOLD if g["doc"] == name]


def evaluated(exact: bool) -> dict[str, LabelScore]:
    pairs = [([s.key for s in suggest(text_of(n), default_rules())], gold_spans(n)) for n in NAMES]
    return score(pairs, exact=exact)


def counts(scores: dict[str, LabelScore]) -> dict[str, tuple[int, int, int, int]]:
    every = [*scores.values(), total(scores)]
    return {s.label: (s.suggested, s.correct, s.gold, s.found) for s in every}


def test_gold_fixture_quotes_its_spans() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.txt")) == NAMES
    labels = {label.name for label in DEFAULT_LABELS}
    for g in GOLD:
        assert text_of(g["doc"])[g["start"] : g["end"]] == g["quote"]
        assert g["label"] in labels
    assert len(GOLD) == 35


def test_default_rules_overlap_scores_on_the_sample_corpus() -> None:
    assert counts(evaluated(exact=False)) == {
        "anonymous source": (12, 12, 13, 12),
        "denial": (6, 6, 6, 6),
        "official statement": (15, 15, 16, 15),
        "all": (33, 33, 35, 33),
    }


def test_default_rules_exact_span_scores_on_the_sample_corpus() -> None:
    assert counts(evaluated(exact=True)) == {
        "anonymous source": (12, 8, 13, 8),
        "denial": (6, 4, 6, 4),
        "official statement": (15, 10, 16, 10),
        "all": (33, 22, 35, 22),
    }


def test_the_passages_the_default_rules_miss() -> None:
    missed = []
    for name in NAMES:
        found = [s.key for s in suggest(text_of(name), default_rules())]
        for start, end, label in gold_spans(name):
            if not any(f[2] == label and f[0] < end and start < f[1] for f in found):
                missed.append((label, text_of(name)[start:end]))
    assert missed == [
        (
            "anonymous source",
            "Lavrov would be profoundly improbable to meet resigned US authorities except if "
            "they had a connection to true channels, they added.",
        ),
        (
            "official statement",
            "“We have been playing a constructive part in promoting peace talks.”",
        ),
    ]


def test_score_arithmetic() -> None:
    s = LabelScore("x", suggested=4, correct=3, gold=6, found=2)
    assert (s.precision, s.recall) == (0.75, 2 / 6)
    assert s.f1 == pytest.approx(2 * 0.75 * (1 / 3) / (0.75 + 1 / 3))
    assert LabelScore("y").precision is None and LabelScore("y").f1 is None


@pytest.fixture
def sample_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "r.db", annotator="ana")
    store.import_documents(read_corpus([SAMPLES / name for name in NAMES]).documents)
    return store


def doc_ids(store: Store) -> dict[str, int]:
    return {store.document(i).external_id + ".txt": i for i in store.document_ids()}


def test_rule_scores_use_the_store_annotations(sample_store: Store) -> None:
    ids = doc_ids(sample_store)
    for name in NAMES:
        sample_store.add_annotations(ids[name], gold_spans(name))
    expected = counts(evaluated(exact=False))
    assert counts(rule_scores(sample_store, default_rules())) == expected
    # An accepted suggestion is not a label a reader gave, unless asked for.
    sample_store.accept_suggestion(ids[NAMES[0]], Suggestion(0, 3, "denial", "denial-words"))
    assert counts(rule_scores(sample_store, default_rules())) == expected
    with_accepted = counts(rule_scores(sample_store, default_rules(), include_accepted=True))
    assert with_accepted["denial"] == (6, 6, 7, 6)


def test_rule_scores_skip_documents_without_annotations(sample_store: Store) -> None:
    assert rule_scores(sample_store, default_rules()) == {}
