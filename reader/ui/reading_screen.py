"""The reading screen: one document in a DocumentView, its annotations, a legend and a status line.

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

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.config import Config
from reader.core import segment
from reader.core.markdown import Rendered, render_markdown, render_plain
from reader.core.store import Annotation, Document, Status, Store, StoreError
from reader.core.text import one_line
from reader.ui import clipboard
from reader.ui.dialogs import LabelPicker, NoteEditor, excerpt, label_prompt
from reader.ui.document_view import DocumentView, Highlight, label_style

POSITION_SAVE_SECONDS = 2.0
# The panel is rebuilt after a pause in editing: its cost grows with the annotation count,
# while the highlight in the text shows at once.
PANEL_DELAY_SECONDS = 0.25
_ANNOTATION = Binding.Group("Annot.")
_DOCUMENT = Binding.Group("Doc")
_TAG = Binding.Group("Tag", compact=True)


class KeyBar(Static):
    """The keys that work here, on one line, as Textual's Footer shows them.

    It redraws in place when focus or bindings change; the Footer builds a widget per key
    instead, which made opening a dialog or moving the focus take a noticeable moment.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key"}

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._show_keys)
        self._show_keys(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:  # a new theme: the keys' colour changes
            self.call_later(self._show_keys, self.screen)

    def _show_keys(self, screen: Screen[object]) -> None:
        shown: dict[str, list[str]] = {}  # description (or group) -> keys
        actions: set[str] = set()  # one key per action, as the Footer shows them
        for active in screen.active_bindings.values():
            binding = active.binding
            palette = binding.action == "command_palette" and self.app.ENABLE_COMMAND_PALETTE
            if not (binding.show or palette) or not active.enabled or binding.action in actions:
                continue
            actions.add(binding.action)
            name = binding.group.description if binding.group else binding.description
            shown.setdefault(name, []).append(self.app.get_key_display(binding))
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        line = Text(no_wrap=True, overflow="ellipsis")
        for name, keys in shown.items():
            line.append(" ".join(keys), key_style)
            line.append(f" {one_line(name)}  ")
        self.update(line, layout=False)


class ReadingScreen(Screen[int]):
    """Read and annotate one document; escape returns its id to whoever pushed the screen."""

    # No side panel when narrow.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (as Screen types it)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False, id="reading.back"),
        Binding("x,delete", "delete", "Delete", id="reading.delete"),
        Binding("u", "undo", "Undo", id="reading.undo"),
        Binding("U,ctrl+r", "redo", "Redo", show=False, id="reading.redo"),
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
        self._option_index: dict[str, int] = {}
        self._panel_timer: Timer | None = None
        self._saved_at: str | None = None
        self._last_action = ""
        self._position_dirty = False
        self.view = DocumentView(config.labels, id="reading-document")
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
                yield OptionList(id="reading-annotations")
        yield Static(id="reading-status")
        yield KeyBar(id="reading-keys")

    def on_mount(self) -> None:
        self._open(self.doc_id)
        self.set_interval(POSITION_SAVE_SECONDS, self._save_position_if_moved)
        self._warn_about_clashing_label_keys()

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

    def on_unmount(self) -> None:
        self._save_position()

    def _legend(self) -> Text:
        legend = Text()
        for label in self.config.labels:
            legend.append_text(label_prompt(label))
            legend.append(f"  {label.style}\n", "dim")
        legend.append("overlaps: innermost colour, every label's style", "dim")
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
        self._refresh_panel()
        self._refresh_status()
        self.view.focus()

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
        if self._position_dirty:
            self._save_position()

    def action_back(self) -> None:
        if self.view.selection is not None:
            self.view.clear_selection()
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
        self.annotations, self._shown = {}, {}
        self._take(self.store.annotations(self.doc_id))

    def _take(self, annotations: Iterable[Annotation]) -> None:
        """Record the current state of these annotations (deleted ones leave)."""
        for annotation in annotations:
            self.annotations.pop(annotation.id, None)
            self._shown.pop(annotation.id, None)
            if annotation.deleted_at is not None:
                continue
            self.annotations[annotation.id] = annotation
            start, end = self.rendered.rendered_span(annotation.start, annotation.end)
            if not annotation.orphaned and start < end:
                self._shown[annotation.id] = Highlight(start, end, annotation.label, annotation.id)

    def _after_write(
        self, done: str, changed: Iterable[Annotation], cursor: int | None = None
    ) -> None:
        """Show what a store write changed: highlights, panel, status."""
        count = len(self.annotations)
        self._take(changed)
        if self.document is not None and len(self.annotations) != count:
            # The store starts a new document's progress with its first annotation.
            status = "in_progress" if self.document.status == "new" else self.document.status
            self.document = replace(
                self.document, status=status, annotation_count=len(self.annotations)
            )
        self.view.set_highlights(self._shown.values())
        if cursor is not None:
            self.view.move_to(cursor)
        self._saved_at = datetime.now().strftime("%H:%M:%S")
        self._last_action = done
        self._refresh_panel_soon()
        self._refresh_status()

    def _failed(self, error: Exception) -> None:
        self.notify(one_line(str(error)), title="Not saved", severity="error", markup=False)

    def _write(self, done: str, change: Callable[[], Annotation]) -> bool:
        """Run one store write of an annotation and show it; a failure is reported, not raised."""
        try:
            changed = change()
        except (StoreError, sqlite3.Error) as exc:
            self._failed(exc)
            return False
        self._after_write(done, [changed])
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
        if self._write(
            f"tagged “{quote}” as {label.name}",
            lambda: self.store.add_annotation(self.doc_id, start, end, label.name),
        ):
            self.view.clear_selection()

    def action_delete(self) -> None:
        annotation = self._annotation_at_cursor()
        if annotation is None:
            self.notify("No annotation under the cursor")
            return
        self._write(
            f"deleted {annotation.label}", lambda: self.store.delete_annotation(annotation.id)
        )

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, direction: str) -> None:
        step = self.store.undo if direction == "undo" else self.store.redo
        try:
            action = step(self.doc_id)
        except (StoreError, sqlite3.Error) as exc:
            self._failed(exc)
            return
        if action is None:
            self.notify(f"Nothing to {direction}")
            return
        states = [state for state in (*action.after, *action.before) if state is not None]
        where = self._to_view(int(states[0]["start"])) if states else None
        changed = [self.store.annotation(i) for i in dict.fromkeys(str(a["id"]) for a in states)]
        verb = {"add": "tag", "delete": "delete", "update": "change"}.get(action.kind, action.kind)
        self._after_write(f"{direction}: {verb}", changed, where)

    def action_change_label(self) -> None:
        annotation = self._annotation_at_cursor()
        if annotation is None:
            self.notify("No annotation under the cursor")
            return

        def picked(name: str | None) -> None:
            if name and name != annotation.label:
                self._write(
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
                self._write(
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
        if self.document is None:
            return
        status: Status = "done"
        if self.document.status == "done":
            status = "in_progress" if self.annotations else "new"
        try:
            self.store.set_status(self.doc_id, status)
        except (StoreError, sqlite3.Error) as exc:
            self._failed(exc)
            return
        self.document = replace(self.document, status=status)
        self._after_write("marked done" if status == "done" else "marked not done", [])

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

    # -- panel and status -------------------------------------------------------------

    def _refresh_panel_soon(self) -> None:
        if self._panel_timer is not None:
            self._panel_timer.stop()
        self._panel_timer = self.set_timer(PANEL_DELAY_SECONDS, self._refresh_panel)

    def _refresh_panel(self) -> None:
        self._panel_timer = None
        panel = self.query_one("#reading-annotations", OptionList)
        shown = self._shown
        options = []
        for annotation in sorted(
            self.annotations.values(), key=lambda a: (a.start, a.end, a.created_at)
        ):
            highlight = shown.get(annotation.id)
            label = self.config.label(annotation.label)
            quote = (
                self.rendered.text[highlight.start : highlight.end]
                if highlight
                else annotation.quote
            )
            prompt = Text.assemble(
                ("■ ", label_style(label) if label else "reverse"),
                (one_line(annotation.label), "bold"),
                (" ✎" if annotation.note else ""),
                "\n  ",
                (excerpt(quote, 34), "" if highlight else "dim strike"),
            )
            options.append(Option(prompt, id=annotation.id, disabled=highlight is None))
        highlighted = panel.highlighted
        self._option_index = {option.id: index for index, option in enumerate(options) if option.id}
        panel.set_options(options)
        if options:
            panel.highlighted = min(highlighted or 0, len(options) - 1)

    @on(OptionList.OptionSelected, "#reading-annotations")
    def jump_to_annotation(self, event: OptionList.OptionSelected) -> None:
        highlight = self._shown.get(event.option.id or "")
        if highlight is not None:
            self.view.move_to(highlight.start)
            self.view.focus()

    @on(DocumentView.Moved)
    def cursor_moved(self) -> None:
        self._position_dirty = True
        self._refresh_status()
        found = self.view.highlights_at(self.view.cursor)
        index = self._option_index.get(found[0].id) if found else None
        panel = self.query_one("#reading-annotations", OptionList)
        if index is not None and index < panel.option_count:
            panel.highlighted = index

    def _refresh_status(self) -> None:
        if self.document is None:
            return
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
        status.append(f"  │ {self.document.status.replace('_', ' ')}")
        if self._saved_at:
            status.append(f"  │ ✓ saved {self._saved_at}")
        if self._last_action:
            status.append(f"  │ {one_line(self._last_action)}", "italic")
        self.query_one("#reading-status", Static).update(status, layout=False)
