"""The reference for time to interactive: a Textual app with one Label that reacts to a key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Label

READY, PRESSED = "minimal app ready", "minimal app got the key"


class MinimalApp(App[None]):
    BINDINGS: ClassVar = [("down", "pressed", "Press")]

    def compose(self) -> ComposeResult:
        yield Label(READY)

    def action_pressed(self) -> None:
        self.query_one(Label).update(PRESSED)


if __name__ == "__main__":
    MinimalApp().run()
