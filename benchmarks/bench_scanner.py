"""The confidentiality scanner against a plain regular-expression alternation over the same word list.

Issue target: at least 50 MB/s of Chinese text with a 10,000-word list on one core, and at least 5
times faster than a plain regular-expression alternation over the same list, same run.

The text and the list come from ``scanner_corpus.py`` (deterministic: fixed seeds). Both sides run
in this one process and thread (one core; ``--cpu N`` pins it to processor N), over the same text,
taking turns so that changes in the machine's load hit them alike; the best run of each counts:

* Yangguang: ``Scanner(words).scan(text)``, the whole scan as the ``scan`` command does it — the
  automaton pass over words and markings, the marking and address rules, the digit-run regex with ID,
  mobile and card validation, and the findings with line, column and masked excerpts;
* the peer: ``re.compile("|".join(map(re.escape, words)))`` with ``finditer`` over the text, plus the
  scanner's own digit-run regex (``NUMBER_RUN.finditer``) over the same text, so that both sides look
  for the same things; the peer only finds matches (no validation, no markings, no excerpts).

Throughput is the text's size in UTF-8 bytes over the seconds taken (wall clock; the process's CPU time
is reported beside it, since other work on the machine slows the wall clock down). As context, not
part of the comparison: the same scan with the keys inserted in the list's own order instead of
common characters first (``character_order``), and pyahocorasick walking the text's characters
instead of its UTF-8 bytes, on the first million characters.

    .venv/bin/python -m benchmarks.bench_scanner [--megabytes 30] [--words 10000] [--repeats 10]
        [--peer-repeats 1] [--cpu N]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file (python benchmarks/bench_scanner.py): the root must be importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ahocorasick  # noqa: E402

from benchmarks.common import save  # noqa: E402
from benchmarks.scanner_corpus import corpus, word_list  # noqa: E402
from yangguang.disclosure import scanner as scanner_module  # noqa: E402
from yangguang.disclosure.scanner import NUMBER_RUN, Scanner  # noqa: E402

TARGET_MB_S = 50.0
TARGET_RATIO = 5.0


class Timing:
    """Best wall-clock and CPU seconds of one contender over its runs, and its last result."""

    def __init__(self, function: Callable[[], object]) -> None:
        self.function = function
        self.wall = self.cpu = float("inf")
        self.result: object = None

    def run(self) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.result = self.function()
        self.wall = min(self.wall, time.perf_counter() - wall)
        self.cpu = min(self.cpu, time.process_time() - cpu)


def interleaved(repeats: int, *timings: Timing) -> None:
    """Run the contenders in turn ``repeats`` times, so that changes in the machine's load hit them alike."""
    for _ in range(repeats):
        for timing in timings:
            timing.run()


def peer(alternation: re.Pattern[str], text: str) -> tuple[int, int]:
    """The regular-expression peer: word matches and digit runs, counted."""
    words = sum(1 for _ in alternation.finditer(text))
    runs = sum(1 for _ in NUMBER_RUN.finditer(text))
    return words, runs


def unordered_scanner(words: list[str]) -> Scanner:
    """A scanner whose automaton got its keys in the word list's order (no character ranks)."""
    ranked = scanner_module.insertion_order
    scanner_module.insertion_order = lambda key: 0
    try:
        return Scanner(words)
    finally:
        scanner_module.insertion_order = ranked


