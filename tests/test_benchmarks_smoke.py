"""Every benchmark runs end to end on tiny data, so none of them rots (no timing is checked)."""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import replace
from pathlib import Path

import pytest

# pysbd installs an unrelated top-level ``benchmarks`` package: the repository's must win.
ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))
for _name in [m for m in sys.modules if m.split(".")[0] == "benchmarks"]:
    if not str(getattr(sys.modules[_name], "__file__", "")).startswith(str(ROOT)):
        del sys.modules[_name]

from benchmarks.common import QUICK, percentile  # noqa: E402
from benchmarks.datagen import dataset  # noqa: E402
from benchmarks.report import render  # noqa: E402
from benchmarks.runner import BENCHMARKS, Outcome, load, merge, run, save  # noqa: E402

TINY = replace(
    QUICK,
    name="tiny",
    documents=40,
    big_doc_chars=5_000,
    annotations=200,
    big_doc_annotations=10,
    runs=1,
    heavy_runs=1,
    samples=4,
)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return run(TINY, root=tmp_path_factory.mktemp("bench"), log=lambda _: None)


def test_data_is_deterministic_and_complete(tmp_path: Path) -> None:
    first = dataset(TINY, tmp_path / "a", log=lambda _: None)
    second = dataset(TINY, tmp_path / "b", log=lambda _: None)
    assert first.corpus.read_bytes() == second.corpus.read_bytes()
    assert first.big_doc.read_text() == second.big_doc.read_text()
    assert len(first.corpus.read_bytes().splitlines()) == TINY.documents
    with sqlite3.connect(first.library) as conn:
        docs, annotations = conn.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM annotations)"
        ).fetchone()
        counted = conn.execute(
            "SELECT count(*) FROM documents d WHERE annotation_count !="
            " (SELECT count(*) FROM annotations a WHERE a.doc_id = d.id)"
        ).fetchone()[0]
        quotes_wrong = conn.execute(
            "SELECT count(*) FROM annotations a JOIN documents d ON d.id = a.doc_id"
            ' WHERE substr(d.text, a.start + 1, a."end" - a.start) != a.quote'
        ).fetchone()[0]
        actions = conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    assert docs == TINY.documents + 1  # the corpus and the long document
    assert annotations == TINY.annotations
    assert counted == 0
    assert quotes_wrong == 0
    assert actions == TINY.big_doc_annotations


def test_every_benchmark_runs(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.failed == {}
    assert set(outcome.seconds) == {"data", *BENCHMARKS}
    measured = {figure.key.split(".")[0] for figure in outcome.figures}
    assert measured | set(outcome.skipped) == set(BENCHMARKS)
    assert {"import", "commit", "search"} <= measured
    assert all(figure.value >= 0 for figure in outcome.figures)


def test_report_lists_every_figure(outcome, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = render(outcome)
    for figure in outcome.figures:
        assert f"| {figure.name} |" in report
    assert "SQLite" in report and "CPUs" in report
    save(outcome, tmp_path / "results.json")
    assert render(load(tmp_path / "results.json")) == report


def test_a_partial_run_replaces_only_its_benchmarks(outcome) -> None:  # type: ignore[no-untyped-def]
    commit = [f for f in outcome.figures if f.key.startswith("commit.")]
    later = Outcome(outcome.scale, [replace(commit[0], value=-1.0)])
    later.started["commit"] = "later"
    merged = merge(outcome, later)
    assert [f for f in merged.figures if f.key.startswith("commit.")] == later.figures
    others = [f for f in outcome.figures if not f.key.startswith("commit.")]
    assert [f for f in merged.figures if not f.key.startswith("commit.")] == others
    assert merged.started["commit"] == "later"
    assert merged.started["import"] == outcome.started["import"]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
