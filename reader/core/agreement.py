"""Inter-annotator agreement on spans: pairwise precision/recall/F1 and Krippendorff's alpha.

All functions are pure: they take spans, not a database.

Comparing annotator ``a`` (the reference) with ``b``, on the documents both annotated
(each has at least one live span there):

- **exact** match: same start, end and label; each span matches at most once.
- **overlap** match: same label and at least one character in common, paired one to one
  greedily, the largest overlap first (ties: the closer boundaries, then the earlier span).
- precision = matches / spans of ``b``, recall = matches / spans of ``a``,
  F1 = 2 matches / (spans of ``a`` + spans of ``b``), so F1 does not depend on the order.
- **alpha_u**: Krippendorff's unitizing alpha, per label, over characters (below).
- **alpha_chars**: nominal alpha with each character a unit valued "has the label" or
  not; overall, each (character, label) pair is a unit.

Per label and overall, for each pair of annotators and averaged over the pairs.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import TypeVar

from reader.core.store import Store

OVERALL = "(all labels)"
GOLD = "gold"  # the adjudicated layer: compared only when named
V = TypeVar("V", bound=Hashable)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class DocumentSpans:
    """One document: its length in characters and each annotator's spans."""

    length: int
    spans: Mapping[str, Sequence[Span]]


@dataclass(frozen=True)
class Scores:
    documents: int
    exact_precision: float | None
    exact_recall: float | None
    exact_f1: float | None
    overlap_precision: float | None
    overlap_recall: float | None
    overlap_f1: float | None
    alpha_u: float | None
    alpha_chars: float | None


@dataclass(frozen=True)
class PairAgreement:
    reference: str
    other: str
    by_label: dict[str, Scores]  # OVERALL holds all labels together


@dataclass(frozen=True)
class Agreement:
    annotators: list[str]
    pairs: list[PairAgreement]
    average: dict[str, Scores] = field(default_factory=dict)


# -- span matching ------------------------------------------------------------------


def exact_matches(a: Sequence[Span], b: Sequence[Span]) -> int:
    return sum((Counter(a) & Counter(b)).values())


