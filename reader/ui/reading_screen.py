"""The reading screen: one document in a DocumentView, its annotations and rule suggestions,
a legend and a status line. The annotation panel and the suggestions have modules of their own.

The view works in the offsets of the text it shows (for Markdown, the rendered reading text);
everything sent to or read from the store is converted to offsets in the stored text.
"""

from __future__ import annotations

import re
import sqlite3
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from reader.config import Config
from reader.core import segment
from reader.core.markdown import Rendered, render_markdown, render_plain
from reader.core.store import Annotation, Document, Status, Store, StoreError
from reader.core.text import one_line
from reader.ui import clipboard
from reader.ui.annotation_panel import AnnotationPanel, Entry
from reader.ui.commands import ReadingCommands
from reader.ui.dialogs import LabelPicker, NoteEditor, excerpt, label_prompt
from reader.ui.document_view import DocumentView, Highlight, label_style
from reader.ui.key_bar import KeyBar
from reader.ui.suggestions import Finding, Suggestions

POSITION_SAVE_SECONDS = 2.0  # the position is saved once the cursor has rested this long
_ANNOTATION = Binding.Group("Annot.")
_DOCUMENT = Binding.Group("Doc")
_SUGGESTION = Binding.Group("Suggestion")
_TAG = Binding.Group("Tag", compact=True)


