"""The library's bag of hashed n-grams (Tokenization/HashedNgrams.cs), which a wide-and-deep classifier's head reads
beside the network: lower-cased word n-grams (words are runs of letters and digits; any other non-space character is a
word of its own) and character n-grams of the whitespace-collapsed text, each part's counts scaled to the L2 norm
PART_NORM, hashed with FNV-1a over UTF-16 code units into `buckets` ids. The same bucket ids and float32 weights, in
the same order, as the library computes; docs/MODEL_FOLDER.md describes the algorithm.
`python3 -m mlnet_transformer.ngrams settings.json texts.json out.json` writes the bags of a list of rows, each row one
or two texts given as lists of UTF-16 code units (so that lone surrogates survive JSON)."""

import json
import math
import struct
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from .pretokenize import SPACE_CONTROLS, to_units

FNV_OFFSET, FNV_PRIME, MASK = 2166136261, 16777619, 0xFFFFFFFF
# Seeds keep a word n-gram and a character n-gram of the same letters apart.
WORD_SEED, CHAR_SEED = FNV_OFFSET, FNV_OFFSET ^ 0x9E3779B9
PART_NORM = 10.0
WORD_JOIN, TEXT_START, TEXT_END = "\u0001", "\u0002", "\u0003"
LETTER_OR_DIGIT = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"))
# Letters of Unicode 16 that .NET 10's char.IsLetterOrDigit knows and Python 3.11's Unicode 14 database does not.
NEWER_LETTERS = frozenset("\u1c89\u1c8a\ua7cb\ua7cc\ua7cd\ua7da\ua7db\ua7dc")

Bag = Tuple[List[int], List[float]]


@lru_cache(maxsize=65536)
def is_letter_or_digit(unit: str) -> bool:
    """.NET's char.IsLetterOrDigit of one UTF-16 unit (surrogates are neither)."""
    return unit in NEWER_LETTERS or unicodedata.category(unit) in LETTER_OR_DIGIT


@lru_cache(maxsize=65536)
def is_white_space(unit: str) -> bool:
    """.NET's char.IsWhiteSpace: the separators (Z*) and the controls \\t \\n \\v \\f \\r and U+0085."""
    return unit in SPACE_CONTROLS or unicodedata.category(unit)[0] == "Z"


@lru_cache(maxsize=65536)
def _lower(character: str) -> str:
    # .NET lowers one character to one (simple case mapping): where Python's full mapping gives more (U+0130), it keeps it.
    lowered = character.lower()
    return lowered if len(lowered) == 1 else character


def lower_units(units: str) -> str:
    """.NET's ToLowerInvariant of a unit string: surrogate pairs lowered as one code point, lone surrogates kept."""
    if units.isascii():
        return units.lower()
    out: List[str] = []
    i = 0
    while i < len(units):
        c = units[i]
        if "\ud800" <= c <= "\udbff" and i + 1 < len(units) and "\udc00" <= units[i + 1] <= "\udfff":
            point = chr(0x10000 + ((ord(c) - 0xD800) << 10) + (ord(units[i + 1]) - 0xDC00))
            out.append(to_units(_lower(point)))
            i += 2
            continue
        out.append(_lower(c))
        i += 1
    return "".join(out)


def words(units: str) -> Iterator[str]:
    """Lower-cased words: runs of letters and digits, and each other non-space unit alone."""
    start = -1
    for i in range(len(units) + 1):
        letter = i < len(units) and is_letter_or_digit(units[i])
        if letter and start < 0:
            start = i
        if not letter and start >= 0:
            yield lower_units(units[start:i])
            start = -1
        if i < len(units) and not letter and not is_white_space(units[i]):
            yield _lower(units[i])


def collapsed(units: str) -> str:
    """The text lower-cased, each run of whitespace turned into one space, trimmed."""
    parts: List[str] = []
    start = -1
    for i in range(len(units) + 1):
        space = i == len(units) or is_white_space(units[i])
        if not space and start < 0:
            start = i
        if space and start >= 0:
            parts.append(units[start:i])
            start = -1
    return lower_units(" ".join(parts))