def overlap_matches(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Same-label spans sharing characters, paired one to one, the largest overlap first."""
    pairs = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            common = min(x.end, y.end) - max(x.start, y.start)
            if x.label == y.label and common > 0:
                distance = abs(x.start - y.start) + abs(x.end - y.end)
                pairs.append((-common, distance, i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, _, i, j in sorted(pairs):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- Krippendorff's alpha ------------------------------------------------------------


def coincidences(units: Iterable[Sequence[V | None]]) -> dict[tuple[V, V], float]:
    """The coincidence matrix of values given to units (``None``: no value given).

    Each unit with ``m >= 2`` values adds ``1 / (m - 1)`` for every ordered pair of values
    from different coders (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").
    """
    matrix: dict[tuple[V, V], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        if len(values) < 2:
            continue
        for x, y in itertools.permutations(values, 2):
            matrix[(x, y)] += 1 / (len(values) - 1)
    return dict(matrix)


def nominal_alpha(matrix: Mapping[tuple[V, V], float]) -> float | None:
    """alpha = 1 - (n - 1) * sum(o_ck, c != k) / sum(n_c * n_k, c != k); None if undefined."""
    totals: dict[V, float] = defaultdict(float)
    for (c, _), count in matrix.items():
        totals[c] += count
    n = sum(totals.values())
    observed = sum(count for (c, k), count in matrix.items() if c != k)
    expected = sum(totals[c] * totals[k] for c, k in itertools.permutations(totals, 2))
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def _char_coincidences(
    a: Sequence[Span], b: Sequence[Span], length: int
) -> Counter[tuple[int, int]]:
    """Two coders' coincidences over ``length`` characters, each labelled (1) or not (0)."""
    in_a, in_b = _joined([(s.start, s.end) for s in a]), _joined([(s.start, s.end) for s in b])
    both = _common_length(in_a, in_b)
    only = sum(e - s for s, e in in_a) + sum(e - s for s, e in in_b) - 2 * both
    neither = length - only - both
    return Counter({(1, 1): 2 * both, (0, 0): 2 * neither, (1, 0): only, (0, 1): only})


def _common_length(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    """Characters inside both lists of disjoint, sorted intervals."""
    total, i, j = 0, 0, 0
    while i < len(x) and j < len(y):
        total += max(0, min(x[i][1], y[j][1]) - max(x[i][0], y[j][0]))
        if x[i][1] <= y[j][1]:
            i += 1
        else:
            j += 1
    return total


def unitized_disagreement(
    coders: Sequence[Sequence[tuple[int, int]]], length: int
) -> tuple[float, float]:
    """Observed and expected disagreement ``(uDo, uDe)`` of one category on a continuum.

    Krippendorff's alpha_u (Krippendorff 1995, "On the reliability of unitizing continuous
    data", Sociological Methodology 25; Content Analysis, 2nd ed. 2004, section 12.4).
    Each of ``m`` coders splits the continuum ``[0, L)`` into units ``[start, end)`` of the
    category and the gaps between them. For sections ``g`` of coder ``i`` and ``h`` of
    coder ``j`` with beginnings ``b`` and lengths ``l``::

        d2 = (b_g - b_h)**2 + (b_g + l_g - b_h - l_h)**2   both units, overlapping
        d2 = l_g**2                                        unit g lies inside gap h
        d2 = 0                                             otherwise

        uDo = sum over i != j, g, h of d2 / (m (m - 1) L**2)
        uDe = 2/L * sum over units u of [ (N - 1)(2 l_u**3 - 3 l_u**2 + l_u) / 3
                    + l_u**2 * sum over gaps G with l_G >= l_u of (l_G - l_u + 1) ]
              / (m L (m L - 1) - sum over units u of l_u (l_u - 1))

    where ``N`` is the number of units of all coders. A coder's overlapping units of one
    category are joined first (the definition requires that they do not overlap).
    """
    coders = [_joined(units) for units in coders]
    m = len(coders)
    observed = 0.0
    for x, y in itertools.combinations(coders, 2):
        observed += 2 * _pair_distance(_sections(x, length), _sections(y, length))
    observed /= m * (m - 1) * length**2
    sizes = [end - start for coder in coders for start, end in coder]
    gaps = sorted(g for coder in coders for _, g, unit in _sections(coder, length) if not unit)
    gap_sums = [*reversed([*itertools.accumulate(reversed(gaps))]), 0]  # sums of gaps[i:]
    expected = 0.0
    for size in sizes:
        first = bisect.bisect_left(gaps, size)
        placements = gap_sums[first] - (size - 1) * (len(gaps) - first)
        expected += (len(sizes) - 1) * (2 * size**3 - 3 * size**2 + size) / 3
        expected += size**2 * placements
    denominator = m * length * (m * length - 1) - sum(size * (size - 1) for size in sizes)
    expected = 2 / length * expected / denominator if denominator else 0.0
    return observed, expected


def _joined(units: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in sorted(units):
        if joined and start < joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _sections(units: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int, bool]]:
    """``(begin, length, is_unit)`` for the units and the gaps that cover ``[0, length)``."""
    sections, position = [], 0
    for start, end in units:
        if start > position:
            sections.append((position, start - position, False))
        sections.append((start, end - start, True))
        position = end
    if position < length:
        sections.append((position, length - position, False))
    return sections


def _pair_distance(x: list[tuple[int, int, bool]], y: list[tuple[int, int, bool]]) -> float:
    """Sum of d2 over the overlapping sections of two coders (a sweep along both)."""
    total, i, j = 0.0, 0, 0
    while i < len(x) and j < len(y):
        (bg, lg, unit_g), (bh, lh, unit_h) = x[i], y[j]
        if unit_g and unit_h:
            total += (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
        elif unit_g and bh <= bg and bg + lg <= bh + lh:
            total += lg**2
        elif unit_h and bg <= bh and bh + lh <= bg + lg:
            total += lh**2
        end_g, end_h = bg + lg, bh + lh
        i, j = i + (end_g <= end_h), j + (end_h <= end_g)
    return total


def unitized_alpha(disagreements: Iterable[tuple[float, float]]) -> float | None:
    """alpha_u = 1 - sum(uDo) / sum(uDe) over categories; None when nothing was expected."""
    pairs = list(disagreements)
    expected = sum(e for _, e in pairs)
    return 1.0 - sum(o for o, _ in pairs) / expected if expected else None


# -- putting it together -------------------------------------------------------------


def agreement(docs: Mapping[int, DocumentSpans], annotators: Sequence[str]) -> Agreement:
    """Every pair of ``annotators`` compared, and the mean of each number over the pairs."""
    names = sorted(set(annotators))
    pairs = [compare(docs, a, b) for a, b in itertools.combinations(names, 2)]
    labels = sorted({label for p in pairs for label in p.by_label})
    average = {
        label: _mean([p.by_label[label] for p in pairs if label in p.by_label]) for label in labels
    }
    return Agreement(names, pairs, average)


def compare(docs: Mapping[int, DocumentSpans], a: str, b: str) -> PairAgreement:
    ordered = [docs[key] for key in sorted(docs)]
    shared = [d for d in ordered if d.spans.get(a) and d.spans.get(b)]
    labels = sorted({s.label for d in shared for s in [*d.spans[a], *d.spans[b]]})
    by_label = {}
    totals: Counter[str] = Counter()
    disagreements = []
    chars: Counter[tuple[int, int]] = Counter()
    for label in labels:
        counts, disagreement, label_chars = _label_counts(shared, a, b, label)
        totals.update(counts)
        disagreements.append(disagreement)
        chars.update(label_chars)
        alphas = unitized_alpha([disagreement]), nominal_alpha(label_chars)
        by_label[label] = _scores(len(shared), counts, *alphas)
    alphas = unitized_alpha(disagreements), nominal_alpha(chars)
    by_label[OVERALL] = _scores(len(shared), totals, *alphas)
    return PairAgreement(a, b, by_label)


def _label_counts(
    docs: Sequence[DocumentSpans], a: str, b: str, label: str
) -> tuple[Counter[str], tuple[float, float], Counter[tuple[int, int]]]:
    """Span counts, alpha_u disagreements and character coincidences for one label.

    The documents are laid end to end as one continuum for alpha_u.
    """
    counts: Counter[str] = Counter()
    units_a: list[tuple[int, int]] = []
    units_b: list[tuple[int, int]] = []
    chars: Counter[tuple[int, int]] = Counter()
    offset = 0
    for doc in docs:
        x = [s for s in doc.spans[a] if s.label == label]
        y = [s for s in doc.spans[b] if s.label == label]
        counts.update(a=len(x), b=len(y), exact=exact_matches(x, y))
        counts.update(overlap=overlap_matches(x, y))
        units_a += [(offset + s.start, offset + s.end) for s in x]
        units_b += [(offset + s.start, offset + s.end) for s in y]
        chars.update(_char_coincidences(x, y, doc.length))
        offset += doc.length
    disagreement = unitized_disagreement([units_a, units_b], offset) if offset else (0.0, 0.0)
    return counts, disagreement, chars


def _scores(
    documents: int, counts: Counter[str], alpha_u: float | None, alpha_chars: float | None
) -> Scores:
    n_a, n_b, exact, overlap = (counts[k] for k in ("a", "b", "exact", "overlap"))
    return Scores(
        documents,
        _ratio(exact, n_b),
        _ratio(exact, n_a),
        _ratio(2 * exact, n_a + n_b),
        _ratio(overlap, n_b),
        _ratio(overlap, n_a),
        _ratio(2 * overlap, n_a + n_b),
        alpha_u,
        alpha_chars,
    )


def _mean(scores: list[Scores]) -> Scores:
    def mean(values: Iterable[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return fmean(present) if present else None

    names = [f for f in Scores.__dataclass_fields__ if f != "documents"]
    means = {name: mean(getattr(s, name) for s in scores) for name in names}
    return Scores(documents=round(fmean(s.documents for s in scores)), **means)


# -- disagreements, for adjudication -------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """A run of overlapping spans (any label, any annotator) and each annotator's share."""

    start: int
    end: int
    versions: dict[str, tuple[Span, ...]]  # empty for an annotator with no span here

    @property
    def agreed(self) -> bool:
        return len({frozenset(v) for v in self.versions.values()}) == 1


def passages(spans: Mapping[str, Sequence[Span]]) -> list[Passage]:
    """The passages of one document, in text order."""
    ordered = sorted((span, name) for name, group in spans.items() for span in group)
    groups: list[list[tuple[Span, str]]] = []
    reach = -1
    for span, name in ordered:
        if groups and span.start < reach:
            groups[-1].append((span, name))
            reach = max(reach, span.end)
        else:
            groups.append([(span, name)])
            reach = span.end
    return [
        Passage(
            group[0][0].start,
            max(span.end for span, _ in group),
            {name: tuple(s for s, n in group if n == name) for name in sorted(spans)},
        )
        for group in groups
    ]


def disagreeing_documents(
    docs: Mapping[int, DocumentSpans], annotators: Sequence[str]
) -> list[int]:
    """Ids of documents that two or more of ``annotators`` annotated differently."""
    found = []
    for doc_id in sorted(docs):
        spans = {n: docs[doc_id].spans[n] for n in annotators if docs[doc_id].spans.get(n)}
        if len(spans) >= 2 and not all(p.agreed for p in passages(spans)):
            found.append(doc_id)
    return found


def spans_from_store(store: Store) -> dict[int, DocumentSpans]:
    """Each annotated document's live, placed spans by annotator (orphans have no place)."""
    rows = store.conn.execute(
        'SELECT a.doc_id, length(d.text), a.annotator, a.start, a."end", a.label'
        " FROM annotations a JOIN documents d ON d.id = a.doc_id"
        ' WHERE a.deleted_at IS NULL AND a.orphaned = 0 ORDER BY a.doc_id, a.start, a."end"'
    )
    lengths: dict[int, int] = {}
    spans: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for doc_id, length, annotator, start, end, label in rows:
        lengths[doc_id] = length
        spans[doc_id][annotator].append(Span(start, end, label))
    return {d: DocumentSpans(lengths[d], dict(by_annotator)) for d, by_annotator in spans.items()}


def annotators(docs: Mapping[int, DocumentSpans]) -> list[str]:
    """Everyone with spans in ``docs`` except the gold layer."""
    return sorted({name for doc in docs.values() for name in doc.spans if name != GOLD})
