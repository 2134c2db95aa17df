"""``reader export`` and ``reader import`` of labelled JSONL through click."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reader.cli import main
from reader.cli.export_command import feedback
from reader.core.store import NewDocument, Store, sha256_hex

EXPECTED = Path(__file__).parent / "expected"
SUMMARY = "exported 3 documents, 7 spans, 1 orphaned, 0 misaligned, 0 dropped as jsonl to"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_export_to_stdout_by_default_with_the_summary_on_stderr(corpus: Store) -> None:
    result = run("--db", str(corpus.path), "export")
    assert result.exit_code == 0
    assert result.stdout_bytes == (EXPECTED / "native.jsonl").read_bytes()
    assert result.stderr == f"{SUMMARY} -\n"


def test_export_to_a_file_with_filters(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "done.jsonl"
    args = ["--db", str(corpus.path), "export", "-f", "doccano", "-o", str(target)]
    result = run(*args, "--status", "done", "--label", "denial", "--label", "anonymous source")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == (
        '{"id":"statement","text":"Officials said: \\"We deny it.\\" 😀\\nSources familiar with'
        ' the matter disagreed.\\n","label":[[17,28,"denial"],[30,48,"anonymous source"],'
        '[41,61,"anonymous source"]]}\n'
    )
    assert result.stderr.endswith(
        f"1 document, 3 spans, 0 misaligned, 0 dropped as doccano to {target}\n"
    )


def test_export_reports_each_snapped_span_then_the_summary(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "p.jsonl"
    result = run("--db", str(corpus.path), "export", "-f", "prodigy", "-o", str(target))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: document 'statement', span a0000000-0000-4000-8000-000000000004 [41, 61)"
        " 'anonymous source': not on token boundaries; written as [40, 64)",
        f"exported 3 documents, 7 spans, 1 misaligned, 0 dropped as prodigy to {target}",
    ]


def test_per_span_and_annotator_and_doc_filters(corpus: Store) -> None:
    result = run(
        "--db", str(corpus.path), "export", "--per", "span", "--annotator", "ben", "--doc", "cjk-1"
    )
    assert result.exit_code == 0
    [line] = result.stdout.splitlines()
    assert line.startswith('{"doc_id":"cjk-1","id":"b0000000-0000-4000-8000-000000000003",')


def test_hf_lists_the_tag_file_it_wrote(corpus: Store, tmp_path: Path) -> None:
    target = tmp_path / "train.jsonl"
    result = run("--db", str(corpus.path), "export", "-f", "hf", "-o", str(target))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-2] == f"wrote {tmp_path / 'train.labels.json'}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "brat"], "error: brat writes more than one file; give a path with -o\n"),
        (
            ["--per", "span", "-f", "csv"],
            "error: one line per span (--per span) is a jsonl option\n",
        ),
    ],
)
def test_export_errors_are_one_line_and_exit_1(
    corpus: Store, args: list[str], message: str
) -> None:
    result = run("--db", str(corpus.path), "export", *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error(corpus: Store) -> None:
    result = run("--db", str(corpus.path), "export", "-f", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr


def test_missing_database_is_an_error(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"), "export")
    assert result.exit_code == 1
    assert "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_missing_spacy_gives_the_install_hint_and_writes_nothing(
    corpus: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)
    target = tmp_path / "train.spacy"
    result = run("--db", str(corpus.path), "export", "-f", "spacy", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: spaCy is not installed; install it with: pip install 'attribution-reader[spacy]'\n"
    )
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_import_of_a_native_export_brings_the_annotations(corpus: Store, tmp_path: Path) -> None:
    exported = tmp_path / "labels.jsonl"
    run("--db", str(corpus.path), "export", "-o", str(exported))
    fresh = str(tmp_path / "fresh.db")
    result = run("--db", fresh, "import", str(exported))
    assert result.exit_code == 0
    assert result.stdout == "imported: 3 added, 0 unchanged, 0 updated, 8 annotations\n"
    again = run("--db", fresh, "export")
    assert again.stdout_bytes == exported.read_bytes()


@pytest.fixture
def ragged(tmp_path: Path) -> Path:
    """A database whose 25 spans all cut words in half."""
    text = "word " * 30
    with Store(tmp_path / "ragged.db", annotator="me") as store:
        store.import_documents([NewDocument("r", "R", text, sha256_hex(text))])
        store.add_annotations(1, [(i * 5 + 1, i * 5 + 3, "x") for i in range(25)])
        return store.path


def test_only_the_first_twenty_issues_go_to_stderr(ragged: Path, tmp_path: Path) -> None:
    result = run("--db", str(ragged), "export", "-f", "prodigy", "-o", str(tmp_path / "p.jsonl"))
    lines = result.stderr.splitlines()
    assert len(lines) == 22
    assert lines[0].startswith("warning: document 'r', span ")
    assert lines[0].endswith(" [1, 3) 'x': not on token boundaries; written as [0, 4)")
    assert lines[20] == "warning: 5 more spans changed; --issues FILE lists every one"
    assert lines[21].startswith("exported 1 document, 25 spans, 25 misaligned, 0 dropped")


def test_issues_file_lists_every_issue_as_jsonl(ragged: Path, tmp_path: Path) -> None:
    issues = tmp_path / "issues.jsonl"
    result = run(
        "--db",
        str(ragged),
        "export",
        "-f",
        "hf",
        "-o",
        str(tmp_path / "h.jsonl"),
        "--issues",
        str(issues),
    )
    assert result.exit_code == 0
    assert not result.stderr.startswith("warning")
    assert f"wrote {issues}\n" in result.stderr
    records = [json.loads(line) for line in issues.read_text().splitlines()]
    assert len(records) == 25
    assert {r["problem"] for r in records} == {"misaligned"}
    assert (records[24]["start"], records[24]["end"], records[24]["doc_id"]) == (121, 123, "r")


def test_terminalfeedback_has_a_bar_and_prints_text_literally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with feedback() as (say, progress):
        assert progress is not None
        progress(1, 2)
        say("warning: document '[red]x[/red]' [@click=app.quit]")
    assert "warning: document '[red]x[/red]' [@click=app.quit]" in screen.getvalue()


def test_a_pipe_gets_no_bar() -> None:
    with feedback() as (_, progress):
        assert progress is None


def test_origin_filter_separates_hand_made_and_rule_spans(tmp_path: Path) -> None:
    text = "The ministry denied it. Officials said so."
    store = Store(tmp_path / "o.db", annotator="ana")
    store.import_documents([NewDocument("d", "D", text, sha256_hex(text))])
    store.add_annotation(1, 0, 22, "denial")
    store.add_annotations(1, [(24, 41, "official statement")], origin="rule:named-speaker")
    store.close()

    def labels(origin: str) -> list[list[object]]:
        result = run("--db", str(tmp_path / "o.db"), "export", "-f", "doccano", "--origin", origin)
        assert result.exit_code == 0
        return [json.loads(line)["label"] for line in result.stdout.splitlines()]

    assert labels("manual") == [[[0, 22, "denial"]]]
    assert labels("rules") == [[[24, 41, "official statement"]]]
    assert labels("all") == [[[0, 22, "denial"], [24, 41, "official statement"]]]
