"""The real-language corpus: provenance on every item, masked numbers, split by source, test split sealed.

Assertion messages name item ids only, never texts: a failing test must not print the sealed split.
"""

from __future__ import annotations

import re

from faircollect.compliance.linter.corpus.ingest import text_key
from faircollect.compliance.linter.corpus.real import (
    SEALED_FILE,
    STAGED_SEALED_FILE,
    STAGED_TRAIN_FILE,
    load_sealed,
    load_train,
    split_of,
)
from faircollect.compliance.linter.types import CATEGORIES

_UNMASKED = re.compile(r"\d{7,}|\d{3}[- .]\d{3}[- .]\d{4}|[1-9]\d{5}(?:19|20)\d{2}")


def test_every_item_has_provenance_labels_and_a_known_language() -> None:
    for items in (load_train(), load_sealed()):
        assert items
        for i in items:
            assert i.source.startswith("http") and i.title and i.date, i.id
            assert i.lang in ("zh", "en"), i.id
            assert all(label in CATEGORIES for label in i.labels), i.id


def test_numbers_that_could_identify_a_person_are_masked() -> None:
    bad = [i.id for i in (*load_train(), *load_sealed()) if _UNMASKED.search(i.text)]
    assert bad == []


def test_the_split_is_by_source_and_no_source_is_in_both() -> None:
    train, test = load_train(), load_sealed()
    assert all(split_of(i.source) == "train" for i in train)
    assert all(split_of(i.source) == "test" for i in test)
    assert not {i.source for i in train} & {i.source for i in test}


def test_the_sealed_file_shows_no_text() -> None:
    raw = SEALED_FILE.read_text(encoding="ascii")  # ASCII only: no Chinese text in it
    body = "".join(line for line in raw.splitlines() if not line.startswith("#"))
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", body)  # base64: no spaces, no Chinese, no sentence


def test_both_languages_have_positives_and_hard_negatives_in_each_split() -> None:
    for items in (load_train(), load_sealed()):
        for lang in ("zh", "en"):
            assert any(i.lang == lang and i.labels for i in items)
            assert any(i.lang == lang and not i.labels for i in items)


def test_staged_items_meet_the_same_checks_and_are_not_yet_in_the_corpus() -> None:
    staged_train, staged_test = load_train(STAGED_TRAIN_FILE), load_sealed(STAGED_SEALED_FILE)
    assert staged_train and staged_test
    for i in (*staged_train, *staged_test):
        assert i.source.startswith("http") and i.title and i.date, i.id
        assert i.lang in ("zh", "en") and all(label in CATEGORIES for label in i.labels), i.id
        assert not _UNMASKED.search(i.text), i.id
    assert all(split_of(i.source) == "train" for i in staged_train)
    assert all(split_of(i.source) == "test" for i in staged_test)
    corpus = {text_key(i.text) for i in (*load_train(), *load_sealed())}
    assert not [i.id for i in (*staged_train, *staged_test) if text_key(i.text) in corpus]
