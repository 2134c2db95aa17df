"""A one-line bar of the keys that work on a screen, as Textual's Footer shows them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from reader.core.text import one_line


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
