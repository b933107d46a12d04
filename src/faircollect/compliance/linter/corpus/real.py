"""The corpus of real language: collection messages and quoted collector speech from public sources, with provenance.

Every item records where it was published (``source``: address, ``title``, ``date`` as given by the source or
"unknown"), its language, its labels (the rulebook's linter categories; none = lawful) and, where the label depends
on it, the context (``recipient_role`` third_party for messages sent to someone other than the borrower). Real names,
phone numbers, account and ID numbers are masked (``[NAME]``, ``[PHONE]``, ``[ACCT]`` ...).

The split is by source: ``split_of(source)`` hashes the source address, so everything from one page lands in one
split. ``real_train.jsonl`` is plain text. The test split is **sealed**: ``real_test.sealed`` holds the items
compressed and base64-encoded, so that no text of it shows up in a grep, a diff or a log. Read it only through
``load_sealed()``, and report only aggregate figures from it (``evaluate.py`` does; ``--show-errors`` refuses it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
TRAIN_FILE = HERE / "real_train.jsonl"
SEALED_FILE = HERE / "real_test.sealed"
# collected and routed by the source hash but not yet part of the corpus (docs/linter.md, "Staged"): training does not
# read them and the evaluation does not count them
STAGED_TRAIN_FILE = HERE / "staged_train.jsonl"
STAGED_SEALED_FILE = HERE / "staged_test.sealed"
TEST_SHARE = 0.4  # share of sources (by hash) that go to the sealed test split
SEAL_HEADER = (
    "# faircollect sealed corpus (real messages, test split): zlib-compressed JSON lines, base64. "
    "Read only through faircollect.compliance.linter.corpus.real.load_sealed(); report aggregates only.\n"
)


def source_key(source: str) -> str:
    """The address a source is known by: two spellings of one page give one key.

    Percent-encoding is decoded (``%E5%BE%8B`` and ``%e5%be%8b`` are the same page; browsers and search engines
    write either), the scheme and host are lower-cased and a fragment is dropped. The path's case and a trailing
    slash are kept: servers may tell those apart. Every source in the corpus routes as it did before this key
    existed (a test holds the committed files to it).
    """
    text = source.strip()
    parts = urlsplit(text)
    if not parts.scheme or not parts.netloc:
        return unquote(text)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), unquote(parts.path), unquote(parts.query), "")
    )


def page_key(source: str) -> str:
    """The page behind an address, looser than ``source_key``: scheme, a leading ``www.`` and a trailing slash
    dropped (servers commonly answer ``http``/``https`` and ``www.`` alike). ``split_of`` cannot hash this key —
    committed sources would move between the splits — so the ingest step refuses a new item whose page is already
    in the corpus under a spelling that routes to the other split, and a test holds the committed files to it."""
    key = source_key(source)
    parts = urlsplit(key)
    if not parts.netloc:
        return key
    return urlunsplit(("", parts.netloc.removeprefix("www."), parts.path.rstrip("/"), parts.query, ""))


def split_of(source: str) -> str:
    """``test`` or ``train``, from a hash of the source's key (``source_key``): one source, one split."""
    digest = hashlib.sha256(source_key(source).encode("utf-8")).digest()
    return "test" if int.from_bytes(digest[:4], "big") / 2**32 < TEST_SHARE else "train"


@dataclass(frozen=True, slots=True)
class RealItem:
    id: str
    text: str
    lang: str  # "zh" or "en"
    labels: tuple[str, ...]
    source: str
    title: str
    date: str
    context: dict[str, Any] = field(default_factory=dict)
    novel: bool = False  # test split only: shares little wording with anything in train (see build notes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "lang": self.lang,
            "labels": list(self.labels),
            "context": self.context,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "novel": self.novel,
        }


def _item(obj: dict[str, Any]) -> RealItem:
    return RealItem(
        id=str(obj["id"]),
        text=str(obj["text"]),
        lang=str(obj["lang"]),
        labels=tuple(obj.get("labels") or ()),
        source=str(obj["source"]),
        title=str(obj.get("title", "")),
        date=str(obj.get("date", "unknown")),
        context=dict(obj.get("context") or {}),
        novel=bool(obj.get("novel", False)),
    )


def load_train(path: Path = TRAIN_FILE) -> list[RealItem]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_item(json.loads(line)) for line in lines if line.strip()]


def seal(items: list[RealItem]) -> str:
    raw = "".join(json.dumps(i.as_dict(), ensure_ascii=False) + "\n" for i in items).encode("utf-8")
    body = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
    return SEAL_HEADER + "\n".join(body[i : i + 100] for i in range(0, len(body), 100)) + "\n"


def load_sealed(path: Path = SEALED_FILE) -> list[RealItem]:
    """The sealed test split. Callers must never print, log or return the texts: aggregates only."""
    lines = [line for line in path.read_text(encoding="ascii").splitlines() if not line.startswith("#")]
    raw = zlib.decompress(base64.b64decode("".join(lines))).decode("utf-8")
    return [_item(json.loads(line)) for line in raw.splitlines() if line.strip()]
