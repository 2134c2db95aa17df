"""Long work (import, export, search index rebuild) in a thread, with a progress bar.

Each job opens its own :class:`Store` in its worker thread (a SQLite connection belongs to
the thread that opened it) and reports progress through ``call_from_thread``; the UI keeps
answering keys meanwhile. One job runs at a time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from reader.cli.corpus_commands import summary
from reader.core.corpus import corpus_files
from reader.core.interchange import import_corpus
from reader.core.store import Store, StoreError
from reader.core.text import one_line

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

SHOWN_PROBLEMS = 5

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    message: str
    problems: list[str] = field(default_factory=list)


class PathPrompt(ModalScreen[tuple[str, str] | None]):
    """Ask for a path (and, for exports, a format); Enter confirms, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel")
    ]

    def __init__(self, title: str, placeholder: str, formats: list[str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.formats = formats or []

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt"):
            yield Label(Content(self.title_text), id="prompt-title")
            if self.formats:
                options = [(name, name) for name in self.formats]
                yield Select(options, value=self.formats[0], allow_blank=False, id="prompt-format")
            yield Input(placeholder=self.placeholder, id="prompt-path")

    def on_mount(self) -> None:
        self.query_one("#prompt-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        fmt = str(self.query_one(Select).value) if self.formats else ""
        self.dismiss((event.value.strip(), fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)


def import_path(store: Store, progress: Progress, path: Path) -> Outcome:
    """Import as ``reader import`` does (labelled JSONL brings its annotations), in batches."""
    files = list(corpus_files([path]))
    if not files:
        return Outcome(f"nothing to import in {path}")
    report, problems = import_corpus(store, files, progress=progress)
    return Outcome(summary(report, len(problems)), problems + report.refused)


def rebuild_index(store: Store, progress: Progress) -> Outcome:
    store.rebuild_search_index()
    return Outcome("search index rebuilt")


def export_to(store: Store, progress: Progress, fmt: str, path: Path) -> Outcome:
    from reader.core.export import ExportError, export

    problems: list[str] = []
    try:
        result = export(
            store, fmt, path, progress=progress, on_issue=lambda issue: problems.append(str(issue))
        )
    except ExportError as exc:
        return Outcome(f"failed: {exc}")
    return Outcome(
        f"exported {result.documents:,} documents, {result.spans:,} spans to {path}", problems
    )


class BackgroundWork:
    """Starts jobs in a thread and shows their progress on the library screen."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.running: str | None = None

    @property
    def export_formats(self) -> list[str]:
        from reader.core.export import FORMATS

        return list(FORMATS)

    def ask_import(self) -> None:
        prompt = PathPrompt("Import files or a folder", "path to .txt, .md, .jsonl or a folder")
        self.app.push_screen(prompt, self._import_chosen)

    def _import_chosen(self, answer: tuple[str, str] | None) -> None:
        if answer:
            path = Path(answer[0]).expanduser()
            self.start(f"Importing {path}", partial(import_path, path=path))

    def ask_export(self) -> None:
        prompt = PathPrompt("Export annotations", "output file or folder", self.export_formats)
        self.app.push_screen(prompt, self._export_chosen)

    def _export_chosen(self, answer: tuple[str, str] | None) -> None:
        if answer:
            path = Path(answer[0]).expanduser()
            self.start(
                f"Exporting {answer[1]} to {path}", partial(export_to, fmt=answer[1], path=path)
            )

    def rebuild_index(self) -> None:
        self.start("Rebuilding the search index", rebuild_index)

    def start(self, name: str, job: Callable[[Store, Progress], Outcome]) -> None:
        if self.running:
            self.app.notify(one_line(f"wait: {self.running}"), severity="warning", markup=False)
            return
        self.running = name
        self.app.library.task_panel.start(name, None)
        self.app.run_worker(partial(self._run, job), thread=True, name=name, group="long-work")

    def _run(self, job: Callable[[Store, Progress], Outcome]) -> None:
        try:
            with Store(self.app.db_path, annotator=self.app.annotator) as store:
                outcome = job(store, self._progress)
        except (StoreError, OSError, sqlite3.Error, ValueError) as exc:
            # ValueError covers CorpusError and the export's errors; all are one line.
            outcome = Outcome(f"failed: {exc}", [])
            self.app.call_from_thread(self._finish, outcome, "error")
        else:
            self.app.call_from_thread(self._finish, outcome, "information")

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(self.app.library.task_panel.advance, done, total)

    def _finish(self, outcome: Outcome, severity: str) -> None:
        name, self.running = self.running, None
        library = self.app.library
        library.task_panel.finish()
        library.refresh_documents()
        self.app.notify(
            one_line(f"{name}: {outcome.message}"),
            severity=severity,  # type: ignore[arg-type]
            markup=False,
            timeout=10,
        )
        for problem in outcome.problems[:SHOWN_PROBLEMS]:
            self.app.notify(one_line(problem), severity="warning", markup=False, timeout=10)
        if len(outcome.problems) > SHOWN_PROBLEMS:
            rest = len(outcome.problems) - SHOWN_PROBLEMS
            self.app.notify(f"… and {rest} more problems", severity="warning", markup=False)