def mix(h: int, unit: str) -> int:
    return ((h ^ ord(unit)) * FNV_PRIME) & MASK


def float32(value: float) -> float:
    """value rounded to the nearest float32, as C#'s (float) cast rounds it."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


@dataclass(frozen=True)
class HashedNgrams:
    """The library's settings (config.json Settings.Ngrams: Buckets, WordLength, CharLength) and its featurisation."""

    buckets: int
    word_length: int
    char_length: int

    @staticmethod
    def from_json(settings: Mapping[str, object]) -> "HashedNgrams":
        missing = [name for name in ("Buckets", "WordLength", "CharLength") if not isinstance(settings.get(name), int)]
        if missing:
            raise ValueError(f"Settings.Ngrams ({dict(settings)}) has no integer {missing[0]}; the library writes Buckets, "
                             "WordLength and CharLength")
        ngrams = HashedNgrams(int(settings["Buckets"]), int(settings["WordLength"]), int(settings["CharLength"]))  # type: ignore[arg-type]
        if ngrams.buckets < 1 or ngrams.word_length < 0 or ngrams.char_length < 0 or ngrams.word_length + ngrams.char_length == 0:
            raise ValueError(f"Settings.Ngrams is invalid ({dict(settings)}): Buckets must be at least 1, WordLength and "
                             "CharLength at least 0 and not both 0")
        return ngrams

    def featurize(self, text: str, second: Optional[str] = None) -> Bag:
        """The bag of one text (or a pair's two texts together): bucket ids and their float32 weights, in the library's order."""
        first_units, second_units = to_units(text), None if second is None else to_units(second)
        bag: Dict[int, float] = {}
        self._add_normalised(bag, self.word_hashes(first_units, second_units))
        self._add_normalised(bag, self.char_hashes(first_units, second_units))
        return list(bag.keys()), list(bag.values())

    def _add_normalised(self, bag: Dict[int, float], hashes: Iterator[int]) -> None:
        part: Dict[int, int] = {}
        for h in hashes:
            bucket = h % self.buckets
            part[bucket] = part.get(bucket, 0) + 1
        if not part:
            return
        scale = PART_NORM / math.sqrt(float(sum(c * c for c in part.values())))
        for bucket, count in part.items():
            # float32 + float32 is exact in a double, so rounding the double sum is the library's float addition.
            bag[bucket] = float32(bag.get(bucket, 0.0) + float32(count * scale))

    def word_hashes(self, text: str, second: Optional[str]) -> Iterator[int]:
        if self.word_length == 0:
            return
        all_words = list(words(text)) + (list(words(second)) if second is not None else [])
        for i in range(len(all_words)):
            h = WORD_SEED
            for n in range(min(self.word_length, len(all_words) - i)):
                if n > 0:
                    h = mix(h, WORD_JOIN)
                for unit in all_words[i + n]:
                    h = mix(h, unit)
                yield h

    def char_hashes(self, text: str, second: Optional[str]) -> Iterator[int]:
        if self.char_length == 0:
            return
        chars = collapsed(text) + ("" if second is None else " " + collapsed(second))
        if not chars:
            return
        chars = TEXT_START + chars + TEXT_END
        for i in range(len(chars) - self.char_length + 1):
            h = CHAR_SEED
            for unit in chars[i: i + self.char_length]:
                h = mix(h, unit)
            yield h


def main(arguments: Sequence[str]) -> None:
    with open(arguments[0], encoding="utf-8") as handle:
        ngrams = HashedNgrams.from_json(json.load(handle))
    with open(arguments[1], encoding="utf-8") as handle:
        rows: List[List[List[int]]] = json.load(handle)
    bags = [ngrams.featurize(*("".join(map(chr, units)) for units in row)) for row in rows]
    with open(arguments[2], "w", encoding="utf-8") as handle:
        json.dump([{"Ids": ids, "Weights": weights} for ids, weights in bags], handle)


if __name__ == "__main__":
    main(sys.argv[1:])
