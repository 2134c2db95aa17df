"""Deterministic (seeded) benchmark data: a news-like corpus, one long document, a library DB.

Everything is cached under ``benchmarks/data/<DATA_VERSION>-<scale>/`` and rebuilt only when
missing or when ``DATA_VERSION`` changes. The library DB is built through the store's own
import path for documents, executemany for the bulk of the annotations (as a merge or an
import of labelled data would write them), and ``Store.add_annotation`` for the annotations
of the long document, so its action log is the one a person tagging it would leave.
"""

from __future__ import annotations

import itertools
import math
import random
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from benchmarks.common import DATA_ROOT, Dataset, Scale
from reader.core.corpus import read_corpus
from reader.core.migrations import SCHEMA_VERSION
from reader.core.store import CONTEXT_CHARS, Store

DATA_VERSION = "v1"
SEED = 20_240_601
LABELS = ("anonymous source", "official statement", "denial")
ANNOTATORS = ("ana", "ben", "chen")
BIG_DOC_ID = "long-report-1mb"


def _words(joined: str) -> tuple[str, ...]:
    return tuple(joined.split("|"))


_FIRST_NAMES = _words(
    "Zhao|John|Maria|José|Angela|Priya|Olusegun|Soo-jin|François|Sarah|Dmitri|Ay\u015fe|"
    "Tomás|Mei|Ahmed|Lucía|Kwame|Ingrid|Rahul|Fatima|Pieter|Yuki|Carlos|Amara|Liam|"
    "Nadia|Hiroshi|Elena|Samuel|Leila|Mateus|Grace|Oskar|Ana|Tariq|Chloé|Viktor|Zainab"
)
_SURNAMES = _words(
    "Lijian|Kirby|Fernández|Álvarez|Müller|Natarajan|Adeyemi|Kim|Lemaître|Cohen|Volkov|"
    "Y\u0131lmaz|Ó Briain|Tanaka|Hassan|Okafor|Lindqvist|Sharma|Haddad|de Vries|Sato|"
    "Mendoza|Mensah|O'Neill|Petrova|Nakamura|Rossi|Bianchi|Kowalski|Nguyen|Silva|Osei|"
    "Andersen|Novak|Qureshi|Dubois|Horvat|Abubakar|Castillo|Moreau|Jansen|Ivanova|Park"
)
_ROLES = _words(
    "spokesperson|senior official|minister|analyst|adviser|ambassador|chief executive|"
    "professor|commander|lawmaker|diplomat|economist"
)
_ORGS = _words(
    "foreign ministry|Pentagon|central bank|European Commission|United Nations|"
    "White House|state council|energy regulator|health agency|supreme court|"
    "trade union|election commission|navy|Treasury|World Bank"
)
_PLACES = _words(
    "Beijing|Washington|Brussels|Lagos|São Paulo|Kyiv|Jakarta|Geneva|Nairobi|Seoul|"
    "Ankara|Mexico City|Canberra|Reykjavík|Mumbai"
)
_SUBJECTS = _words(
    "the talks|the agreement|the investigation|the budget|the ceasefire|the sanctions|"
    "the election|the merger|the report|the strike|the vaccine|the proposal|"
    "the inquiry|the deal|the military exercise|the tariff"
)
_VERBS = _words(
    "would resume|had stalled|was expected to collapse|could be delayed|"
    "would be announced|had been approved|was under review|would not change|"
    "had been leaked|was close to completion|would cost billions|had failed"
)
_TIMES = _words(
    "next week|on Tuesday|by the end of the month|later this year|within days|"
    "in March|before the summit|after the vote|on Friday night"
)
_FILLER = (
    "Officials have been working on the matter for several months.",
    "The figures were published in a statement late on Monday.",
    "Markets reacted calmly to the news, with shares closing slightly higher.",
    "Critics say the plan does little to address the underlying problems.",
    "The decision follows weeks of negotiations behind closed doors.",
    "It is not yet clear how the measures will be paid for.",
    "Local residents described scenes of confusion in the hours that followed.",
    "The U.S. and its allies have called for restraint on all sides.",
    "Dr. Mei Tanaka, who has studied the region for decades, urged caution.",
    "Prices rose 3.2% in the year to April, the fastest pace since 1991.",
    "Protesters gathered outside the building on Sunday afternoon.",
    "The company\u2019s shares fell by nearly a fifth after the announcement.",
    "Mr. Kirby declined to give further details.",
    "A spokesperson for the ministry did not respond to a request for comment.",
)


_SYLLABLES = _words(
    "ka|ro|ven|tal|mi|sor|de|lun|ar|bel|tri|os|nam|qu|zel|pa|dor|fen|gri|ul|es|mar|"
    "tek|vo|lin|ash|cor|ni"
)


