"""The first or last ids of a text, read in pieces as the library's BoundedEncoding reads it, so that a long text is cut
at the same places and gives the same ids. Positions and lengths count UTF-16 units, as in .NET."""

from typing import Callable, List

from .pretokenize import LETTER, NUMBER, SPACE, _high, _low, kind

LONGEST_RUN = 1024
CHARACTERS_PER_ID = 4

Encode = Callable[[str], List[int]]


def head(units: str, limit: int, encode: Encode) -> List[int]:
    """The first `limit` ids of encode(units), or all of them when fewer."""
    if limit <= 0 or not units:
        return []
    ids: List[int] = []
    position = 0
    while len(ids) < limit and position < len(units):
        end = _head_piece_end(units, position, _want(limit - len(ids)))
        ids.extend(encode(units[position:end]))
        position = end
    return ids[:limit]


def tail(units: str, limit: int, encode: Encode) -> List[int]:
    """The last `limit` ids of encode(units), or all of them when fewer."""
    if limit <= 0 or not units:
        return []
    pieces: List[List[int]] = []
    count, position = 0, len(units)
    while count < limit and position > 0:
        start = _tail_piece_start(units, position, _want(limit - count))
        piece = encode(units[start:position])
        pieces.append(piece)
        count += len(piece)
        position = start
    ids = [i for piece in reversed(pieces) for i in piece]
    return ids[len(ids) - min(limit, len(ids)):]


def _want(ids: int) -> int:
    return min(LONGEST_RUN, max(64, ids * CHARACTERS_PER_ID))


def _space(unit: str) -> bool:
    return kind(unit) == SPACE


def _is_cut(units: str, i: int) -> bool:
    return 0 < i < len(units) and _space(units[i]) and not _space(units[i - 1])


def _is_weak_cut(units: str, i: int) -> bool:
    if i <= 0 or i >= len(units) or units[i] == "|":
        return False
    before, at = kind(units[i - 1]), kind(units[i])
    return (before == LETTER and at != LETTER) or (before == NUMBER and at != NUMBER)


def _head_piece_end(units: str, position: int, want: int) -> int:
    n = len(units)
    if n - position <= want:
        return n
    for i in range(position + want, position, -1):
        if _is_cut(units, i):
            return i
    far = min(n, position + LONGEST_RUN)
    for i in range(position + want + 1, far):
        if _is_cut(units, i):
            return i
    if far == n:
        return far
    for i in range(far - 1, position + want, -1):
        if _is_weak_cut(units, i):
            return i
    return far - 1 if _high(units[far - 1]) and _low(units[far]) else far


def _tail_piece_start(units: str, position: int, want: int) -> int:
    if position <= want:
        return 0
    for i in range(position - want, position):
        if _is_cut(units, i):
            return i
    far = max(0, position - LONGEST_RUN)
    for i in range(position - want - 1, far, -1):
        if _is_cut(units, i):
            return i
    if far == 0:
        return 0
    for i in range(far + 1, position - want):
        if _is_weak_cut(units, i):
            return i
    return far + 1 if _low(units[far]) and _high(units[far - 1]) else far
