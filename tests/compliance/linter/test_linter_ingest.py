"""Adding real items: provenance and masking checked per line, split by a hash of the source, duplicates skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faircollect.compliance.linter.corpus.ingest import mark_novel, parse_staging, text_key
from faircollect.compliance.linter.corpus.real import RealItem, load_sealed, load_train, split_of


def _write(tmp_path: Path, *rows: dict[str, object]) -> Path:
    p = tmp_path / "staging.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return p


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