class _Sentences:
    """A pool of news-like sentences built from templates, attribution cues included.

    Besides a small everyday vocabulary, sentences name companies, towns and projects drawn
    from a Zipf distribution over many invented words, so that the full-text index sees rare
    terms as well as ones that occur in every document.
    """

    def __init__(self, rng: random.Random, size: int = 50_000, rare_words: int = 30_000) -> None:
        words = {"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(rare_words)}
        self.rare = sorted(words)
        rng.shuffle(self.rare)
        self.rare_weights = _zipf(len(self.rare))
        self.names = [f"{first} {last}" for first in _FIRST_NAMES for last in _SURNAMES]
        rng.shuffle(self.names)
        self.name_weights = _zipf(len(self.names))
        makers = (
            self._official,
            self._anonymous,
            self._denial,
            self._report,
            self._business,
            self._filler,
            self._filler,
        )
        self.pool = [rng.choice(makers)(rng) for _ in range(size)]

    def _rare(self, rng: random.Random) -> str:
        return rng.choices(self.rare, cum_weights=self.rare_weights)[0]

    def _name(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.name_weights)[0]

    def _business(self, rng: random.Random) -> str:
        company, town = self._rare(rng).capitalize(), self._rare(rng).capitalize()
        return rng.choice(
            (
                f"{company} Holdings, based in {town}, said its {self._rare(rng)} unit "
                f"{rng.choice(_VERBS)} {rng.choice(_TIMES)}.",
                f"Residents of {town} said the {self._rare(rng)} plant {rng.choice(_VERBS)}.",
                f"Shares in {company} rose {rng.randint(1, 40)}% after {self._claim(rng)}.",
            )
        )

    @staticmethod
    def _claim(rng: random.Random) -> str:
        return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_TIMES)}"

    def _official(self, rng: random.Random) -> str:
        name, role, org = self._name(rng), rng.choice(_ROLES), rng.choice(_ORGS)
        return rng.choice(
            (
                f"“We have been playing a constructive part,” {name} said, adding that "
                f"{self._claim(rng)}.",
                f"{name}, a {role} at the {org}, told reporters in {rng.choice(_PLACES)} that "
                f"{self._claim(rng)}.",
                f"The {org} said in a statement that {self._claim(rng)}.",
            )
        )

    def _anonymous(self, rng: random.Random) -> str:
        return rng.choice(
            (
                f"According to sources familiar with the matter, {self._claim(rng)}.",
                f"A senior official, speaking on condition of anonymity, said {self._claim(rng)}.",
                f"People briefed on the discussions said {self._claim(rng)}.",
            )
        )

    def _denial(self, rng: random.Random) -> str:
        name, org = self._name(rng), rng.choice(_ORGS)
        return rng.choice(
            (
                f"The {org} denied that {self._claim(rng)}, calling the reports “baseless”.",
                f"{name} rejected claims that {self._claim(rng)}.",
                f"“These conversations were not caused by us,” a {rng.choice(_ROLES)} said.",
            )
        )

    def _report(self, rng: random.Random) -> str:
        place = rng.choice(_PLACES)
        return f"In {place}, {self._claim(rng)}, while {self._claim(rng)}."

    @staticmethod
    def _filler(rng: random.Random) -> str:
        return rng.choice(_FILLER)


def _zipf(count: int) -> list[float]:
    """Cumulative weights giving the item of rank r a chance proportional to 1/r."""
    return list(itertools.accumulate(1 / rank for rank in range(1, count + 1)))


def headline(rng: random.Random) -> str:
    subject = rng.choice(_SUBJECTS).removeprefix("the ").capitalize()
    return f"{subject} {rng.choice(_VERBS)}, {rng.choice(_ORGS)} says"


