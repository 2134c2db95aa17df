"""Agreement and adjudication screens.

:class:`AgreementScreen` shows the numbers of ``reader agree``. :class:`AdjudicationScreen`
walks the documents where annotators disagree, one passage (a run of overlapping spans) at
a time, showing every annotator's version and the gold one. Keys accept one version, all
of them, or none, and adjust the gold spans; the gold layer is written through the store
(annotator ``gold``), so undo works and it exports like any other annotator's work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from reader.cli.team_commands import agreement_table
from reader.config import Config
from reader.core.agreement import (
    GOLD,
    Passage,
    Span,
    agreement,
    annotators,
    disagreeing_documents,
    passages,
    spans_from_store,
)
from reader.core.store import Annotation, Store, StoreError
from reader.core.text import one_line

CONTEXT = 80  # characters shown on each side of a passage
ANNOTATOR_STYLES = ("bold", "italic", "underline", "bold italic", "bold underline")


def _triples(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in spans]


def _word_start(text: str, position: int, step: int) -> int:
    """The previous (``step=-1``) or next (``step=1``) position where a word begins."""
    i = position + step
    while 0 < i < len(text) and not (text[i - 1].isspace() and not text[i].isspace()):
        i += step
    return min(max(i, 0), len(text))


def _word_end(text: str, position: int, step: int) -> int:
    """The previous or next position where a word ends."""
    i = position + step
    while 0 < i < len(text) and not (not text[i - 1].isspace() and text[i].isspace()):
        i += step
    return min(max(i, 0), len(text))


class AgreementScreen(Screen[None]):
    """Agreement between the annotators of this database; ``a`` opens adjudication."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="agreement.back"),
        Binding("a", "adjudicate", "Adjudicate", id="agreement.adjudicate"),
    ]

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.store = store
        self.config = config
        docs = spans_from_store(store)
        names = annotators(docs)
        self.result = agreement(docs, names) if len(names) >= 2 else None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="agreement"):
            if self.result is None:
                yield Static(Text("Agreement needs annotations by two annotators."))
            else:
                yield Static(agreement_table(self.result))
        yield Footer()

    def action_adjudicate(self) -> None:
        self.app.push_screen(AdjudicationScreen(self.store, self.config))


