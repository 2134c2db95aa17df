"""Rule suggestions in the reading screen, driven by the keyboard and checked in SQLite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.color import Color
from rich.segment import Segment
from textual.pilot import Pilot

from reader.config import DEFAULT_LABELS, Config
from reader.core.markdown import render_markdown
from reader.core.store import Store
from reader.core.suggest import pending_suggestions, rules_from_config
from reader.ui.confirm import Confirm
from reader.ui.document_view import suggestion_style

SIZE = (120, 36)
RULES = rules_from_config(Config())
ORANGE = Color.parse(DEFAULT_LABELS[0].color)  # anonymous source
FIRST_SENTENCE_END = "as per the sources familiar with the matter."
ANONYMITY = "who described the matter on condition of anonymity."


async def settle(pilot: Pilot[Any]) -> None:
    """Let the screen's suggestion workers finish and their results show."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Pilot[Any], done: Callable[[], bool], tries: int = 200) -> None:
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.05)
    assert done()


def hints(app) -> list[tuple[int, int, str, str]]:
    return [(h.start, h.end, h.label, h.rule) for h in app.reading.view.suggestions]


def expected(store: Store, doc: int) -> list[tuple[int, int, str, str]]:
    return [(s.start, s.end, s.label, s.rule) for s in pending_suggestions(store, doc, RULES)]


def segments(view, offset: int, below: int = 0) -> list[Segment]:
    """The rendered segments of the row showing ``offset`` (or ``below`` rows under it)."""
    row = view.wrap.row_of(offset) + below
    return list(view.render_line(row - int(view.scroll_y)))


def status(app) -> str:
    return str(app.reading.query_one("#reading-status").render())


def rows(store: Store) -> list[tuple[Any, ...]]:
    query = 'SELECT start, "end", label, quote, origin, annotator, deleted_at IS NULL'
    return store.conn.execute(query + " FROM annotations ORDER BY start, label").fetchall()


def rejections(store: Store) -> list[tuple[Any, ...]]:
    query = 'SELECT start, "end", label, rule, annotator FROM rejected_suggestions'
    return store.conn.execute(query + " ORDER BY start").fetchall()


@pytest.fixture
def drones(find_doc) -> int:
    return find_doc("drones")


def anonymity_span(store: Store, doc: int) -> tuple[int, int]:
    """The second paragraph of the drones article: the sentence with "condition of anonymity"."""
    text = store.document(doc).text
    start = text.index("The request has alerted")
    return start, text.index(ANONYMITY) + len(ANONYMITY)


