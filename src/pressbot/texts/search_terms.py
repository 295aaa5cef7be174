"""The terms search compares: each word of a text as its stem, in the language of its letters.

A release is written in English, in Russian, or in both, and a reader types either; so a text
and a query alike are lowercased, read with ё as е, split into words (runs of letters and
digits), and each word cut to its stem by the Snowball stemmer of its script: Cyrillic words
by the Russian one ("санкциях", "санкции" -> "санкц"), Latin ones by the English one
("sanctions" -> "sanction"), after dropping their accents ("café" -> "cafe"); a word of
digits, or of another script, stays as it is. The index holds these terms, so the same word
in any form finds the same items, and a query holds nothing but them, so it can't carry
search syntax.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

# PyStemmer: libstemmer's C, some 50 times snowballstemmer's pure Python (bench/stemming.py).
import Stemmer  # type: ignore[import-not-found]

# Letters and digits; "_" parts words, as SQLite's unicode61 tokenizer parts them.
_WORD = re.compile(r"[^\W_]+")
# Accents left apart from their letter once the text is composed (a Russian stress mark:
# "за́мок"); dropped before splitting, so that they don't split a word in two.
_LOOSE_MARKS = re.compile("[\u0300-\u036f]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[a-z]")


class _Stemmers(threading.local):
    """A Russian and an English stemmer for each thread: one may not be used by two threads
    at once (the index is written in aiosqlite's thread, queries are made in the loop's)."""

    def __init__(self) -> None:
        self.russian = Stemmer.Stemmer("russian")
        self.english = Stemmer.Stemmer("english")


_STEMMERS = _Stemmers()


def normalise(text: str) -> str:
    """The text lowercased, composed, ё read as е and loose accents dropped."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return _LOOSE_MARKS.sub("", lowered).replace("ё", "е")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one normalised word, by the stemmer of its letters."""
    if _CYRILLIC.search(word):
        return str(_STEMMERS.russian.stemWord(word)) or word
    if not word.isascii():
        decomposed = unicodedata.normalize("NFD", word)
        word = "".join(char for char in decomposed if not unicodedata.combining(char))
    if _LATIN.search(word):
        return str(_STEMMERS.english.stemWord(word)) or word
    return word


def search_terms(text: str) -> list[str]:
    """The terms of a text, in order: each word's stem."""
    return [stem(word) for word in _WORD.findall(normalise(text))]


def search_text(text: str) -> str:
    """The terms of a text as one string, separated by spaces, for the search index."""
    return " ".join(search_terms(text))
