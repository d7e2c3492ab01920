"""System.Random with a seed, as .NET computes it (Knuth's subtractive generator), so that the objectives corrupt a text
exactly as the library does: its scoring corruption is seeded by the text's ids, and a loss compares only when both
sides hide the same tokens."""

from typing import List, MutableSequence

INT_MAX = 2_147_483_647
SEED_BASE = 161_803_398


def _int32(value: int) -> int:
    """.NET's unchecked int arithmetic: wraps to [-2^31, 2^31)."""
    return (value + 2**31) % 2**32 - 2**31


class DotNetRandom:
    """new System.Random(seed): Next(), Next(min, max), NextDouble() and Shuffle()."""

    def __init__(self, seed: int) -> None:
        state = [0] * 56
        subtraction = INT_MAX if seed == -2_147_483_648 else abs(seed)
        mj = _int32(SEED_BASE - subtraction)
        state[55] = mj
        mk, ii = 1, 0
        for _ in range(1, 55):
            ii += 21
            if ii >= 55:
                ii -= 55
            state[ii] = mk
            mk = _int32(mj - mk)
            if mk < 0:
                mk += INT_MAX
            mj = state[ii]
        for _ in range(1, 5):
            for i in range(1, 56):
                n = i + 30
                if n >= 55:
                    n -= 55
                state[i] = _int32(state[i] - state[1 + n])
                if state[i] < 0:
                    state[i] += INT_MAX
        self._state: List[int] = state
        self._next, self._next_p = 0, 21

    def _sample_int(self) -> int:
        self._next = 1 if self._next + 1 >= 56 else self._next + 1
        self._next_p = 1 if self._next_p + 1 >= 56 else self._next_p + 1
        value = _int32(self._state[self._next] - self._state[self._next_p])
        if value == INT_MAX:
            value -= 1
        if value < 0:
            value += INT_MAX
        self._state[self._next] = value
        return value

    def next_double(self) -> float:
        return self._sample_int() * (1.0 / INT_MAX)

    def next(self, low: int, high: int) -> int:
        """A value in [low, high); ranges wider than int.MaxValue are not needed here."""
        span = high - low
        if span > INT_MAX:
            raise ValueError("ranges wider than int.MaxValue are not implemented")
        return int(self.next_double() * span) + low

    def shuffle(self, values: MutableSequence) -> None:
        """Random.Shuffle: Fisher-Yates from the front, j = Next(i, n)."""
        n = len(values)
        for i in range(n - 1):
            j = self.next(i, n)
            if j != i:
                values[i], values[j] = values[j], values[i]


def content_seed(ids: List[int]) -> int:
    """The library's FNV-1a digest of a text's ids: the seed of its scoring corruption."""
    value = 2_166_136_261
    for i in ids:
        value = ((value ^ (i & 0xFFFFFFFF)) * 16_777_619) & 0xFFFFFFFF
    return value & 0x7FFFFFFF