async def test_suggestions_are_drawn_in_their_own_style(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = store.document(drones).text
        first = (0, text.index(FIRST_SENTENCE_END) + len(FIRST_SENTENCE_END))
        assert hints(app) == expected(store, drones)
        assert (*first, "anonymous source", "familiar-with") in hints(app)
        assert (*anonymity_span(store, drones), "anonymous source", "anonymity") in hints(app)
        assert "suggested: anonymous source (familiar-with)" in status(app)

        view = app.reading.view
        colour = suggestion_style(DEFAULT_LABELS[0], view.rich_style).color
        assert colour is not None and colour != ORANGE
        for segment in segments(view, anonymity_span(store, drones)[0]):  # no cursor there
            if segment.text.strip():
                style = segment.style
                assert (style.color, style.underline2, style.bgcolor) == (
                    colour,
                    True,
                    view.rich_style.bgcolor,
                ), segment
        # Plain text between suggestions keeps the plain style.
        plain = segments(view, text.index("held a meeting for six hours"))[0]
        assert not plain.style.underline2 and plain.style.color == view.rich_style.color


async def test_a_accepts_the_suggestion_at_the_cursor(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        start, end = anonymity_span(store, drones)
        await pilot.press("}")  # the next suggestion
        assert app.reading.view.cursor == start
        await pilot.press("a")
        await settle(pilot)
        quote = store.document(drones).text[start:end]
        assert rows(store) == [
            (start, end, "anonymous source", quote, "rule:anonymity", "tester", 1)
        ]
        assert (start, end, "anonymous source", "anonymity") not in hints(app)
        assert [(h.start, h.end) for h in app.reading.view.highlights] == [(start, end)]
        # The highlight is an annotation's: the label's colour as background.
        view = app.reading.view
        assert segments(view, start, below=1)[0].style.bgcolor == ORANGE
        assert "accepted anonymous source (anonymity)" in status(app)


async def test_r_rejects_and_u_undoes_each_step(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = hints(app)[0]
        await pilot.press("a")  # the first sentence becomes an annotation
        await pilot.press("}")
        await settle(pilot)
        start, end = anonymity_span(store, drones)
        assert app.reading.view.cursor == start
        await pilot.press("r")
        await settle(pilot)
        assert rejections(store) == [(start, end, "anonymous source", "anonymity", "tester")]
        assert (start, end, "anonymous source", "anonymity") not in hints(app)
        assert hints(app) == expected(store, drones)
        assert app.reading.view.highlights[0][:2] == first[:2]

        await pilot.press("u")  # the rejection
        await settle(pilot)
        assert rejections(store) == []
        assert (start, end, "anonymous source", "anonymity") in hints(app)
        assert [r[-1] for r in rows(store)] == [1]

        await pilot.press("u")  # the acceptance
        await settle(pilot)
        assert [r[-1] for r in rows(store)] == [0]
        assert app.reading.view.highlights == []
        assert first in hints(app)

        await pilot.press("U", "U")  # and both again
        await settle(pilot)
        assert [r[-1] for r in rows(store)] == [1]
        assert rejections(store) == [(start, end, "anonymous source", "anonymity", "tester")]
        assert hints(app) == expected(store, drones)


async def test_rejected_suggestions_stay_hidden_after_reopening(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
    again = reading_app(drones)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert hints(again)[0][0] > 0
        assert hints(again) == expected(store, drones)


async def test_shift_a_accepts_all_after_confirming_as_one_undo_step(
    store, reading_app, find_doc
) -> None:
    doc = find_doc("biden")
    wanted = expected(store, doc)
    assert len(wanted) > 10  # enough to ask first
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")  # cancelled: nothing written
        await settle(pilot)
        assert rows(store) == []

        await pilot.press("}", "}")
        cursor = app.reading.view.cursor
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await settle(pilot)
        text = store.document(doc).text
        origins = sorted(
            (s, e, label, text[s:e], f"rule:{rule}", "tester", 1) for s, e, label, rule in wanted
        )
        assert sorted(rows(store)) == origins
        assert hints(app) == []
        assert [a.kind for a in store.actions(doc)] == ["add"]
        assert f"accepted {len(wanted)} suggestions" in status(app)

        await pilot.press("u")
        await settle(pilot)
        assert {r[-1] for r in rows(store)} == {0}
        assert hints(app) == wanted
        assert app.reading.view.cursor == cursor  # many changed: the cursor stays


async def test_few_suggestions_are_accepted_without_asking(store, reading_app, drones) -> None:
    wanted = expected(store, drones)
    assert 0 < len(wanted) <= 10
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert sorted((r[0], r[1], r[2]) for r in rows(store)) == sorted(w[:3] for w in wanted)


async def test_markdown_suggestions_map_to_the_shown_text(store, reading_app, find_doc) -> None:
    doc = find_doc("ministry")
    source = store.document(doc).text
    rendered = render_markdown(source)
    start = source.index("The agriculture ministry on Tuesday **denied")
    end = source.index("\n", start)  # the segmenter ends sentences at line breaks
    assert (start, end, "denial", "denial-words") in expected(store, doc)
    shown = rendered.rendered_span(start, end)
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert (*shown, "denial", "denial-words") in hints(app)
        view = app.reading.view
        assert view.text[shown[0] : shown[0] + 52] == (
            "The agriculture ministry on Tuesday denied a newspap"
        )
        await pilot.press("}")  # past the heading's suggestions
        assert view.cursor == shown[0]
        await pilot.press("a")
        await settle(pilot)
        assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows(store)] == [
            (start, end, "denial", source[start:end], "rule:denial-words")
        ]


async def test_capital_s_hides_and_shows_suggestions(store, reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert hints(app) == []
        assert "suggestions hidden" in status(app)
        await pilot.press("a")  # nothing to accept while hidden
        assert rows(store) == []
        await pilot.press("S")
        await settle(pilot)
        assert hints(app) == expected(store, drones)


async def test_suggestions_follow_the_view_in_a_long_document(
    store, reading_app, new_document
) -> None:
    paragraph = (
        "Officials met on Monday. A senior official, speaking on condition of anonymity, "
        "said the talks went well.\n\n"
    )
    text = paragraph * 2000  # about 200 KB
    doc = new_document(text, title="long")
    app = reading_app(doc)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        near_top = hints(app)
        assert near_top and max(end for _, end, _, _ in near_top) < 40_000
        await pilot.press("ctrl+end")
        await until(pilot, lambda: bool(hints(app)) and hints(app)[0][0] > len(text) - 40_000)
        await settle(pilot)
        bottom = hints(app)
        assert bottom[-1][1] == len(text) - 2  # the last sentence, before the final newlines
        window = pending_suggestions(store, doc, RULES, within=(bottom[0][0], bottom[-1][1]))
        assert bottom == [(s.start, s.end, s.label, s.rule) for s in window]


async def test_keys_are_listed_in_the_help(reading_app, drones) -> None:
    app = reading_app(drones)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bindings = {b.binding.id: b.binding.key for b in app.screen.active_bindings.values()}
        assert {
            "reading.accept_suggestion": "a",
            "reading.reject_suggestion": "r",
            "reading.accept_all_suggestions": "A",
            "reading.toggle_suggestions": "S",
            "reading.place_orphan": "o",
        }.items() <= bindings.items()
        keys = str(app.screen.query_one("#reading-keys").render())
        assert "a r Suggestion" in keys


def test_reading_screen_with_suggestions(reading_app, drones, store, snap_compare) -> None:
    start = anonymity_span(store, drones)[0]
    store.add_annotation(drones, start, start + len("The request"), "denial")

    async def suggestions_shown(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    # On a suggestion that an annotation of another label overlaps.
    assert snap_compare(
        reading_app(drones),
        press=["}"],
        terminal_size=(120, 30),
        run_before=suggestions_shown,
    )
