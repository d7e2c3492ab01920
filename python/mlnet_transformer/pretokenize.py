"""The library's pre-tokenizer (GPT-2's pattern, as .NET's regex engine applies it) on UTF-16 code units, so that a
character outside the Basic Multilingual Plane is two "other" units, as it is for .NET, not one letter or symbol.
Texts here are "unit strings": one Python character per UTF-16 code unit (see to_units)."""

import unicodedata
from array import array
from functools import lru_cache
from typing import List

LETTER, NUMBER, SPACE, OTHER = "L", "N", "S", "O"
CONTRACTIONS = ("s", "t", "re", "ve", "m", "ll", "d")
# .NET's \s: the separators (Z*) and these controls.
SPACE_CONTROLS = frozenset("\t\n\v\f\r\x85")
REPLACEMENT = "\ufffd"


def to_units(text: str) -> str:
    """A Python string -> one character per UTF-16 code unit (astral characters become their surrogate pair)."""
    if all(ord(c) < 0x10000 for c in text):
        return text
    codes = array("H")
    codes.frombytes(text.encode("utf-16-le", "surrogatepass"))
    return "".join(map(chr, codes))


def utf8(units: str) -> bytes:
    """A unit string whose surrogates are paired (see replace_lone_surrogates) -> its UTF-8 bytes."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le").encode("utf-8")


def _high(c: str) -> bool:
    return "\ud800" <= c <= "\udbff"


def _low(c: str) -> bool:
    return "\udc00" <= c <= "\udfff"


def replace_lone_surrogates(units: str) -> str:
    """Every unpaired surrogate becomes U+FFFD, as the library does before encoding."""
    if not any("\ud800" <= c <= "\udfff" for c in units):
        return units
    out: List[str] = []
    i = 0
    while i < len(units):
        c = units[i]
        if _high(c) and i + 1 < len(units) and _low(units[i + 1]):
            out.append(units[i: i + 2])
            i += 2
            continue
        out.append(REPLACEMENT if "\ud800" <= c <= "\udfff" else c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def kind(unit: str) -> str:
    """The class of one UTF-16 unit for the pattern: letter, number, .NET whitespace, or other (surrogates are other)."""
    category = unicodedata.category(unit)
    if unit in SPACE_CONTROLS or category[0] == "Z":
        return SPACE
    if category in ("Lu", "Ll", "Lt", "Lm", "Lo"):
        return LETTER
    if category[0] == "N":
        return NUMBER
    return OTHER


def _run(units: str, start: int, wanted: str) -> int:
    end = start
    while end < len(units) and kind(units[end]) == wanted:
        end += 1
    return end


def pretokenize(units: str) -> List[str]:
    """The pre-tokens of 's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+, in order."""
    pieces: List[str] = []
    i, n = 0, len(units)
    while i < n:
        end = _match(units, i, n)
        pieces.append(units[i:end])
        i = end
    return pieces


def _match(units: str, i: int, n: int) -> int:
    c = units[i]
    if c == "'":
        for suffix in CONTRACTIONS:
            if units.startswith(suffix, i + 1):
                return i + 1 + len(suffix)
    # " ?X+" for X in letters, numbers, others: tried in the pattern's order.
    for wanted in (LETTER, NUMBER, OTHER):
        if c == " " and i + 1 < n and kind(units[i + 1]) == wanted:
            return _run(units, i + 1, wanted)
        if kind(c) == wanted:
            return _run(units, i, wanted)
    end = _run(units, i, SPACE)
    # \s+(?!\S): a run followed by a non-space gives up its last unit, unless that leaves nothing (then \s+ takes it).
    if end < n and end - i >= 2:
        return end - 1
    return end
