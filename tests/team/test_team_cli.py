"""``reader merge`` and ``reader agree`` on two annotators' sample databases."""

from __future__ import annotations

from pathlib import Path

import orjson
from click.testing import CliRunner, Result

from reader.cli import main
from reader.core.store import Store
from tests.team.conftest import DRONES, doc_id


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_merge_then_agree(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    team = str(tmp_path / "team.db")
    merged = run("merge", str(alice_db), str(bob_db), "-o", team)
    assert merged.exit_code == 0
    assert "annotations: 8 added, 0 updated, 0 unchanged, 0 re-anchored, 0 orphaned" in (
        merged.output
    )
    assert "conflicts: 0" in merged.output
    again = run("merge", str(alice_db), str(bob_db), "-o", team)
    assert "annotations: 0 added, 0 updated, 8 unchanged" in again.output

    table = run("agree", team)
    assert table.exit_code == 0
    assert "alice / bob" in table.output and "(all labels)" in table.output
    assert "0.500" in table.output and "0.750" in table.output

    data = orjson.loads(run("agree", team, "--json").output)
    assert data["annotators"] == ["alice", "bob"]
    overall = data["pairs"][0]["labels"]["(all labels)"]
    assert overall["documents"] == 2
    assert (overall["exact_f1"], overall["overlap_f1"]) == (0.5, 0.75)
    assert data["pairs"][0]["labels"]["official statement"]["overlap_precision"] is None


def test_agree_leaves_gold_out_unless_named(tmp_path: Path, alice_db: Path) -> None:
    with Store(alice_db, annotator="gold") as gold:
        first = gold.annotations(doc_id(gold, DRONES))[0]
        gold.add_annotation(first.doc_id, first.start, first.end, first.label)
    alone = run("agree", str(alice_db))
    assert alone.exit_code == 1
    assert "agreement needs two annotators; found: alice, gold" in alone.output
    data = orjson.loads(run("agree", str(alice_db), "--annotators", "alice,gold", "--json").output)
    overall = data["pairs"][0]["labels"]["(all labels)"]
    assert (overall["documents"], overall["exact_precision"]) == (1, 1.0)  # 1 gold span
    assert overall["exact_recall"] == 1 / 3  # of alice's 3 on that document


def test_merge_reports_a_missing_input(tmp_path: Path) -> None:
    result = run("merge", str(tmp_path / "nope.db"), "-o", str(tmp_path / "team.db"))
    assert result.exit_code == 1
    assert "nope.db: no such database" in result.output