class StatusLine(Widget):
    """One line describing the state, built when painted (once per frame, however many
    changes a key makes) and ending in an ellipsis when it does not fit."""

    def __init__(self, describe: Callable[[], Text], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._describe = describe

    def render(self) -> Text:
        return self._describe()

    def render_line(self, y: int) -> Strip:
        width, base = self.content_region.width, self.rich_style
        if y:
            return Strip.blank(width, base)
        text = self.render()
        text.truncate(width, overflow="ellipsis")
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(segments).extend_cell_length(width, base)


class ReadingScreen(Screen[int]):
    """Read and annotate one document; escape returns its id to whoever pushed the screen."""

    # No side panel when narrow.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (as Screen types it)
    COMMANDS: ClassVar = {ReadingCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False, id="reading.back"),
        Binding("x,delete", "delete", "Delete", id="reading.delete"),
        Binding("u", "undo", "Undo", id="reading.undo"),
        Binding("U,ctrl+r", "redo", "Redo", show=False, id="reading.redo"),
        Binding(
            "a",
            "accept_suggestion",
            "Accept",
            id="reading.accept_suggestion",
            group=_SUGGESTION,
            tooltip="Accept the suggestion at the cursor: it becomes an annotation",
        ),
        Binding(
            "r",
            "reject_suggestion",
            "Reject",
            id="reading.reject_suggestion",
            group=_SUGGESTION,
            tooltip="Reject the suggestion at the cursor: it is not suggested again",
        ),
        Binding(
            "A",
            "accept_all_suggestions",
            "Accept all suggestions",
            show=False,
            id="reading.accept_all_suggestions",
            tooltip="Accept every suggestion in the document, as one step that u undoes",
        ),
        Binding(
            "S",
            "toggle_suggestions",
            "Hide/show suggestions",
            show=False,
            id="reading.toggle_suggestions",
        ),
        Binding(
            "}", "jump_suggestion(1)", "Next suggestion", show=False, id="reading.next_suggestion"
        ),
        Binding(
            "{",
            "jump_suggestion(-1)",
            "Previous suggestion",
            show=False,
            id="reading.previous_suggestion",
        ),
        Binding(
            "o",
            "place_orphan",
            "Re-place orphan",
            show=False,
            id="reading.place_orphan",
            tooltip="Put the orphan picked in the panel on the selected passage",
        ),
        Binding("c", "change_label", "Label", id="reading.change_label"),
        Binding("e", "edit_note", "Note", id="reading.edit_note"),
        Binding("y", "copy", "Copy", id="reading.copy"),
        Binding("Y", "copy_document", "Copy document", show=False, id="reading.copy_document"),
        Binding("]", "jump(1)", "Next", id="reading.next_annotation", group=_ANNOTATION),
        Binding("[", "jump(-1)", "Previous", id="reading.previous_annotation", group=_ANNOTATION),
        Binding("n", "document(1)", "Next", id="reading.next_document", group=_DOCUMENT),
        Binding("p", "document(-1)", "Previous", id="reading.previous_document", group=_DOCUMENT),
        Binding("d", "toggle_done", "Done", id="reading.toggle_done"),
    ]

    def __init__(
        self,
        store: Store,
        doc_id: int,
        config: Config,
        neighbour: Callable[[int, int], int | None] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.doc_id = doc_id
        self.config = config
        self.neighbour = neighbour or store.neighbour
        self.document: Document | None = None
        self.rendered: Rendered = render_plain("")
        self.annotations: dict[str, Annotation] = {}  # the live ones, by id
        self._shown: dict[str, Highlight] = {}  # those placed in the shown text
        self._line_starts: list[int] = [0]
        self._saved_at: str | None = None
        self._last_action = ""
        self._position_dirty = False
        self._orphans: set[str] = set()  # ids of the live annotations that lost their passage
        self._placing: str | None = None  # the orphan picked in the panel to re-place
        self.busy = ""  # a long write in a thread: other writes would wait on it
        self.view = DocumentView(config.labels, id="reading-document")
        self.panel = AnnotationPanel(config.labels, id="reading-annotations")
        self.suggestions = Suggestions(self, config)
        self._status_line = StatusLine(self._status, id="reading-status")
        self._add_label_bindings()

    def _add_label_bindings(self) -> None:
        """One binding per configured label key (ids ``reading.label_1`` … for remapping)."""
        labels = BindingsMap(
            Binding(
                label.key,
                f"tag({index})",
                label.name,
                id=f"reading.label_{index + 1}",
                group=_TAG,
                tooltip=f"Tag the selection (or the word at the cursor) as {label.name}",
            )
            for index, label in enumerate(self.config.labels)
        )
        keys = self._bindings.key_to_bindings
        merged = {
            key: [*bindings, *keys.get(key, [])] for key, bindings in labels.key_to_bindings.items()
        }
        self._bindings.key_to_bindings = merged | {k: v for k, v in keys.items() if k not in merged}

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="reading-title")
        with Horizontal(id="reading-body"):
            yield self.view
            with Vertical(id="reading-side"):
                yield Static(self._legend(), id="reading-legend")
                yield self.panel
        yield self._status_line
        yield KeyBar(id="reading-keys")

    def on_mount(self) -> None:
        self._position_timer = self.set_interval(
            POSITION_SAVE_SECONDS, self._save_position_if_moved
        )
        self.watch(self.view, "position", self.cursor_moved, init=False)
        self._open(self.doc_id)
        self.watch(self.view, "scroll_y", self.suggestions.viewport_moved, init=False)
        self._warn_about_clashing_label_keys()
        if self.suggestions.problem:
            problem = one_line(f"no suggestions: {self.suggestions.problem}")
            self.notify(problem, severity="warning", markup=False)

    def on_resize(self) -> None:
        self.suggestions.viewport_moved()

    def _warn_about_clashing_label_keys(self) -> None:
        """A label key that a reading key already uses would never tag: say so once."""
        taken = {key for key, _ in self.view._bindings} | {
            key for key, binding in self._bindings if not binding.action.startswith("tag(")
        }
        for key, binding in self._bindings:
            if binding.action.startswith("tag(") and key in taken:
                self.notify(
                    f"Label key {key!r} of {one_line(binding.description)!r} is also a reading "
                    "key; give the label another key in the config",
                    severity="warning",
                    markup=False,
                )

    async def on_unmount(self) -> None:
        self._save_position()
        await self.suggestions.close()

    def _legend(self) -> Text:
        legend = Text()
        for label in self.config.labels:
            legend.append_text(label_prompt(label))
            legend.append(f"  {label.style}\n", "dim")
        legend.append("overlaps: innermost colour, every label's style\n", "dim")
        legend.append("suggestion", "underline2")
        legend.append(": label colour, no fill", "dim")
        return legend

    # -- opening and leaving ----------------------------------------------------------

    def _open(self, doc_id: int) -> None:
        document = self.store.document(doc_id)
        self.doc_id, self.document = doc_id, document
        if document.format == "markdown":
            self.rendered = render_markdown(document.text)
        else:
            self.rendered = render_plain(document.text)
        text = self.rendered.text
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self._placing = None
        self.suggestions.clear()
        self._load_annotations()
        self.view.load(
            text,
            self.rendered.styles,
            self._shown.values(),
            cursor=self._to_view(document.cursor),
            top=self._to_view(document.scroll),
        )
        self.query_one("#reading-title", Static).update(Text(one_line(document.title)))
        self._last_action = ""
        self.refresh_status()
        self.view.focus()
        self.suggestions.request()

    def _save_position(self) -> None:
        if self.document is None:
            return
        try:
            self.store.save_position(
                self.doc_id, self._to_store(self.view.cursor), self._to_store(self.view.top)
            )
        except (StoreError, sqlite3.Error):
            return  # the position is a convenience; never fail on it
        self._position_dirty = False

    def _save_position_if_moved(self) -> None:
        if self._position_dirty and not self.busy:
            self._save_position()

    def action_back(self) -> None:
        if self.view.selection is not None:
            self.view.clear_selection()
            return
        if self._placing is not None:
            self._placing = None
            self.refresh_status()
            return
        self._save_position()
        self.dismiss(self.doc_id)

    def action_document(self, step: int) -> None:
        target = self.neighbour(self.doc_id, step)
        if target is None:
            self.notify("This is the last document" if step > 0 else "This is the first document")
            return
        self._save_position()
        self._open(target)

    # -- offsets between the view and the store ---------------------------------------

    def _to_store(self, offset: int) -> int:
        """A view offset as an offset in the stored text."""
        return self.rendered.source_span(offset, offset)[0]

    def _to_view(self, offset: int) -> int:
        """A stored offset as a view offset (the first shown character from there on)."""
        return self.rendered.rendered_span(offset, offset)[0]

    # -- annotations ------------------------------------------------------------------

    def _load_annotations(self) -> None:
        self.annotations, self._shown, self._orphans = {}, {}, set()
        self._take(self.store.annotations(self.doc_id), listed=False)
        self.panel.load(map(self._entry, self.annotations.values()))

    def _take(
        self, annotations: Iterable[Annotation], *, listed: bool = True
    ) -> tuple[list[Highlight], list[Highlight]]:
        """Record the current state of these annotations (deleted ones leave); orphans are
        listed, never drawn. ``listed``: show the change in the panel too.

        Returns the highlights that went and those that came.
        """
        gone: list[Highlight] = []
        came: list[Highlight] = []
        for annotation in annotations:
            ann_id, live = annotation.id, annotation.deleted_at is None
            self.annotations.pop(ann_id, None)
            self._orphans.discard(ann_id)
            old, new = self._shown.pop(ann_id, None), None
            if live:
                self.annotations[ann_id] = annotation
                if annotation.orphaned:
                    self._orphans.add(ann_id)
                start, end = self.rendered.rendered_span(annotation.start, annotation.end)
                if not annotation.orphaned and start < end:
                    new = self._shown[ann_id] = Highlight(start, end, annotation.label, ann_id)
            if old != new:
                gone.extend([old] if old else [])
                came.extend([new] if new else [])
            if listed and live:
                self.panel.put(self._entry(annotation))
            elif listed:
                self.panel.drop(ann_id)
        if self._placing not in self._orphans:
            self._placing = None
        return gone, came

    def _entry(self, annotation: Annotation) -> Entry:
        shown = self._shown.get(annotation.id)
        return Entry(
            annotation, None if shown is None else self.rendered.text[shown.start : shown.end]
        )

    def after_write(
        self, done: str, changed: Iterable[Annotation], cursor: int | None = None
    ) -> None:
        """Show what a store write changed: highlights, panel, suggestions, status."""
        changed = list(changed)
        count = len(self.annotations)
        gone, came = self._take(changed)
        if self.document is not None and len(self.annotations) != count:
            # The store starts a new document's progress with its first annotation.
            status = "in_progress" if self.document.status == "new" else self.document.status
            self.document = replace(
                self.document, status=status, annotation_count=len(self.annotations)
            )
        self.view.change_highlights(gone, came)
        if cursor is not None:
            self.view.move_to(cursor)
        self._panel_follows_cursor()
        self._saved_at = datetime.now().strftime("%H:%M:%S")
        self._last_action = done
        self.refresh_status()
        self.suggestions.after_write()

    def failed(self, error: Exception) -> None:
        self.notify(one_line(str(error)), title="Not saved", severity="error", markup=False)

    def wait_for_busy(self) -> bool:
        """True (and say so) while a long write runs: another write would wait for it."""
        if self.busy:
            self.notify(one_line(f"wait: {self.busy}"), severity="warning", markup=False)
        return bool(self.busy)

    def write(self, done: str, change: Callable[[], Annotation]) -> bool:
        """Run one store write of an annotation and show it; a failure is reported, not raised."""
        if self.wait_for_busy():
            return False
        try:
            changed = change()
        except (StoreError, sqlite3.Error) as exc:
            self.failed(exc)
            return False
        self.after_write(done, [changed])
        return True

    def _target_span(self) -> tuple[int, int] | None:
        """The selection without surrounding spaces, else the word under the cursor."""
        view, text = self.view, self.view.text
        if view.selection is not None:
            start, end = view.selection
        else:
            word = segment.word_at(text, view.cursor)
            if word is None or not word[0] <= view.cursor < word[1]:
                return None
            start, end = word
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def _annotation_at_cursor(self) -> Annotation | None:
        found = self.view.highlights_at(self.view.cursor)
        return self.annotations.get(found[0].id) if found else None

    def action_tag(self, index: int) -> None:
        label = self.config.labels[index]
        span = self._target_span()
        if span is None:
            self.notify("Select a passage (v, w, s) or put the cursor on a word to tag it")
            return
        start, end = self.rendered.source_span(*span)
        quote = excerpt(self.rendered.text[span[0] : span[1]], 30)
        if self.write(
            f"tagged “{quote}” as {label.name}",
            lambda: self.store.add_annotation(self.doc_id, start, end, label.name),
        ):
            self.view.clear_selection()

    def action_delete(self) -> None:
        annotation = self._annotation_at_cursor()
        if annotation is None:
            self.notify("No annotation under the cursor")
            return
        self.write(
            f"deleted {annotation.label}", lambda: self.store.delete_annotation(annotation.id)
        )

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, direction: str) -> None:
        if self.wait_for_busy():
            return
        step = self.store.undo if direction == "undo" else self.store.redo
        try:
            action = step(self.doc_id)
        except (StoreError, sqlite3.Error) as exc:
            self.failed(exc)
            return
        if action is None:
            self.notify(f"Nothing to {direction}")
            return
        states = [state for state in (*action.after, *action.before) if state is not None]
        # The cursor goes to what changed, unless many things did (an accept-all).
        single = states and len(action.after) == 1
        where = self._to_view(int(states[0]["start"])) if single else None
        changed = []  # a rejection's states are rows of rejected_suggestions, not annotations
        if action.kind != "reject":
            ids = dict.fromkeys(str(state["id"]) for state in states)
            changed = [self.store.annotation(i) for i in ids]
        self.after_write(f"{direction}: {self._verb(action.kind, states)}", changed, where)

    @staticmethod
    def _verb(kind: str, states: list[dict[str, object]]) -> str:
        if kind == "add" and all(str(s["origin"]).startswith("rule:") for s in states):
            return "accept suggestion"
        verbs = {"add": "tag", "update": "change", "reject": "reject suggestion"}
        return verbs.get(kind, kind)

    def action_change_label(self) -> None:
        annotation = self._annotation_at_cursor()
        if annotation is None:
            self.notify("No annotation under the cursor")
            return

        def picked(name: str | None) -> None:
            if name and name != annotation.label:
                self.write(
                    f"{annotation.label} → {name}",
                    lambda: self.store.update_annotation(annotation.id, label=name),
                )

        self.app.push_screen(LabelPicker(self.config.labels, annotation.label), picked)

    def action_edit_note(self) -> None:
        annotation = self._annotation_at_cursor()
        if annotation is None:
            self.notify("No annotation under the cursor")
            return

        def edited(note: str | None) -> None:
            if note is not None and note != (annotation.note or ""):
                self.write(
                    "note saved" if note else "note removed",
                    lambda: self.store.update_annotation(annotation.id, note=note),
                )

        self.app.push_screen(NoteEditor(annotation.quote, annotation.note), edited)

    def action_jump(self, step: int) -> None:
        cursor = self.view.cursor
        starts = sorted({h.start for h in self.view.highlights})
        if step > 0:
            target = next((s for s in starts if s > cursor), None)
        else:
            target = next((s for s in reversed(starts) if s < cursor), None)
        if target is None:
            self.notify("No more annotations" if step > 0 else "No earlier annotations")
            return
        self.view.move_to(target)

    def action_toggle_done(self) -> None:
        if self.document is None or self.wait_for_busy():
            return
        status: Status = "done"
        if self.document.status == "done":
            status = "in_progress" if self.annotations else "new"
        try:
            self.store.set_status(self.doc_id, status)
        except (StoreError, sqlite3.Error) as exc:
            self.failed(exc)
            return
        self.document = replace(self.document, status=status)
        self.after_write("marked done" if status == "done" else "marked not done", [])

    def action_copy(self) -> None:
        view = self.view
        span = view.selection
        if span is None:
            found = view.highlights_at(view.cursor)
            span = (found[0].start, found[0].end) if found else None
        if span is None:
            self.notify("Select a passage or put the cursor on an annotation to copy it")
            return
        clipboard.copy(self.app, self.rendered.text[span[0] : span[1]])

    def action_copy_document(self) -> None:
        if self.document is not None:
            clipboard.copy(self.app, self.document.text)

    # -- suggestions (reader.ui.suggestions does the work) ------------------------------

    def action_accept_suggestion(self) -> None:
        self.suggestions.accept()

    def action_reject_suggestion(self) -> None:
        self.suggestions.reject()

    def action_accept_all_suggestions(self) -> None:
        self.suggestions.accept_all()

    @on(Finding)
    def _found_so_far(self, message: Finding) -> None:
        self.suggestions.progress(message.percent)

    def action_toggle_suggestions(self) -> None:
        self.suggestions.toggle()

    def action_jump_suggestion(self, step: int) -> None:
        self.suggestions.jump(step)

    # -- orphans ----------------------------------------------------------------------

    def _orphan_to_place(self) -> Annotation | None:
        """The orphan picked in the panel, or the document's only orphan."""
        if self._placing in self._orphans:
            return self.annotations[self._placing]
        if len(self._orphans) == 1:
            return self.annotations[next(iter(self._orphans))]
        return None

    def action_place_orphan(self) -> None:
        orphan = self._orphan_to_place()
        if orphan is None:
            self.notify("Pick an orphan in the annotation panel (enter), select its passage, o")
            return
        span = self._target_span()
        if span is None:
            self.notify("Select the passage where the orphan belongs, then press o")
            return
        start, end = self.rendered.source_span(*span)
        quote = excerpt(self.rendered.text[span[0] : span[1]], 30)
        if self.write(
            f"placed {orphan.label} on “{quote}”",
            lambda: self.store.replace_orphan(orphan.id, start, end),
        ):
            self._placing = None
            self.view.clear_selection()

    # -- panel and status -------------------------------------------------------------

    @on(AnnotationPanel.Picked)
    def jump_to_annotation(self, event: AnnotationPanel.Picked) -> None:
        """Jump to the annotation; an orphan is picked to be placed on the next selection."""
        highlight = self._shown.get(event.ann_id)
        if highlight is not None:
            self.view.move_to(highlight.start)
        elif event.ann_id in self._orphans:
            self._placing = event.ann_id
            self.refresh_status()
        self.view.focus()

    def cursor_moved(self) -> None:
        self._position_dirty = True
        self._position_timer.reset()  # a write to the store waits for a pause in the keys
        self.refresh_status()
        self._panel_follows_cursor()

    def _panel_follows_cursor(self) -> None:
        found = self.view.highlights_at(self.view.cursor)
        if found:
            self.panel.show(found[0].id)

    def refresh_status(self) -> None:
        """Show the state again in the status line (built once, when it is painted)."""
        self._status_line.refresh()

    def _status(self) -> Text:
        if self.document is None:
            return Text()
        view = self.view
        cursor = view.cursor
        line = bisect_right(self._line_starts, cursor)
        column = cursor - self._line_starts[line - 1] + 1
        share = cursor * 100 // max(1, len(view.text))
        status = Text.assemble((f"Ln {line}, Col {column}", "bold"), f"  {share}%")
        if view.selection is not None:
            start, end = view.selection
            status.append(f"  │ selected {end - start}")
        labels = [h.label for h in view.highlights_at(cursor)]
        if labels:
            status.append("  │ ")
            for index, name in enumerate(labels):
                label = self.config.label(name)
                status.append(", " if index else "")
                status.append(one_line(name), label_style(label) if label else "reverse")
        if self._placing is not None:
            quote = excerpt(self.annotations[self._placing].quote, 24)
            status.append(f"  │ placing “{quote}”: select, o", "bold")
        elif self._orphans:
            status.append(f"  │ ⚠ {len(self._orphans)} orphaned", "bold")
        if self.suggestions.finding is not None:
            status.append(f"  │ finding suggestions {self.suggestions.finding}%")
        elif self.busy:
            status.append(f"  │ {self.busy}…")
        elif not self.suggestions.shown:
            status.append("  │ suggestions hidden")
        status.append(f"  │ {self.document.status.replace('_', ' ')}")
        if self._saved_at:
            status.append(f"  │ ✓ saved {self._saved_at}")
        if self._last_action:
            status.append(f"  │ {one_line(self._last_action)}", "italic")
        hints = view.suggestions_at(cursor)  # last: the line ends in an ellipsis when long
        if hints:
            named = ", ".join(f"{one_line(h.label)} ({one_line(h.rule)})" for h in hints)
            status.append("  │ ")
            status.append(f"suggested: {named}", "underline2")
        return status
