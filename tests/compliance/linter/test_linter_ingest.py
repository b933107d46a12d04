"""Adding real items: provenance and masking checked per line, split by a hash of the source, duplicates skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import faircollect.compliance.linter.corpus.ingest as ing
from faircollect.compliance.linter.corpus import real
from faircollect.compliance.linter.corpus.ingest import mark_novel, parse_staging, text_key
from faircollect.compliance.linter.corpus.real import RealItem, load_sealed, load_train, source_key, split_of


def _write(tmp_path: Path, *rows: dict[str, object]) -> Path:
    p = tmp_path / "staging.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return p


def _corpus_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, copy: bool
) -> tuple[Path, Path, Path, Path]:
    """Point the ingest step at corpus files under ``tmp_path`` (a copy of the committed corpus, or empty); returns
    the train, sealed, staged train and staged sealed paths."""
    train, sealed = tmp_path / "train.jsonl", tmp_path / "test.sealed"
    staged_train, staged_sealed = tmp_path / "staged_train.jsonl", tmp_path / "staged_test.sealed"
    train.write_text(real.TRAIN_FILE.read_text("utf-8") if copy else "", "utf-8")
    sealed.write_text(real.SEALED_FILE.read_text("ascii") if copy else real.seal([]), "ascii")
    for name, path in (
        ("TRAIN_FILE", train),
        ("SEALED_FILE", sealed),
        ("STAGED_TRAIN_FILE", staged_train),
        ("STAGED_SEALED_FILE", staged_sealed),
    ):
        monkeypatch.setattr(ing, name, path)
    monkeypatch.setattr(ing, "load_train", lambda path=train: real.load_train(path))
    monkeypatch.setattr(ing, "load_sealed", lambda path=sealed: real.load_sealed(path))
    return train, sealed, staged_train, staged_sealed


_OK = {
    "text": "请于本月底前还款",
    "lang": "zh",
    "labels": [],
    "source": "https://example.org/a",
    "title": "t",
    "date": "unknown",
}


def test_a_line_without_provenance_is_refused_naming_the_line_and_field(tmp_path: Path) -> None:
    bad = {**_OK, "source": ""}
    with pytest.raises(ValueError, match=r"line 2, field 'source'"):
        parse_staging(_write(tmp_path, _OK, bad))


def test_an_unmasked_phone_number_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"line 1, field 'text': an unmasked number"):
        parse_staging(_write(tmp_path, {**_OK, "text": "请致电 13812345678 还款"}))


def test_an_unknown_label_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown"):
        parse_staging(_write(tmp_path, {**_OK, "labels": ["rudeness"]}))


def test_two_transcriptions_of_one_message_share_a_key() -> None:
    assert text_key("你好，再不还钱！") == text_key("你好,再不还钱!")
    assert text_key("Pay  now") == text_key("pay now")
    assert text_key("再不还钱") != text_key("再不还款")


def test_no_text_of_the_corpus_is_in_both_splits_or_twice() -> None:
    keys = [text_key(i.text) for i in (*load_train(), *load_sealed())]
    assert len(keys) == len(set(keys))  # counts only: the sealed texts are never shown


def test_the_split_is_the_source_hash_not_the_content(tmp_path: Path) -> None:
    items = parse_staging(_write(tmp_path, _OK, {**_OK, "text": "他人", "labels": ["insult"]}))
    assert {split_of(i.source) for i in items} == {split_of("https://example.org/a")}


def test_only_positives_far_from_every_training_text_are_novel() -> None:
    def item(text: str, labels: tuple[str, ...]) -> RealItem:
        return RealItem("x", text, "zh", labels, "https://example.org/b", "t", "unknown")

    marked = mark_novel(
        [
            item("明天上门找你算账", ("visit_threat",)),
            item("完全不同的一句话内容", ("insult",)),
            item("完全不同", ()),
        ],
        ["明天上门找你算账"],
    )
    assert [i.novel for i in marked] == [False, True, False]


def test_items_can_be_staged_and_later_moved_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    train, sealed, staged_train, staged_sealed = _corpus_in(tmp_path, monkeypatch, copy=True)
    sources = {
        split_of(f"https://example.org/staged/{k}"): f"https://example.org/staged/{k}" for k in range(40)
    }
    rows = [
        {**_OK, "text": "请于本月十五日前还款，谢谢", "source": sources["train"]},
        {**_OK, "text": "请于本月二十日前还款，谢谢", "source": sources["test"]},
    ]
    p = _write(tmp_path, *rows)
    before = (train.read_text("utf-8"), sealed.read_text("ascii"))

    assert ing.ingest(p, stage=True) == {
        "train": 1,
        "test": 1,
        "test_positive": 0,
        "skipped": 0,
        "train_total": 1,
        "test_total": 1,
    }
    assert (train.read_text("utf-8"), sealed.read_text("ascii")) == before  # the corpus is untouched
    assert ing.ingest(p, stage=True)["skipped"] == 2  # staged once, never twice

    moved = ing.ingest(None, from_staged=True)
    assert (moved["train"], moved["test"]) == (1, 1)
    assert not staged_train.exists() and not staged_sealed.exists()
    assert len(real.load_train(train)) == len(real.load_train(real.TRAIN_FILE)) + 1
    assert len(real.load_sealed(sealed)) == len(real.load_sealed(real.SEALED_FILE)) + 1


def test_two_spellings_of_one_address_route_to_one_split() -> None:
    # A page's address written with upper- or lower-case percent-encoding, decoded, or with a fragment or an
    # upper-case host is one source: before source_key, the hash of the raw string could send one page to both
    # splits (seen with a lawyer's page whose two spellings routed to train and to the sealed side).
    page = "https://Example.ORG/%E5%BE%8B%E5%B8%AB/article?id=%E5%82%AC"
    spellings = [
        page,
        page.replace("%E5%BE%8B%E5%B8%AB", "%e5%be%8b%e5%b8%ab"),
        "https://example.org/律師/article?id=催",
        page + "#comments",
        "  " + page + "\n",
    ]
    assert len({source_key(s) for s in spellings}) == 1
    # ... and many such pages do not all share one split by accident
    splits = {split_of(f"https://example.org/%E5%BE%8B/{k}") for k in range(40)}
    assert splits == {"train", "test"}
    for k in range(40):
        assert split_of(f"https://example.org/%E5%BE%8B/{k}") == split_of(
            f"https://example.org/%e5%be%8b/{k}"
        )


def test_the_staged_train_items_can_be_moved_in_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``--from-staged --train-only``: the staged train items join real_train.jsonl; the staged sealed items stay
    # staged, untouched, and the emptied staged train file is kept for the next ``--stage``
    train, sealed, staged_train, staged_sealed = _corpus_in(tmp_path, monkeypatch, copy=True)
    sources = {
        split_of(f"https://example.org/staged/{k}"): f"https://example.org/staged/{k}" for k in range(40)
    }
    rows = [
        {**_OK, "text": "请于本月十五日前还款，谢谢", "source": sources["train"]},
        {**_OK, "text": "请于本月二十日前还款，谢谢", "source": sources["test"]},
    ]
    ing.ingest(_write(tmp_path, *rows), stage=True)
    sealed_before, staged_sealed_before = sealed.read_text("ascii"), staged_sealed.read_text("ascii")

    moved = ing.ingest(None, from_staged=True, train_only=True)
    assert (moved["train"], moved["test"]) == (1, 0)
    assert staged_train.read_text("utf-8") == "" and staged_sealed.read_text("ascii") == staged_sealed_before
    assert len(real.load_train(train)) == len(real.load_train(real.TRAIN_FILE)) + 1
    assert len(real.load_sealed(sealed)) == len(real.load_sealed(real.SEALED_FILE))
    assert sealed_before  # the sealed split keeps its items (its ``novel`` marks are recomputed)


def test_a_page_already_in_the_corpus_under_a_spelling_of_the_other_split_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # http/https, www. and a trailing slash are one page to a reader but not to source_key (folding them would move
    # committed sources between the splits): seen when a page staged from https:// was also reachable as http://,
    # which hashes to the sealed side. The ingest step refuses the second spelling instead of splitting the page.
    _corpus_in(tmp_path, monkeypatch, copy=False)
    pages = [f"example.org/page/{k}" for k in range(200)]
    mixed = next(p for p in pages if split_of("https://" + p) != split_of("http://www." + p + "/"))
    same = next(p for p in pages if split_of("https://" + p) == split_of("http://" + p))
    first = _write(
        tmp_path, {**_OK, "source": "https://" + mixed}, {**_OK, "text": "谢谢", "source": "https://" + same}
    )
    assert ing.ingest(first)["skipped"] == 0
    again = tmp_path / "again.jsonl"
    again.write_text(
        json.dumps({**_OK, "text": "请尽快还款", "source": "http://www." + mixed + "/"}) + "\n", "utf-8"
    )
    with pytest.raises(ValueError, match="already in the corpus under another spelling"):
        ing.ingest(again)
    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps({**_OK, "text": "请尽快还款", "source": "http://" + same}) + "\n", "utf-8")
    assert (
        ing.ingest(ok)[split_of("http://" + same)] == 1
    )  # a spelling that routes alike is the same page: fine


def test_no_page_of_the_corpus_is_in_both_splits_under_two_spellings() -> None:
    train = [*load_train(), *(load_train(real.STAGED_TRAIN_FILE) if real.STAGED_TRAIN_FILE.exists() else [])]
    test = [
        *load_sealed(),
        *(load_sealed(real.STAGED_SEALED_FILE) if real.STAGED_SEALED_FILE.exists() else []),
    ]
    both = {real.page_key(i.source) for i in train} & {real.page_key(i.source) for i in test}
    assert len(both) == 0  # a count only: the sealed sources are never printed
