"""Agreement numbers against published worked examples and hand computations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.agreement import (
    OVERALL,
    DocumentSpans,
    Span,
    agreement,
    coincidences,
    compare,
    disagreeing_documents,
    exact_matches,
    nominal_alpha,
    overlap_matches,
    passages,
    spans_from_store,
    unitized_alpha,
    unitized_disagreement,
)
from reader.core.merge import merge_databases
from reader.core.store import Store


def test_nominal_alpha_of_krippendorff_2011_example() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    four observers, twelve units, missing values; nominal alpha = 0.743."""
    units = [
        [1, 1, None, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [None, 5, 5, 5],
        [None, None, 1, 1],
        [None, None, 3, None],
    ]
    matrix = coincidences(units)
    # the paper's coincidence matrix: values 1..5 occur n_c = 9, 13, 10, 5, 3 times (n = 40)
    totals = [sum(n for (c, _), n in matrix.items() if c == v) for v in (1, 2, 3, 4, 5)]
    assert [round(t, 9) for t in totals] == [9, 13, 10, 5, 3]
    assert [round(matrix[(v, v)], 9) for v in (1, 2, 3, 4, 5)] == [7, 10, 8, 4, 3]
    assert nominal_alpha(matrix) == pytest.approx(0.743, abs=5e-4)


def test_unitized_alpha_of_krippendorff_2004_example() -> None:
    """Krippendorff (2004), Content Analysis 2nd ed., p. 254: two observers on the continuum
    [150, 450); category c: uDo = 0.0144, uDe = 0.0532, alpha = 0.7286; category k agrees
    perfectly (uDe = 0.0490); both categories together alpha = 0.859."""

    def shifted(units: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(begin - 150, begin - 150 + length) for begin, length in units]

    c = [shifted([(225, 70), (370, 30)]), shifted([(220, 80), (355, 20), (400, 20)])]
    k = [shifted([(180, 60), (300, 50)])] * 2
    observed_c, expected_c = unitized_disagreement(c, 300)
    observed_k, expected_k = unitized_disagreement(k, 300)
    assert observed_c == pytest.approx(0.0144, abs=5e-5)
    assert expected_c == pytest.approx(0.0532, abs=5e-5)
    assert unitized_alpha([(observed_c, expected_c)]) == pytest.approx(0.7286, abs=5e-5)
    assert (observed_k, round(expected_k, 4)) == (0.0, 0.0490)
    assert unitized_alpha([(observed_k, expected_k)]) == 1.0
    both = unitized_alpha([(observed_c, expected_c), (observed_k, expected_k)])
    assert both == pytest.approx(0.859, abs=5e-4)


def test_unitized_alpha_computed_by_hand() -> None:
    """Continuum of L = 10 characters, m = 2 coders, one label.
    Coder 1 marks [2, 6) (b=2, l=4); coder 2 marks [3, 6) (b=3, l=3).

    Observed: the only non-zero pair is unit vs unit, d2 = (2-3)**2 + (6-6)**2 = 1; counted
    for both orders: uDo = 2 / (m (m-1) L**2) = 2 / 200 = 0.01.
    Expected: N = 2 units; gaps are 2 and 4 (coder 1) and 3 and 4 (coder 2).
      unit l=4: (N-1)(2*64 - 3*16 + 4)/3 = 28; gaps >= 4: (4-4+1) * 2 = 2, times l**2 -> 32
      unit l=3: (2*27 - 3*9 + 3)/3 = 10;      gaps >= 3: 2 + 2 + 1 = 5, times l**2 -> 45
      sum = 115; uDe = (2/L) * 115 / (mL(mL-1) - (4*3 + 3*2)) = 23 / 362.
    alpha_u = 1 - 0.01 / (23/362) = 1 - 3.62/23 = 0.842609 (to six places)."""
    observed, expected = unitized_disagreement([[(2, 6)], [(3, 6)]], 10)
    assert observed == pytest.approx(0.01)
    assert expected == pytest.approx(23 / 362)
    assert unitized_alpha([(observed, expected)]) == pytest.approx(1 - 3.62 / 23)
    assert round(1 - 3.62 / 23, 6) == 0.842609


def test_unit_inside_a_gap_and_overlapping_units_of_one_coder() -> None:
    # coder 2 marks nothing: coder 1's unit [2, 6) lies inside coder 2's gap: d2 = 4**2
    observed, _ = unitized_disagreement([[(2, 6)], []], 10)
    assert observed == pytest.approx(2 * 16 / 200)
    # overlapping units of one coder count as their union
    assert unitized_disagreement([[(2, 5), (4, 6)], [(2, 6)]], 10)[0] == 0.0


def test_span_matching_by_hand() -> None:
    a = [Span(0, 5, "X"), Span(10, 20, "X"), Span(30, 40, "Y")]
    b = [Span(0, 5, "X"), Span(12, 20, "X"), Span(15, 25, "X"), Span(30, 40, "X")]
    assert exact_matches(a, b) == 1
    # X: overlaps 8 (a2,b2), 5 (a1,b1), 5 (a2,b3): a2-b2 first, then a1-b1; Y vs X never
    assert overlap_matches(a, b) == 2
    # one to one, the largest overlap first
    assert overlap_matches([Span(0, 10, "X")], [Span(0, 4, "X"), Span(3, 10, "X")]) == 1
    assert overlap_matches([Span(0, 4, "X"), Span(3, 10, "X")], [Span(0, 10, "X")]) == 1
    assert overlap_matches([Span(0, 4, "X")], [Span(4, 8, "X")]) == 0  # touching is not overlap


def test_pair_scores_by_hand() -> None:
    docs = {
        1: DocumentSpans(10, {"ann": [Span(2, 6, "X")], "bob": [Span(3, 6, "X"), Span(7, 9, "Y")]}),
        2: DocumentSpans(50, {"ann": [Span(0, 5, "X")]}),  # bob never annotated it
    }
    pair = compare(docs, "ann", "bob")
    x, y, overall = pair.by_label["X"], pair.by_label["Y"], pair.by_label[OVERALL]
    assert x.documents == overall.documents == 1
    assert (x.exact_precision, x.exact_recall, x.exact_f1) == (0.0, 0.0, 0.0)
    assert (x.overlap_precision, x.overlap_recall, x.overlap_f1) == (1.0, 1.0, 1.0)
    assert x.alpha_u == pytest.approx(1 - 3.62 / 23)  # the hand-computed case above
    # characters labelled X: both 3, one only 1, neither 6 -> o11 = 6, o00 = 12, o01 = o10 = 1
    # n1 = 7, n0 = 13, alpha = 1 - (20 - 1) * 2 / (2 * 7 * 13) = 1 - 38/182
    assert x.alpha_chars == pytest.approx(1 - 38 / 182)
    assert (y.overlap_precision, y.overlap_recall, y.overlap_f1) == (0.0, None, 0.0)
    assert (overall.overlap_precision, overall.overlap_recall) == (0.5, 1.0)
    assert overall.overlap_f1 == pytest.approx(2 / 3)


def test_agreement_averages_over_pairs() -> None:
    spans = [Span(0, 4, "X")]
    docs = {1: DocumentSpans(8, {"a": spans, "b": spans, "c": [Span(4, 8, "X")]})}
    result = agreement(docs, ["c", "b", "a"])
    assert [(p.reference, p.other) for p in result.pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    f1s = [p.by_label["X"].overlap_f1 for p in result.pairs]
    assert f1s == [1.0, 0.0, 0.0]
    assert result.average["X"].overlap_f1 == pytest.approx(1 / 3)


def test_spans_from_a_merged_store(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    with Store(tmp_path / "team.db") as team:
        merge_databases(team, [alice_db, bob_db])
        result = agreement(spans_from_store(team), ["alice", "bob"])
    (pair,) = result.pairs
    overall = pair.by_label[OVERALL]
    assert overall.documents == 2
    # 4 spans each; exact: the denial and "speaking on condition of anonymity"
    assert (overall.exact_precision, overall.exact_recall) == (0.5, 0.5)
    # overlap adds "(as per) the sources familiar with the matter"
    assert (overall.overlap_precision, overall.overlap_recall) == (0.75, 0.75)
    statement = pair.by_label["official statement"]
    assert (statement.overlap_precision, statement.overlap_recall) == (None, 0.0)
    assert 0 < overall.alpha_u < 1 and 0 < overall.alpha_chars < 1


def test_passages_group_overlapping_spans_of_everyone() -> None:
    spans = {
        "a": [Span(0, 5, "X"), Span(20, 30, "Y")],
        "b": [Span(3, 8, "X"), Span(20, 30, "Y")],
        "c": [Span(7, 10, "Z")],
    }
    found = passages(spans)
    assert [(p.start, p.end, p.agreed) for p in found] == [(0, 10, False), (20, 30, False)]
    assert found[0].versions == {
        "a": (Span(0, 5, "X"),),
        "b": (Span(3, 8, "X"),),
        "c": (Span(7, 10, "Z"),),
    }
    assert found[1].versions["c"] == ()
    assert passages({"a": spans["a"], "b": [Span(20, 30, "Y"), Span(0, 5, "X")]})[0].agreed
    docs = {
        1: DocumentSpans(40, {"a": spans["a"], "b": spans["a"]}),
        2: DocumentSpans(40, {"a": spans["a"], "b": spans["b"]}),
        3: DocumentSpans(40, {"a": spans["a"]}),
    }
    assert disagreeing_documents(docs, ["a", "b"]) == [2]


spans_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 10)).map(lambda t: Span(t[0], t[0] + t[1], "X")),
    max_size=6,
)


@given(spans_strategy, spans_strategy)
def test_character_alpha_equals_alpha_over_each_character(a: list[Span], b: list[Span]) -> None:
    length = 40
    units = [
        [int(any(s.start <= i < s.end for s in a)), int(any(s.start <= i < s.end for s in b))]
        for i in range(length)
    ]
    pair = compare({1: DocumentSpans(length, {"a": a, "b": b})}, "a", "b")
    expected = nominal_alpha(coincidences(units)) if a and b else None
    got = pair.by_label["X"].alpha_chars if a and b else None
    assert got == (pytest.approx(expected) if expected is not None else None)