def characters_automaton(words: list[str], text: str) -> float:
    """Seconds for pyahocorasick over the characters of ``text`` (keys as str, not UTF-8 bytes)."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, len(word))
    automaton.make_automaton()
    start = time.process_time()
    sum(1 for _ in automaton.iter(text))
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=30.0, help="size of the text (UTF-8)")
    parser.add_argument("--words", type=int, default=10_000, help="size of the sensitive-word list")
    parser.add_argument("--repeats", type=int, default=10, help="runs of the scanner in all (best counts)")
    parser.add_argument("--peer-repeats", type=int, default=1, help="runs of the regular-expression peer")
    parser.add_argument("--cpu", type=int, default=None, help="processor to pin the process to")
    args = parser.parse_args()

    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    started = time.perf_counter()
    words = word_list(args.words)
    text = corpus(args.megabytes, words)
    size = len(text.encode("utf-8"))
    print(f"text: {size / 1e6:.1f} MB, {len(text):,} characters, {len(set(text)):,} distinct; "
          f"{len(words):,} words; generated in {time.perf_counter() - started:.1f} s")
    load_before = os.getloadavg()[0]

    started = time.perf_counter()
    scanner = Scanner(words)
    build = time.perf_counter() - started
    ours = Timing(lambda: scanner.scan(text))
    unordered = unordered_scanner(words)
    list_order = Timing(lambda: unordered.scan(text))
    alternation = re.compile("|".join(map(re.escape, words)))
    regex_peer = Timing(lambda: peer(alternation, text))
    interleaved(args.peer_repeats, ours, list_order, regex_peer)
    interleaved(args.repeats - args.peer_repeats, ours, list_order)
    ours_wall, ours_cpu, result = ours.wall, ours.cpu, ours.result
    unordered_wall, unordered_cpu = list_order.wall, list_order.cpu
    peer_wall, peer_cpu, peer_counts = regex_peer.wall, regex_peer.cpu, regex_peer.result
    sample = text[:1_000_000]
    characters = characters_automaton(words, sample)

    counts = result.counts()
    load_after = os.getloadavg()[0]
    print(f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} processors")
    rows = [
        ("Yangguang Scanner.scan (automaton over UTF-8 bytes)", ours_wall, ours_cpu,
         f"{len(result.findings):,} findings, {result.near_misses} near misses"),
        ("regex alternation + digit-run regex (peer)", peer_wall, peer_cpu,
         f"{peer_counts[0]:,} word matches, {peer_counts[1]:,} digit runs"),
    ]
    print(f"\n{'':55} {'best s':>8} {'MB/s':>8} {'MB/s CPU':>9}")
    for name, wall, cpu_s, note in rows:
        print(f"{name:55} {wall:8.3f} {size / 1e6 / wall:8.1f} {size / 1e6 / cpu_s:9.1f}  {note}")
    print(f"{'context: the same scan, keys in the list order':55} {unordered_wall:8.3f} "
          f"{size / 1e6 / unordered_wall:8.1f} {size / 1e6 / unordered_cpu:9.1f}")
    sample_mb = len(sample.encode("utf-8")) / 1e6
    print(f"{'context: pyahocorasick over characters, first 1M chars':55} {characters:8.3f} "
          f"{'':8} {sample_mb / characters:9.1f}")
    ours_mb_s, ratio = size / 1e6 / ours_wall, peer_wall / ours_wall
    print(f"\nfindings by kind: {counts}; automaton built in {build:.2f} s")
    verdict = "met" if ours_mb_s >= TARGET_MB_S else "NOT met"
    print(f"Yangguang {ours_mb_s:.1f} MB/s (target >= {TARGET_MB_S:.0f}): {verdict}")
    print(f"ratio {ratio:.1f}x the regex peer (target >= {TARGET_RATIO:.0f}x): "
          f"{'met' if ratio >= TARGET_RATIO else 'NOT met'}  (CPU time ratio {peer_cpu / ours_cpu:.1f}x)")

    saved = save("scanner", {
        "megabytes": round(size / 1e6, 2), "characters": len(text), "distinct_characters": len(set(text)),
        "words": len(words), "repeats": args.repeats, "peer_repeats": args.peer_repeats, "pinned_cpu": args.cpu,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "build_seconds": round(build, 3),
        "yangguang": {"seconds": round(ours_wall, 4), "cpu_seconds": round(ours_cpu, 4),
                      "mb_per_s": round(ours_mb_s, 1), "mb_per_s_cpu": round(size / 1e6 / ours_cpu, 1),
                      "findings": counts, "near_misses": result.near_misses},
        "regex_peer": {"seconds": round(peer_wall, 3), "cpu_seconds": round(peer_cpu, 3),
                       "mb_per_s": round(size / 1e6 / peer_wall, 2), "word_matches": peer_counts[0],
                       "digit_runs": peer_counts[1]},
        "list_order": {"seconds": round(unordered_wall, 4), "cpu_seconds": round(unordered_cpu, 4),
                       "mb_per_s": round(size / 1e6 / unordered_wall, 1),
                       "mb_per_s_cpu": round(size / 1e6 / unordered_cpu, 1)},
        "characters_automaton_mb_per_s_cpu": round(sample_mb / characters, 1),
        "ratio": round(ratio, 1), "ratio_cpu": round(peer_cpu / ours_cpu, 1),
        "target_mb_per_s": TARGET_MB_S, "target_ratio": TARGET_RATIO,
    })
    print("saved", saved)


if __name__ == "__main__":
    main()
