"""Suggestions from cue-phrase rules: each rule proposes a label for a cue, its clause or sentence.

Rules come from the config's ``[[rules]]`` list, or from the default set shipped in
``reader/rules/default_rules.toml`` (which documents the schema). Suggestions are computed
from the text alone; :func:`pending` drops those a reader has already tagged or rejected.
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, get_args

from reader.config import Config, ConfigError
from reader.core.segment import sentences

if TYPE_CHECKING:
    from reader.core.store import Annotation, Store

Scope = Literal["match", "clause", "sentence"]
SCOPES: tuple[str, ...] = get_args(Scope)
ORIGIN_PREFIX = "rule:"

_GAP = "…"
_GAP_PATTERN = r"(?:[^\s.,;:!?]+\s+){0,3}"
_APOSTROPHES = "'\u2019"
_HEAD, _TAIL, _END = r"(?<!\w)", r"(?!\w)", ""
# Where a clause ends inside a sentence: semicolons, colons, brackets, dashes, quotation
# marks, and commas followed by a space or a closing quote (not "2,000").
_CLAUSE_BREAK = re.compile(r"[;:()\[\]\"\u201c\u201d\u2014\u2013]|,(?=[\s\"\u201d])|\s-\s")


@dataclass(frozen=True, order=True)
class Suggestion:
    """A proposed annotation ``text[start:end]`` with ``label``, made by rule ``rule``."""

    start: int
    end: int
    label: str
    rule: str

    @property
    def origin(self) -> str:
        """The ``origin`` an accepted suggestion's annotation records."""
        return ORIGIN_PREFIX + self.rule

    @property
    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    regex: re.Pattern[str]
    scope: Scope = "sentence"
    unless: tuple[str, ...] = ()


def _phrase_atoms(phrase: str, fold_case: bool) -> list[str]:
    """The regex pieces of one cue phrase, in order (see :func:`phrases_pattern`)."""
    words = phrase.replace("...", _GAP).split()
    if not words or _GAP in (words[0], words[-1]):
        raise ValueError(f"phrase {phrase!r}: needs words, and … only between words")
    atoms = [_HEAD] if words[0][0].isalnum() else []
    for index, word in enumerate(words):
        if index and words[index - 1] != _GAP:
            atoms.append(r"\s+")
        if word == _GAP:
            atoms.append(_GAP_PATTERN)
            continue
        for char in word.lower() if fold_case else word:
            atoms.append(f"[{_APOSTROPHES}]" if char in _APOSTROPHES else re.escape(char))
    if words[-1][-1].isalnum():
        atoms.append(_TAIL)
    return atoms


def phrases_pattern(phrases: Iterable[str], *, fold_case: bool = True) -> str:
    """One regex for cue phrases: whole words, any whitespace between them, ' matching U+2019
    too, and "…" standing for up to three words.

    The phrases are merged into a trie, so the regex costs about as much as one phrase.
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for atom in _phrase_atoms(phrase, fold_case):
            node = node.setdefault(atom, {})
        node[_END] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, Any]) -> str:
    # A phrase that goes on is tried before one that ends here, so the longest wins.
    atoms = sorted((a for a in node if a != _END), key=lambda a: (a == _TAIL, a))
    branches = [atom + _trie_pattern(node[atom]) for atom in atoms]
    if not branches:
        return ""
    if len(branches) == 1 and _END not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if _END in node else "")


def parse_rules(items: Any, where: str, labels: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """Rules from a TOML ``[[rules]]`` list; errors are one line naming ``where`` and the rule."""
    if not isinstance(items, list):
        raise ConfigError(f"{where}: rules must be a list of [[rules]] tables")
    rules = tuple(_rule(item, number, where) for number, item in enumerate(items, 1))
    names = [rule.name for rule in rules]
    for rule in rules:
        if names.count(rule.name) > 1:
            raise ConfigError(f"{where}: two rules are named {rule.name!r}")
        if labels is not None and rule.label not in labels:
            raise ConfigError(f"{where}: rule {rule.name!r} has unknown label {rule.label!r}")
        for other in rule.unless:
            if other not in names:
                raise ConfigError(f"{where}: rule {rule.name!r}: unless names no rule {other!r}")
    return rules


def _strings(item: dict[str, Any], key: str, where: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return value


def _rule(item: Any, number: int, where: str) -> Rule:
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: rule {number} must be a table")
    name, label = item.get("name"), item.get("label")
    if not isinstance(name, str) or not name or not isinstance(label, str) or not label:
        raise ConfigError(f"{where}: rule {number} needs a name and a label")
    where = f"{where}: rule {name!r}"
    scope = item.get("scope", "sentence")
    if scope not in SCOPES:
        raise ConfigError(f"{where}: scope must be one of {', '.join(SCOPES)}")
    phrases = _strings(item, "phrases", where)
    patterns = _strings(item, "patterns", where)
    if not phrases and not patterns:
        raise ConfigError(f"{where}: needs phrases or patterns")
    case_sensitive = bool(item.get("case_sensitive", False))
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        sources = [phrases_pattern(phrases, fold_case=not case_sensitive)] if phrases else []
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    try:
        regex = re.compile("|".join(f"(?:{s})" for s in sources + patterns), flags)
    except re.error as exc:
        bad = next((p for p in patterns if not _compiles(p, flags)), "")
        raise ConfigError(f"{where}: bad pattern {bad!r} ({exc})") from None
    unless = _strings(item, "unless", where)
    return Rule(name, label, regex, scope, tuple(unless))


def _compiles(pattern: str, flags: int) -> bool:
    try:
        re.compile(pattern, flags)
    except re.error:
        return False
    return True


@cache
def default_rules() -> tuple[Rule, ...]:
    source = resources.files("reader").joinpath("rules/default_rules.toml")
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return parse_rules(data["rules"], "default rules")


def rules_from_config(config: Config) -> tuple[Rule, ...]:
    """The config's rules, else the default rules for those of its labels they cover."""
    labels = {label.name for label in config.labels}
    if "rules" in config.raw:
        return parse_rules(config.raw["rules"], str(config.source or "config"), labels)
    return tuple(rule for rule in default_rules() if rule.label in labels)


