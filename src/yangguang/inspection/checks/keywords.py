"""Gambling and pornography keywords (the packaged ``keywords.toml``, extended by a deployment), found with one
Aho–Corasick pass over a text, case-insensitively."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ahocorasick

KIND_NAMES = {"gambling": "博彩", "pornography": "色情"}


class KeywordMatcher:
    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        for kind, words in keywords.items():
            for word in words:
                if word.strip():
                    self._automaton.add_word(word.strip().lower(), (word.strip(), kind))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[tuple[str, str]]:
        """The distinct (keyword, kind) pairs in ``text``, in order of first occurrence."""
        if self._empty or not text:
            return []
        found: dict[str, str] = {}
        for _, (word, kind) in self._automaton.iter(text.lower()):
            found.setdefault(word, kind)
        return list(found.items())


def describe(matches: Iterable[tuple[str, str]]) -> str:
    """"博彩关键词“百家乐”、色情关键词“裸聊”"."""
    return "、".join(f"{KIND_NAMES.get(kind, kind)}关键词“{word}”" for word, kind in matches)
