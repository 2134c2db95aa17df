"""The adjudication screen, driven with Pilot: keys produce the right gold rows."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from reader.cli import main
from reader.config import Config
from reader.core.merge import merge_databases
from reader.core.store import Store
from reader.ui.adjudicate import AdjudicationScreen, AgreementScreen
from tests.team.conftest import DRONES, doc_id


class Host(App[None]):
    def __init__(self, store: Store, screen: type[Screen[None]] = AdjudicationScreen) -> None:
        super().__init__()
        self.store = store
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first(self.store, Config()))  # type: ignore[call-arg]


@pytest.fixture
def team(tmp_path: Path, alice_db: Path, bob_db: Path) -> Store:
    store = Store(tmp_path / "team.db", annotator="lead")
    merge_databases(store, [alice_db, bob_db])
    return store


def gold(store: Store) -> list[tuple[str, str, str]]:
    rows = store.conn.execute(
        "SELECT quote, label, origin FROM annotations"
        " WHERE annotator = 'gold' AND deleted_at IS NULL ORDER BY start"
    )
    return [tuple(r) for r in rows]


SOURCES_ALICE = ("as per the sources familiar with the matter", "anonymous source", "adjudication")
SOURCES_BOB = ("the sources familiar with the matter", "anonymous source", "adjudication")
DECLINED = "declined to say whether the request for military aid came up"


async def test_accept_one_other_all_neither_and_undo(team: Store) -> None:
    app = Host(team)
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, AdjudicationScreen)
        assert screen.documents == [doc_id(team, DRONES)]  # the other documents agree
        title = str(screen.query_one("#adjudicate-title", Static).render())
        assert "document 1/1" in title and "passage 1/4 (disagreement)" in title
        await pilot.press("1")
        assert gold(team) == [SOURCES_ALICE]
        await pilot.press("2")
        assert gold(team) == [SOURCES_BOB]
        await pilot.press("u")
        assert gold(team) == [SOURCES_ALICE]
        await pilot.press("a")
        assert sorted(gold(team)) == sorted([SOURCES_ALICE, SOURCES_BOB])
        await pilot.press("x")
        assert gold(team) == []
        body = str(screen.query_one("#adjudicate-passage", Static).render())
        assert "neither" in body


async def test_agreed_passages_edits_and_label(team: Store) -> None:
    app = Host(team)
    async with app.run_test() as pilot:
        await pilot.press("g")  # the denial both annotators tagged the same way
        assert [q for q, _, _ in gold(team)] == [
            "The U.S. has been maliciously spreading disinformation targeting China"
        ]
        await pilot.press("j", "2")  # bob's extra denial
        assert DECLINED in [q for q, _, _ in gold(team)]
        await pilot.press("right_square_bracket", "left_curly_bracket")
        assert "to say whether the request for military aid came" in [q for q, _, _ in gold(team)]
        await pilot.press("l")  # denial -> the next label in the config: anonymous source
        labels = dict((q, lab) for q, lab, _ in gold(team))
        assert labels["to say whether the request for military aid came"] == "anonymous source"
        await pilot.press("u", "u", "u")
        assert DECLINED in [q for q, _, _ in gold(team)]


async def test_gold_layer_exports_like_any_annotator(team: Store) -> None:
    app = Host(team)
    async with app.run_test() as pilot:
        await pilot.press("2", "j", "2", "g")
    out = team.path.with_name("gold.jsonl")
    args = ["--db", str(team.path), "export", "--annotator", "gold", "-o", str(out)]
    assert CliRunner().invoke(main, args, catch_exceptions=False).exit_code == 0
    lines = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    spans = [s for line in lines for s in line["spans"]]
    assert sorted(s["text"] for s in spans) == sorted(
        [
            "the sources familiar with the matter",
            DECLINED,
            "The U.S. has been maliciously spreading disinformation targeting China",
        ]
    )
    assert {s["annotator"] for s in spans} == {"gold"}


async def test_no_disagreement_says_so(tmp_path: Path, alice_db: Path) -> None:
    app = Host(Store(alice_db))
    async with app.run_test():
        assert isinstance(app.screen, AdjudicationScreen)
        title = str(app.screen.query_one("#adjudicate-title", Static).render())
        assert "no disagreements" in title


async def test_agreement_screen_shows_the_table_and_opens_adjudication(team: Store) -> None:
    app = Host(team, AgreementScreen)
    async with app.run_test(size=(160, 40)) as pilot:
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "alice / bob" in shown and "(all labels)" in shown and "0.750" in shown
        await pilot.press("a")
        assert isinstance(app.screen, AdjudicationScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, AgreementScreen)
