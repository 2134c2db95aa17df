"""The Textual application: the store, themes, key bindings and the screens on top of them."""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Iterable, Sequence
from contextlib import suppress
from functools import cache, cached_property, partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.theme import Theme

from reader.config import Config
from reader.core.store import Store, checkpoint
from reader.core.text import one_line
from reader.ui.commands import LibraryCommands, OpenDocument
from reader.ui.library import LibraryScreen, ReadingScreenFactory, reading_screen
from reader.ui.resources import stylesheets

if TYPE_CHECKING:
    from reader.ui.background import BackgroundWork

CHECKPOINT_SECONDS = 5.0
_QUIT_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]

# Calm, high-contrast palettes for long reading sessions.
DARK = Theme(
    name="reader-dark",
    primary="#6CB4EE",
    secondary="#8FBCBB",
    accent="#F0B35A",
    foreground="#E4E6EB",
    background="#1A1C22",
    surface="#22252D",
    panel="#2B2F39",
    success="#7FC98F",
    warning="#E9B949",
    error="#F0717B",
    dark=True,
)
LIGHT = Theme(
    name="reader-light",
    primary="#0B5CAD",
    secondary="#3D6A85",
    accent="#8A4B00",
    foreground="#1D2127",
    background="#FBFAF6",
    surface="#F1EFE8",
    panel="#E4E1D8",
    success="#2E7D32",
    warning="#8F5F00",
    error="#B3261E",
    dark=False,
)
MAX_NOTICES = 8  # more import problems than this are summed up in one line


@cache
def freeze_what_is_loaded() -> None:
    """What is loaded when the app starts (modules, classes, the store) lives as long as the
    process: frozen, the garbage collector never walks it again. A full collection took
    25-45 ms, at start and in the middle of a key; once frozen, a fraction of that. Done
    once: later apps in the same process (tests) leave their objects collectable."""
    gc.freeze()


class ReaderApp(App[None]):
    """Library and reading screens over one SQLite store (opened on the app's thread)."""

    TITLE = "reader"
    CSS_PATH: ClassVar[list[str | PurePath]] = list(stylesheets())
    COMMANDS: ClassVar = App.COMMANDS | {OpenDocument, LibraryCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q,ctrl+c", "quit", "Quit", show=False, priority=True, id="app.force_quit"),
        Binding("question_mark", "toggle_help", "Keys", id="app.help"),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,  # the footer shows the palette key on its right
            priority=True,
            id="app.command_palette",
        ),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.toggle_theme"),
    ]

    def __init__(
        self,
        db_path: str | Path,
        config: Config | None = None,
        annotator: str | None = None,
        notices: Sequence[str] = (),
        *,
        reading_screen_factory: ReadingScreenFactory = reading_screen,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.config = config or Config()
        self.annotator = annotator
        self.notices = list(notices)
        self.reading_screen_factory = reading_screen_factory
        # Commits never pay for a WAL checkpoint; a thread does it every few seconds.
        self.store = Store(self.db_path, annotator=annotator, autocheckpoint=False)
        for theme in (DARK, LIGHT):
            self.register_theme(theme)
        # Set before the stylesheet is first parsed, and without the watcher, which would
        # parse it all again once running (DARK is dark like Textual's default: the
        # dark-mode class and the ANSI colour filter stay as they are).
        self.set_reactive(App.theme, DARK.name)
        self.stylesheet.set_variables(self.get_css_variables())
        self.set_keymap(self.config.keymap)

    @cached_property
    def work(self) -> BackgroundWork:
        """Import, export and index rebuilds (loaded when first asked for)."""
        from reader.ui.background import BackgroundWork

        return BackgroundWork(self)

    def on_mount(self) -> None:
        freeze_what_is_loaded()
        self.push_screen(
            LibraryScreen(self.store, self.config, factory=self.reading_screen_factory)
        )
        self._apply_configured_theme()
        self._show_notices(self.notices)
        self._handle_signals(add=True)
        self.set_interval(CHECKPOINT_SECONDS, self._checkpoint)

    def _checkpoint(self) -> None:
        self.run_worker(
            partial(checkpoint, self.db_path), thread=True, group="checkpoint", exclusive=True
        )

    def on_unmount(self) -> None:
        self._handle_signals(add=False)
        self.store.close()

    def _handle_signals(self, *, add: bool) -> None:
        """SIGTERM and SIGHUP (terminal closed) quit like `q`: the terminal is restored."""
        loop = asyncio.get_running_loop()
        for number in _QUIT_SIGNALS:
            # Not possible off the main thread or on platforms without these signals.
            with suppress(NotImplementedError, RuntimeError, ValueError):
                if add:
                    loop.add_signal_handler(number, self.exit)
                else:
                    loop.remove_signal_handler(number)

    @property
    def library(self) -> LibraryScreen:
        screen = next(s for s in self.screen_stack if isinstance(s, LibraryScreen))
        return screen

    def _apply_configured_theme(self) -> None:
        name = self.config.theme
        if not name:
            return
        if name in self.available_themes:
            self.theme = name
        else:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                one_line(f"unknown theme {name!r} in the config; themes: {known}"),
                severity="warning",
                markup=False,
            )

    def _show_notices(self, notices: Iterable[str]) -> None:
        notices = list(notices)
        for notice in notices[:MAX_NOTICES]:
            imported = notice.startswith("imported:")  # the summary line; others are problems
            severity: SeverityLevel = "information" if imported else "warning"
            self.notify(one_line(notice), severity=severity, markup=False, timeout=10)
        if len(notices) > MAX_NOTICES:
            rest = len(notices) - MAX_NOTICES
            self.notify(
                f"… and {rest} more (printed in the terminal before the app opened)",
                severity="warning",
                markup=False,
                timeout=10,
            )

    # -- actions -------------------------------------------------------------------

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):  # by name: the help panel loads on first use
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.current_theme.dark else DARK.name

    def action_show_stats(self) -> None:
        from reader.ui.stats import StatsScreen  # loads on first use

        self.push_screen(StatsScreen(self.store, self.config))

    def open_document(self, doc_id: int) -> None:
        """Open a document from anywhere: back to the library, cursor on it, then read."""
        library = self.library
        while self.screen is not library:
            self.pop_screen()
        library.show_document(doc_id)
        library.open_document(doc_id)