class AdjudicationScreen(Screen[None]):
    """Disagreements one passage at a time; the adjudicator's choices become gold spans."""

    DEFAULT_CSS = """
    AdjudicationScreen #adjudicate-title { height: 1; padding: 0 1; background: $panel; }
    AdjudicationScreen #adjudicate-body { height: 1fr; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", show=False, id="adjudicate.back"),
        *(
            Binding(str(n), f"accept({n - 1})", "Accept", show=n == 1, id=f"adjudicate.{n}")
            for n in range(1, 10)
        ),
        Binding("a", "accept_all", "All", id="adjudicate.accept_all"),
        Binding("x", "reject", "None", id="adjudicate.reject"),
        Binding("g", "accept_agreed", "Agreed", id="adjudicate.accept_agreed"),
        Binding("e", "next_gold", "Edit", id="adjudicate.next_gold"),
        Binding("left_square_bracket", "move_start(-1)", "Start", id="adjudicate.start_back"),
        Binding("right_square_bracket", "move_start(1)", "", show=False, id="adjudicate.start_on"),
        Binding("left_curly_bracket", "move_end(-1)", "End", id="adjudicate.end_back"),
        Binding("right_curly_bracket", "move_end(1)", "", show=False, id="adjudicate.end_on"),
        Binding("l", "cycle_label", "Label", id="adjudicate.label"),
        Binding("j,down", "passage(1)", "Next", id="adjudicate.next_passage"),
        Binding("k,up", "passage(-1)", "Previous", show=False, id="adjudicate.previous_passage"),
        Binding("n", "document(1)", "Doc", id="adjudicate.next_document"),
        Binding("p", "document(-1)", "", show=False, id="adjudicate.previous_document"),
        Binding("u", "undo", "Undo", id="adjudicate.undo"),
        Binding("U,ctrl+r", "redo", "Redo", show=False, id="adjudicate.redo"),
    ]

    def __init__(self, store: Store, config: Config) -> None:
        super().__init__()
        self.store = store
        self.config = config
        self.gold = Store(store.path, annotator=GOLD)
        docs = spans_from_store(store)
        self.annotators = annotators(docs)
        self.documents = disagreeing_documents(docs, self.annotators)
        self.rejected: set[tuple[int, int, int]] = set()  # passages resolved with no gold
        self.doc_index = 0
        self.passage_index = 0
        self.gold_index = 0
        self.text = ""
        self.passages: list[Passage] = []

    def compose(self) -> ComposeResult:
        yield Static(id="adjudicate-title")
        with VerticalScroll(id="adjudicate-body"):
            yield Static(id="adjudicate-passage")
        yield Footer()

    def on_mount(self) -> None:
        self._load(0)

    def on_unmount(self) -> None:
        self.gold.close()

    # -- state -----------------------------------------------------------------------

    @property
    def doc_id(self) -> int | None:
        return self.documents[self.doc_index] if self.documents else None

    @property
    def passage(self) -> Passage | None:
        return self.passages[self.passage_index] if self.passages else None

    def _load(self, index: int) -> None:
        self.doc_index = index
        self.passage_index = self.gold_index = 0
        if self.doc_id is None:
            self.passages, self.text = [], ""
        else:
            self.text = self.store.document(self.doc_id).text
            by_annotator: dict[str, list[Span]] = {}
            for a in self.store.annotations(self.doc_id):
                if a.annotator in self.annotators and not a.orphaned:
                    by_annotator.setdefault(a.annotator, []).append(Span(a.start, a.end, a.label))
            self.passages = passages(by_annotator)
            disputed = [i for i, p in enumerate(self.passages) if not p.agreed]
            self.passage_index = disputed[0] if disputed else 0
        self._show()

    def gold_spans(self, passage: Passage | None = None) -> list[Annotation]:
        """The gold annotations overlapping ``passage`` (default: the current one)."""
        passage, doc_id = passage or self.passage, self.doc_id
        if passage is None or doc_id is None:
            return []
        return [
            a
            for a in self.gold.annotations(doc_id)
            if a.annotator == GOLD
            and not a.orphaned
            and a.start < passage.end
            and a.end > passage.start
        ]

    def _selected_gold(self) -> Annotation | None:
        spans = self.gold_spans()
        return spans[self.gold_index % len(spans)] if spans else None

    # -- actions ---------------------------------------------------------------------

    def action_accept(self, index: int) -> None:
        passage = self.passage
        names = list(passage.versions) if passage else []
        if passage is not None and index < len(names):
            self._set_gold(passage.versions[names[index]])

    def action_accept_all(self) -> None:
        if self.passage is not None:
            self._set_gold(sorted({s for v in self.passage.versions.values() for s in v}))

    def action_reject(self) -> None:
        if self.passage is not None and self.doc_id is not None:
            self.rejected.add((self.doc_id, self.passage.start, self.passage.end))
            self._set_gold([])

    def action_accept_agreed(self) -> None:
        """Gold for every passage of this document where all annotators agree."""
        doc_id = self.doc_id
        if doc_id is None:
            return
        spans = [
            span
            for passage in self.passages
            if passage.agreed and not self.gold_spans(passage)
            for span in next(iter(passage.versions.values()))
        ]
        self._write(
            lambda: self.gold.replace_annotations(
                doc_id, [], _triples(spans), origin="adjudication"
            )
        )

    def action_next_gold(self) -> None:
        self.gold_index += 1
        self._show()

    def action_move_start(self, step: int) -> None:
        gold = self._selected_gold()
        if gold is not None:
            start = _word_start(self.text, gold.start, step)
            if start < gold.end:
                self._write(lambda: self.gold.place_annotation(gold.id, start, gold.end))

    def action_move_end(self, step: int) -> None:
        gold = self._selected_gold()
        if gold is not None:
            end = _word_end(self.text, gold.end, step)
            if end > gold.start:
                self._write(lambda: self.gold.place_annotation(gold.id, gold.start, end))

    def action_cycle_label(self) -> None:
        gold = self._selected_gold()
        names = [label.name for label in self.config.labels]
        if gold is not None and names:
            position = names.index(gold.label) + 1 if gold.label in names else 0
            following = names[position % len(names)]
            self._write(lambda: self.gold.update_annotation(gold.id, label=following))

    def action_passage(self, step: int) -> None:
        if self.passages:
            self.passage_index = (self.passage_index + step) % len(self.passages)
            self.gold_index = 0
            self._show()

    def action_document(self, step: int) -> None:
        if self.documents:
            self._load((self.doc_index + step) % len(self.documents))

    def action_undo(self) -> None:
        if self.doc_id is not None:
            self._write(lambda: self.gold.undo(self.doc_id or 0))

    def action_redo(self) -> None:
        if self.doc_id is not None:
            self._write(lambda: self.gold.redo(self.doc_id or 0))

    def _set_gold(self, spans: Sequence[Span]) -> None:
        """Make the gold spans of the current passage exactly ``spans`` (one undo step)."""
        doc_id, current = self.doc_id, self.gold_spans()
        if doc_id is None or {(a.start, a.end, a.label) for a in current} == set(_triples(spans)):
            return
        remove = [a.id for a in current]
        self._write(
            lambda: self.gold.replace_annotations(
                doc_id, remove, _triples(spans), origin="adjudication"
            )
        )

    def _write(self, change: Callable[[], object]) -> None:
        try:
            change()
        except StoreError as exc:
            self.notify(one_line(str(exc)), severity="error", markup=False)
        self._show()

    # -- rendering -------------------------------------------------------------------

    def _show(self) -> None:
        self.query_one("#adjudicate-title", Static).update(self._title())
        self.query_one("#adjudicate-passage", Static).update(self._body())

    def _title(self) -> Text:
        if self.doc_id is None:
            return Text("Adjudication: no disagreements between annotators")
        title = one_line(self.store.document(self.doc_id).title)
        state = "agreed" if self.passage and self.passage.agreed else "disagreement"
        return Text(
            f"Adjudication · document {self.doc_index + 1}/{len(self.documents)} · {title}"
            f" · passage {self.passage_index + 1}/{len(self.passages)} ({state})"
        )

    def _body(self) -> Text:
        passage = self.passage
        if passage is None or self.doc_id is None:
            return Text("Nothing to adjudicate. Escape returns.")
        body = Text()
        for number, (name, spans) in enumerate(passage.versions.items(), 1):
            style = ANNOTATOR_STYLES[(number - 1) % len(ANNOTATOR_STYLES)]
            body.append(f"{number} ", style="bold")
            body.append(one_line(name), style=style)
            body.append_text(self._version(passage, spans))
        gold = self.gold_spans()
        body.append("gold", style="bold reverse")
        if not gold and (self.doc_id, passage.start, passage.end) in self.rejected:
            body.append("  (neither: no gold span here)\n\n")
        else:
            selected = self._selected_gold()
            spans = tuple(Span(a.start, a.end, a.label) for a in gold)
            chosen = Span(selected.start, selected.end, selected.label) if selected else None
            body.append_text(self._version(passage, spans, chosen))
        return body

    def _version(
        self, passage: Passage, spans: tuple[Span, ...], selected: Span | None = None
    ) -> Text:
        """A version's labels on one line, then the passage with its spans highlighted."""
        labels = ", ".join(f"{s.label} [{s.start}, {s.end})" for s in spans) or "(no span)"
        out = Text("  " + one_line(labels) + "\n", style="dim")
        low = max(0, min([passage.start, *(s.start for s in spans)]) - CONTEXT)
        high = min(len(self.text), max([passage.end, *(s.end for s in spans)]) + CONTEXT)
        low, high = _word_start(self.text, low + 1, -1), _word_end(self.text, high - 1, 1)
        excerpt = Text(("… " if low else "") + one_line(self.text[low:high]))
        shift = 2 if low else 0
        for span in spans:
            label = self.config.label(span.label)
            colour = label.color if label else "grey50"
            style = Style(color="black", bgcolor=colour, underline=span == selected)
            excerpt.stylize(style, span.start - low + shift, span.end - low + shift)
        if high < len(self.text):
            excerpt.append(" …")
        out.append_text(excerpt)
        out.append("\n\n")
        return out