# -- finding suggestions -------------------------------------------------------------------


def clause_around(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The clause of ``sentence`` around ``text[start:end]``, without edge whitespace."""
    left, right = sentence
    for brk in _CLAUSE_BREAK.finditer(text, left, right):
        if brk.end() <= start:
            left = brk.end()
        elif brk.start() >= end:
            right = brk.start()
            break
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


class _Sentences:
    """The sentences of ``text``, segmented one line at a time as cues need them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[int, list[tuple[int, int]]] = {}

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The sentence(s) covering ``[start, end)``."""
        first = self._at(start)
        last = first if end <= first[1] else self._at(end - 1)
        return min(first[0], start), max(last[1], end)

    def _at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_left(self.newlines, offset)
        line_start = self.newlines[line - 1] + 1 if line else 0
        spans = self.lines.get(line_start)
        if spans is None:
            line_end = self.newlines[line] if line < len(self.newlines) else len(self.text)
            pieces = sentences(self.text[line_start:line_end])
            spans = self.lines[line_start] = [(line_start + s, line_start + e) for s, e in pieces]
        index = bisect.bisect_right(spans, (offset, len(self.text))) - 1
        return spans[max(index, 0)] if spans else (offset, offset)


def _candidates(
    text: str, rules: Sequence[Rule], region: tuple[int, int]
) -> Iterator[tuple[int, int, int]]:
    """``(start, end, rule index)`` for every cue in ``region``, scope applied, vetoes heeded."""
    by_name = {rule.name: rule for rule in rules}
    sentences_of_text = _Sentences(text)
    for index, rule in enumerate(rules):
        vetoes = [by_name[name].regex for name in rule.unless if name in by_name]
        for match in rule.regex.finditer(text, *region):
            start, end = match.span()
            if start == end:
                continue
            if rule.scope == "match" and not vetoes:
                yield start, end, index
                continue
            sentence = sentences_of_text.around(start, end)
            clause = clause_around(text, sentence, start, end)
            if any(veto.search(text, *clause) for veto in vetoes):
                continue
            span = {"match": (start, end), "clause": clause, "sentence": sentence}[rule.scope]
            yield *span, index


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    last = text.find("\n", max(start, end))
    return text.rfind("\n", 0, start) + 1, len(text) if last < 0 else last


def suggest(
    text: str, rules: Sequence[Rule], within: tuple[int, int] | None = None
) -> list[Suggestion]:
    """What ``rules`` propose for ``text``, in text order.

    Of candidates with the same label that overlap, the earliest-starting, then longest,
    then the one from the earlier rule is kept; different labels may share a span.

    ``within=(start, end)`` looks only at the lines that range touches (a view asking for
    what it shows): sentences never cross a line, so the result is what the whole text
    gives for cues on those lines. Segmenting sentences is the costly part (pysbd).
    """
    region = _whole_lines(text, *within) if within else (0, len(text))
    candidates = sorted(_candidates(text, rules, region), key=lambda c: (c[0], c[0] - c[1], c[2]))
    reach: dict[str, int] = {}  # per label, the end of the last kept suggestion
    kept: list[Suggestion] = []
    for start, end, index in candidates:
        rule = rules[index]
        if start < reach.get(rule.label, -1):
            continue
        reach[rule.label] = end
        kept.append(Suggestion(start, end, rule.label, rule.name))
    return sorted(kept)


class _Covered:
    """Live annotations of one label, asked whether any overlaps a span (in log time)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self.starts = [start for start, _ in spans]
        self.reach = list(itertools.accumulate((end for _, end in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect.bisect_left(self.starts, end)  # annotations starting before ``end``
        return before > 0 and self.reach[before - 1] > start


def pending(
    suggestions: Iterable[Suggestion],
    annotations: Iterable[Annotation],
    rejected: Iterable[tuple[int, int, str]],
) -> list[Suggestion]:
    """The suggestions not rejected and not overlapping a live annotation with their label."""
    refused = set(rejected)
    spans: dict[str, list[tuple[int, int]]] = {}
    for annotation in annotations:
        if annotation.deleted_at is None:
            spans.setdefault(annotation.label, []).append((annotation.start, annotation.end))
    covered = {label: _Covered(label_spans) for label, label_spans in spans.items()}
    return [
        s
        for s in suggestions
        if s.key not in refused
        and not (s.label in covered and covered[s.label].overlaps(s.start, s.end))
    ]


def pending_suggestions(
    store: Store, doc_id: int, rules: Sequence[Rule], within: tuple[int, int] | None = None
) -> list[Suggestion]:
    """What the rules still propose for a stored document (see :func:`suggest`)."""
    text = store.document(doc_id).text
    return pending(
        suggest(text, rules, within),
        store.annotations(doc_id),
        store.rejected_suggestions(doc_id),
    )


# -- scoring rules against annotations ---------------------------------------------------

Span = tuple[int, int, str]


@dataclass(frozen=True)
class LabelScore:
    """How a label's suggestions compare with the annotations (the gold spans)."""

    label: str
    suggested: int = 0  # suggestions made
    correct: int = 0  # suggestions that match a gold span
    gold: int = 0  # gold spans
    found: int = 0  # gold spans matched by a suggestion

    @property
    def precision(self) -> float | None:
        return self.correct / self.suggested if self.suggested else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None or p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: LabelScore) -> LabelScore:
        return LabelScore(
            self.label,
            self.suggested + other.suggested,
            self.correct + other.correct,
            self.gold + other.gold,
            self.found + other.found,
        )


def _matches(a: Span, b: Span, exact: bool) -> bool:
    if a[2] != b[2]:
        return False
    return a[:2] == b[:2] if exact else a[0] < b[1] and b[0] < a[1]


def score(
    documents: Iterable[tuple[Sequence[Span], Sequence[Span]]], *, exact: bool = False
) -> dict[str, LabelScore]:
    """Per-label scores over ``(suggested, gold)`` span lists, one pair per document.

    A suggestion is correct when it overlaps (``exact``: equals) a gold span with its label;
    a gold span is found when some suggestion matches it.
    """
    scores: dict[str, LabelScore] = {}
    for suggested, gold in documents:
        for label in sorted({s[2] for s in suggested} | {g[2] for g in gold}):
            mine = [s for s in suggested if s[2] == label]
            theirs = [g for g in gold if g[2] == label]
            scores[label] = scores.get(label, LabelScore(label)) + LabelScore(
                label,
                len(mine),
                sum(any(_matches(s, g, exact) for g in theirs) for s in mine),
                len(theirs),
                sum(any(_matches(s, g, exact) for s in mine) for g in theirs),
            )
    return dict(sorted(scores.items()))


def total(scores: dict[str, LabelScore]) -> LabelScore:
    return sum(scores.values(), LabelScore("all"))


def rule_scores(
    store: Store, rules: Sequence[Rule], *, exact: bool = False, include_accepted: bool = False
) -> dict[str, LabelScore]:
    """Score ``rules`` against the annotations of every annotated document in ``store``.

    Annotations made by accepting suggestions are left out of the gold spans unless
    ``include_accepted``; documents without gold spans are skipped.
    """
    return score(_scored_documents(store, rules, include_accepted), exact=exact)


def _scored_documents(
    store: Store, rules: Sequence[Rule], include_accepted: bool
) -> Iterator[tuple[list[Span], list[Span]]]:
    after = 0
    while page := store.documents_page(after):
        after = page[-1].id
        for row in page:
            if not row.annotation_count:
                continue
            gold = [
                (a.start, a.end, a.label)
                for a in store.annotations(row.id)
                if include_accepted or not a.origin.startswith(ORIGIN_PREFIX)
            ]
            if gold:
                text = store.document(row.id).text
                yield [s.key for s in suggest(text, rules)], gold