def news_text(rng: random.Random, pool: list[str], chars: int) -> str:
    """About ``chars`` characters of paragraphs, each of 2 to 6 sentences."""
    paragraphs: list[str] = []
    length = 0
    while length < chars:
        paragraph = " ".join(rng.choices(pool, k=rng.randint(2, 6)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _doc_sizes(rng: random.Random, count: int, mean: int) -> Iterator[int]:
    """Mixed sizes: mostly short articles, a long tail of features (log-normal)."""
    sigma = 0.8
    mu = math.log(mean) - sigma**2 / 2
    for _ in range(count):
        yield min(60 * mean, max(200, int(rng.lognormvariate(mu, sigma))))


def write_corpus(path: Path, scale: Scale, rng: random.Random, pool: list[str]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        for number, size in enumerate(_doc_sizes(rng, scale.documents, scale.mean_doc_chars)):
            title = headline(rng)
            body = news_text(rng, pool, size)
            record = {
                "id": f"news-{number:06d}",
                "title": title,
                "text": f"{title}\n\n{body}",
                "meta": {"source": rng.choice(_PLACES), "n": number},
            }
            out.write(orjson.dumps(record) + b"\n")
    tmp.replace(path)


def write_big_doc(path: Path, scale: Scale, rng: random.Random, pool: list[str]) -> None:
    text = "A long report on the talks\n\n" + news_text(rng, pool, scale.big_doc_chars)
    path.write_text(text[: scale.big_doc_chars].rstrip() + "\n", encoding="utf-8")


def _spans(rng: random.Random, text: str, count: int) -> Iterator[tuple[int, int]]:
    """Word-aligned spans of 20 to 200 characters (overlaps allowed, as in real work)."""
    for _ in range(count):
        start = rng.randrange(0, max(1, len(text) - 40))
        start = text.rfind(" ", 0, start) + 1
        end = text.find(" ", start + rng.randint(20, 200))
        end = len(text) if end < 0 else end
        if end > start:
            yield start, end


def annotation_rows(
    rng: random.Random, doc_id: int, text: str, count: int
) -> Iterator[tuple[object, ...]]:
    """Rows for ``annotations`` in column order (see the v1 schema)."""
    for start, end in _spans(rng, text, count):
        stamp = f"2024-05-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00.000Z"
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            doc_id,
            start,
            end,
            rng.choice(LABELS),
            text[start:end],
            text[max(0, start - CONTEXT_CHARS) : start],
            text[end : end + CONTEXT_CHARS],
            None if rng.random() < 0.9 else "check the original wording",
            rng.choice(ANNOTATORS),
            "manual",
            0,
            stamp,
            stamp,
            None,
        )


_INSERT_ANNOTATION = (
    'INSERT INTO annotations (id, doc_id, start, "end", label, quote, prefix, suffix, note,'
    " annotator, origin, orphaned, created_at, updated_at, deleted_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def build_library(path: Path, dataset: Dataset, scale: Scale, rng: random.Random) -> None:
    tmp = path.with_name(path.name + ".tmp")
    for leftover in path.parent.glob(tmp.name + "*"):
        leftover.unlink()
    with Store(tmp, annotator="ana") as store:
        store.import_documents(read_corpus([dataset.corpus]).documents)
        store.import_documents(read_corpus([dataset.big_doc]).documents)
        big_id = store.conn.execute(
            "SELECT id FROM documents WHERE external_id = ?", (dataset.big_doc.stem,)
        ).fetchone()[0]
        _annotate_corpus(store, scale.annotations - scale.big_doc_annotations, big_id, rng)
        big_text = store.document(big_id).text
        for start, end in _spans(rng, big_text, scale.big_doc_annotations):
            store.add_annotation(big_id, start, end, rng.choice(LABELS))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.replace(path)


def _annotate_corpus(store: Store, total: int, skip_id: int, rng: random.Random) -> None:
    ids = [i for i in store.document_ids() if i != skip_id]
    per_doc, extra = divmod(total, len(ids))
    with store.write() as conn:
        batch: list[tuple[object, ...]] = []
        for index, doc_id in enumerate(ids):
            text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
            batch.extend(annotation_rows(rng, doc_id, text, per_doc + (index < extra)))
            if len(batch) >= 50_000:
                conn.executemany(_INSERT_ANNOTATION, batch)
                batch.clear()
        conn.executemany(_INSERT_ANNOTATION, batch)
        conn.execute(
            "UPDATE documents SET annotation_count = (SELECT count(*) FROM annotations a"
            " WHERE a.doc_id = documents.id AND a.deleted_at IS NULL),"
            " status = CASE WHEN id % 3 = 0 THEN 'done' ELSE 'in_progress' END"
        )


def _upgrade(library: Path, log: Callable[[str], None]) -> None:
    """Bring a cached database to the current schema, so no benchmark times a migration."""
    with sqlite3.connect(library) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        log(f"migrating {library} from schema {version} to {SCHEMA_VERSION} ...")
        Store(library).close()
        for backup in library.parent.glob(f"{library.name}.v*.bak"):
            backup.unlink()


def dataset(scale: Scale, root: Path = DATA_ROOT, log: Callable[[str], None] = print) -> Dataset:
    """The cached data set for ``scale``, generated first when missing."""
    folder = root / f"{DATA_VERSION}-{scale.name}"
    data = Dataset(
        corpus=folder / "corpus.jsonl",
        big_doc=folder / f"{BIG_DOC_ID}.txt",
        library=folder / "library.db",
    )
    if (folder / "complete").exists():
        _upgrade(data.library, log)
        return data
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = random.Random(SEED)
    pool = _Sentences(rng).pool
    log(f"generating {scale.documents:,} documents into {data.corpus} ...")
    write_corpus(data.corpus, scale, rng, pool)
    write_big_doc(data.big_doc, scale, rng, pool)
    log(f"building {data.library} with {scale.annotations:,} annotations ...")
    build_library(data.library, data, scale, rng)
    (folder / "complete").write_text(DATA_VERSION + "\n")
    return data
