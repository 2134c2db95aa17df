"""The suggestion search in a process of its own: the same findings as searching in-process."""

from __future__ import annotations

import io
import pickle

import pytest

from reader.config import Config
from reader.core.suggest import rules_from_config, suggest
from reader.ui.search_process import Searcher, _message, serve

RULES = rules_from_config(Config())
TEXT = (
    "The ministry denied the report.\n"
    "According to sources familiar with the matter, talks resumed.\n"
    "A spokesperson, who spoke on condition of anonymity, declined to comment.\n"
)


def test_worker_answers_each_request_and_keeps_the_text() -> None:
    first, second = (0, 40), (40, len(TEXT))
    requests = io.BytesIO(
        _message((TEXT, RULES, first))
        + _message((None, RULES, second))  # the text sent before
        + _message((None, None, first))  # no rules: suggest fails, its error is the reply
    )
    replies = io.BytesIO()
    serve(requests, replies)
    replies.seek(0)
    answers = []
    while header := replies.read(4):
        answers.append(pickle.loads(replies.read(int.from_bytes(header, "big"))))
    assert answers[:2] == [suggest(TEXT, RULES, first), suggest(TEXT, RULES, second)]
    assert answers[1]  # the second passage has suggestions
    assert isinstance(answers[2], TypeError)


async def test_searcher_finds_what_suggest_finds_and_outlives_its_worker() -> None:
    searcher = Searcher()
    try:
        assert await searcher.search(TEXT, RULES, (0, len(TEXT))) == suggest(TEXT, RULES)
        with pytest.raises(TypeError):  # the worker's error, raised here
            await searcher.search(TEXT, None, (0, 40))  # type: ignore[arg-type]
        assert searcher._process is not None
        searcher._process.kill()  # a new worker is started, and given the text again
        await searcher._process.wait()
        assert await searcher.search(TEXT, RULES, (40, len(TEXT))) == suggest(
            TEXT, RULES, (40, len(TEXT))
        )
    finally:
        process = searcher._process
        await searcher.close()
    assert process is not None and process.returncode == 0  # it ended at the end of requests
