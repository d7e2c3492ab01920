"""Byte-level BPE as the library builds it on Microsoft.ML.Tokenizers: each UTF-8 byte is one printable character
(GPT-2's alphabet), a token is a string of those, and merges apply by rank within one pre-token."""

from typing import Dict, List, Sequence, Tuple


def _alphabet() -> List[str]:
    # Printable Latin-1 bytes stand for themselves; the others (controls, space, soft hyphen) move to 256 and up.
    table, moved = [], 0
    for b in range(256):
        printable = ord("!") <= b <= ord("~") or 0xA1 <= b <= 0xAC or b >= 0xAE
        table.append(chr(b) if printable else chr(256 + moved))
        moved += 0 if printable else 1
    return table


BYTE_TO_CHAR = _alphabet()


def vocabulary_from_merges(merges: Sequence[Tuple[str, str]]) -> Dict[str, int]:
    """The 256 bytes at ids 0..255, then each merge's result in order (a token spelled twice keeps its first id)."""
    vocabulary = {BYTE_TO_CHAR[b]: b for b in range(256)}
    for left, right in merges:
        vocabulary.setdefault(left + right, len(vocabulary))
    return vocabulary


class BytePairEncoding:
    """Pre-token bytes -> ids: the lowest-ranked adjacent pair is merged everywhere (left to right) until none is left."""

    def __init__(self, vocabulary: Dict[str, int], merges: Sequence[Tuple[str, str]]) -> None:
        self.vocabulary = vocabulary
        self.ranks: Dict[Tuple[str, str], int] = {}
        for rank, pair in enumerate(merges):
            self.ranks.setdefault(pair, rank)
        self.cache: Dict[bytes, List[int]] = {}

    def encode(self, data: bytes) -> List[int]:
        cached = self.cache.get(data)
        if cached is None:
            cached = [self.vocabulary[s] for s in self._merge([BYTE_TO_CHAR[b] for b in data])]
            if len(self.cache) < 100_000:
                self.cache[data] = cached
        return cached

    def _merge(self, symbols: List[str]) -> List[str]:
        while len(symbols) > 1:
            rank, pair = min((self.ranks.get(p, len(self.ranks)), p) for p in zip(symbols, symbols[1:]))
            if rank == len(self.ranks):
                break
            merged: List[str] = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                    merged.append(pair[0] + pair[1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        return symbols
