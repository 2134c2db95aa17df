"""Small modal dialogs of the reading view: a label picker and a note editor.

Every piece of document text shown here is sanitised and handed over as rich ``Text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from reader.config import Label as LabelConfig
from reader.core.text import one_line, sanitise
from reader.ui.document_view import label_style

EXCERPT = 60


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """One sanitised line of at most ``limit`` characters."""
    line = " ".join(one_line(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def label_prompt(label: LabelConfig) -> Text:
    """``key  name`` with the name shown in the label's highlight style."""
    return Text.assemble((f" {label.key} ", "bold"), " ", (label.name, label_style(label)))


class LabelPicker(ModalScreen[str | None]):
    """Choose a label with arrows and enter, or with its key; escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, labels: Sequence[LabelConfig], current: str | None = None) -> None:
        super().__init__(classes="reading-dialog")
        self.labels = labels
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text("Change label"), classes="dialog-title")
            yield OptionList(
                *(Option(label_prompt(label), id=label.name) for label in self.labels),
                id="label-options",
            )
            yield Label(Text("enter or the label's key picks · escape cancels", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [label.name for label in self.labels]
        if self.current in names:
            options.highlighted = names.index(self.current)

    def on_key(self, event: events.Key) -> None:
        label = next((label for label in self.labels if label.key == event.key), None)
        if label is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(label.name)

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class NoteEditor(ModalScreen[str | None]):
    """Edit the note of an annotation: ctrl+s saves, escape cancels, an empty note clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, quote: str, note: str | None) -> None:
        super().__init__(classes="reading-dialog")
        self.quote = quote
        self.note = sanitise(note or "")  # shown in an editor: no control characters

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(
                Text.assemble("Note on “", excerpt(self.quote), "”"), classes="dialog-title"
            )
            yield TextArea(self.note, id="note-text", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="note-save")
                yield Button("Cancel", id="note-cancel")
            yield Label(Text("ctrl+s saves · escape cancels · empty removes the note", "dim"))

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    @on(Button.Pressed, "#note-save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#note-cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)
