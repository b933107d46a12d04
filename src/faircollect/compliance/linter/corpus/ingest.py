"""Add newly collected real items to the corpus, routed by a hash of their source, the test share sealed unseen.

Run: ``python -m faircollect.compliance.linter.corpus.ingest STAGING.jsonl`` (``--dry-run`` checks only).

Each staging line is ``{"text", "lang", "labels", "source", "title", "date", "context"?}``. The split of every
item is ``split_of(source)`` — a hash of the source address, decided before anybody looks at what the linter does
with it, never by content. Items whose source hashes to ``train`` are appended to ``real_train.jsonl``; the rest are
added to the sealed file, and this command prints **counts only** for them. A line without provenance, with an
unknown label or language, or with an unmasked number (7+ digits, a phone or an ID-like number) stops the run
with an error naming the staging line (all or nothing: nothing is written then). An item whose text is already in
the corpus (compared after NFKC folding and without spaces, so two transcriptions of one message count once) is
skipped, so running twice adds nothing and no text lands in both splits.

``novel`` (sealed positives only) is recomputed for the whole sealed split on every run: a sealed positive is novel
when its character-3-gram Jaccard similarity to every training text (the seed corpus's train rows and the real train
items) is below ``NOVEL_BELOW``. As train grows, fewer sealed items stay novel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from faircollect.compliance.linter.corpus.real import (
    SEALED_FILE,
    STAGED_SEALED_FILE,
    STAGED_TRAIN_FILE,
    TRAIN_FILE,
    RealItem,
    load_sealed,
    load_train,
    page_key,
    seal,
    split_of,
)
from faircollect.compliance.linter.types import CATEGORIES

SEEDS = Path(__file__).resolve().parent / "messages.jsonl"
NOVEL_BELOW = 0.35
UNMASKED = re.compile(r"\d{7,}|\d{3}[- .]\d{3}[- .]\d{4}|[1-9]\d{5}(?:19|20)\d{2}")
_SPACE = re.compile(r"\s+")


def text_key(text: str) -> str:
    """Two transcriptions of one message (full- or half-width punctuation, spacing) share this key."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def item_id(source: str, text: str) -> str:
    return hashlib.sha256(f"{source.strip()}\n{text}".encode()).hexdigest()[:12]


def _grams(text: str) -> frozenset[str]:
    t = _SPACE.sub(" ", text.lower()).strip()
    return frozenset(t[i : i + 3] for i in range(max(1, len(t) - 2)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def training_texts() -> list[str]:
    texts = [i.text for i in load_train()]
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            if obj.get("split") == "train":
                texts.append(str(obj["text"]))
    return texts


def mark_novel(sealed: list[RealItem], train_texts: list[str]) -> list[RealItem]:
    grams = [_grams(t) for t in train_texts]
    out: list[RealItem] = []
    for i in sealed:
        g = _grams(i.text)
        novel = bool(i.labels) and all(_jaccard(g, other) < NOVEL_BELOW for other in grams)
        out.append(RealItem(i.id, i.text, i.lang, i.labels, i.source, i.title, i.date, i.context, novel))
    return out


def parse_staging(path: Path) -> list[RealItem]:
    items: list[RealItem] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}, line {lineno}"
        try:
            obj: dict[str, Any] = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg})") from None
        for key in ("text", "lang", "source", "title", "date"):
            if not str(obj.get(key, "")).strip():
                raise ValueError(f"{where}, field {key!r}: missing")
        source, text = str(obj["source"]).strip(), str(obj["text"]).strip()
        if not source.startswith("http"):
            raise ValueError(f"{where}, field 'source': not an address")
        if obj["lang"] not in ("zh", "en"):
            raise ValueError(f"{where}, field 'lang': must be zh or en")
        labels = tuple(obj.get("labels") or ())
        bad = [x for x in labels if x not in CATEGORIES]
        if bad:
            raise ValueError(f"{where}, field 'labels': unknown {bad}")
        if UNMASKED.search(text):
            raise ValueError(f"{where}, field 'text': an unmasked number (mask it as [PHONE], [ACCT], [ID])")
        items.append(
            RealItem(
                id=item_id(source, text),
                text=text,
                lang=str(obj["lang"]),
                labels=labels,
                source=source,
                title=str(obj["title"]).strip(),
                date=str(obj["date"]).strip(),
                context=dict(obj.get("context") or {}),
            )
        )
    return items


