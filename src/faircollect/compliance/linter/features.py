"""The classifier's features, shared by training (``train.py``) and inference (``classifier.py``).

A sentence becomes a set of strings, read from the normalised views (``normalise.py``), so disguises do not hide
them: Chinese character 2- and 3-grams of the compact view (simplified; 您 read as 你, so politeness is not learned
as lawfulness; single characters are left out for the same reason), Chinese words (``#`` + word), and English
words and word pairs of the word view.

Chinese words come from jieba: at training time jieba segments the training texts and every word of two or more
characters seen at least twice becomes the word lexicon, stored in the model file. At inference the lexicon is
matched with an Aho-Corasick automaton (jieba itself is too slow for 20,000 messages a second), and training uses
the same matcher, so both see exactly the same features.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

import ahocorasick

_ASCII = re.compile(r"[\x00-\x7f]+")


def cjk_of(compact: str) -> str:
    """The non-ASCII characters of a compact view, with 您 read as 你."""
    return _ASCII.sub("", compact).replace("您", "你")


def lexicon_automaton(words: Iterable[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, "#" + w)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def sentence_features(compact: str, words: str, lexicon: ahocorasick.Automaton) -> set[str]:
    """Features of one sentence given its compact-view and word-view slices."""
    cjk = cjk_of(compact)
    n = len(cjk)
    feats = {cjk[i : i + 2] for i in range(n - 1)}
    feats.update(cjk[i : i + 3] for i in range(n - 2))
    if n > 1 and len(lexicon):
        feats.update(w for _end, w in lexicon.iter(cjk))
    latin = [w for w in words.split() if w.isascii() and not w.isdigit()]
    if latin:
        feats.update(latin)
        feats.update(f"{a} {b}" for a, b in pairwise(latin))
    return feats


def jieba_words(texts: Iterable[str], min_count: int = 2) -> list[str]:
    """Training only: the words jieba finds (two or more characters) in at least ``min_count`` texts."""
    import jieba

    jieba.setLogLevel(60)  # no "Building prefix dict" chatter on stderr
    counts: dict[str, int] = {}
    for t in texts:
        for w in set(jieba.lcut(cjk_of(t), HMM=True)):
            if len(w) >= 2:
                counts[w] = counts.get(w, 0) + 1
    return sorted(w for w, c in counts.items() if c >= min_count)