def _load_staged() -> tuple[list[RealItem], list[RealItem]]:
    train = load_train(STAGED_TRAIN_FILE) if STAGED_TRAIN_FILE.exists() else []
    sealed = load_sealed(STAGED_SEALED_FILE) if STAGED_SEALED_FILE.exists() else []
    return train, sealed


def ingest(
    staging: Path | None,
    *,
    dry_run: bool = False,
    stage: bool = False,
    from_staged: bool = False,
    train_only: bool = False,
) -> dict[str, int]:
    """Route ``staging``'s items by the source hash into the corpus; with ``stage`` into the staged files instead
    (checked the same way, not read by training or evaluation); with ``from_staged`` move the staged items in (with
    ``train_only`` only the staged train items: the staged sealed items stay staged)."""
    staged_train, staged_sealed = _load_staged()
    if from_staged:
        new = [*staged_train, *([] if train_only else staged_sealed)]
    else:
        assert staging is not None
        new = parse_staging(staging)
    corpus_train, corpus_sealed = load_train(), load_sealed()
    train, sealed = (staged_train, staged_sealed) if stage else (corpus_train, corpus_sealed)
    known = {text_key(i.text) for i in (*corpus_train, *corpus_sealed)}
    if stage:
        known |= {text_key(i.text) for i in (*staged_train, *staged_sealed)}
    added = {"train": 0, "test": 0, "test_positive": 0, "skipped": 0}
    routed = {
        page_key(i.source): split_of(i.source) for i in (*corpus_train, *corpus_sealed, *train, *sealed)
    }
    for item in new:
        other = routed.setdefault(page_key(item.source), split_of(item.source))
        if other != split_of(item.source):
            raise ValueError(
                f"source {item.source!r}: the same page is already in the corpus under another spelling (http/https, "
                "www., a trailing slash) that routes to the other split: use that spelling or leave the page out"
            )
    for item in new:
        key = text_key(item.text)
        if key in known:  # already in the corpus, in whichever split: never twice, never in both
            added["skipped"] += 1
            continue
        known.add(key)
        if split_of(item.source) == "train":
            train.append(item)
            added["train"] += 1
        else:
            sealed.append(item)
            added["test"] += 1
            added["test_positive"] += bool(item.labels)
    if dry_run:
        return added
    if stage:
        STAGED_TRAIN_FILE.write_text(
            "".join(json.dumps(i.as_dict(), ensure_ascii=False) + "\n" for i in train), "utf-8"
        )
        STAGED_SEALED_FILE.write_text(seal(sealed), encoding="ascii")
        added["train_total"], added["test_total"] = len(train), len(sealed)
        return added
    TRAIN_FILE.write_text("".join(json.dumps(i.as_dict(), ensure_ascii=False) + "\n" for i in train), "utf-8")
    texts = training_texts()
    sealed = mark_novel(sealed, texts)
    SEALED_FILE.write_text(seal(sealed), encoding="ascii")
    if from_staged and train_only:
        STAGED_TRAIN_FILE.write_text("", "utf-8")  # emptied, kept: ``--stage`` adds to it again
    elif from_staged:
        STAGED_TRAIN_FILE.unlink(missing_ok=True)
        STAGED_SEALED_FILE.unlink(missing_ok=True)
    added["train_total"], added["test_total"] = len(train), len(sealed)
    added["test_novel"] = sum(i.novel for i in sealed)
    added["sources"] = len({i.source for i in (*train, *sealed)})
    return added


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("staging", type=Path, nargs="?")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--stage", action="store_true", help="route into the staged files, not the corpus")
    ap.add_argument("--from-staged", action="store_true", help="move the staged items into the corpus")
    ap.add_argument(
        "--train-only", action="store_true", help="with --from-staged: the staged train items only"
    )
    args = ap.parse_args(argv)
    if (args.staging is None) != args.from_staged:
        ap.error("give a staging file, or --from-staged without one")
    if args.train_only and not args.from_staged:
        ap.error("--train-only goes with --from-staged")
    try:
        counts = ingest(
            args.staging,
            dry_run=args.dry_run,
            stage=args.stage,
            from_staged=args.from_staged,
            train_only=args.train_only,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(counts))  # counts only: never a sealed text
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
