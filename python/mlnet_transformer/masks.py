"""Which keys a query may see, as the library decides it: padded keys (bool [B, Tk], True = padding), the causal rule,
and the sliding-window band. Forbidden pairs get -1e9 rather than -inf, so rows that see nothing stay finite."""

from dataclasses import dataclass
from typing import Optional

import torch

FORBIDDEN = -1e9


@dataclass(frozen=True)
class Mask:
    """The restrictions of one attention call; queries start at key position 0."""

    key_padding: Optional[torch.Tensor] = None
    causal: bool = False


def forbidden(mask: Mask, query_length: int, key_length: int, window: Optional[int] = None, global_tokens: int = 0,
              device: Optional[torch.device] = None) -> Optional[torch.Tensor]:
    """Bool [B or 1, 1, Tq, Tk] of forbidden pairs (None when nothing is), with the sliding-window band when a window is given."""
    i = torch.arange(query_length, device=device).unsqueeze(1)
    j = torch.arange(key_length, device=device).unsqueeze(0)
    result = None
    if mask.causal:
        result = j > i
    if window is not None:
        distance = i - j
        near = (distance >= 0) & (distance <= window) if mask.causal else distance.abs() <= window
        allowed = near | (j < global_tokens) | (i < global_tokens)
        result = ~allowed if result is None else result | ~allowed
    if result is not None:
        result = result.view(1, 1, query_length, key_length)
    if mask.key_padding is not None:
        padding = mask.key_padding.view(mask.key_padding.shape[0], 1, 1, key_length)
        result = padding if result is None else result | padding
    return result


def additive(forbidden_pairs: Optional[torch.Tensor], dtype: torch.dtype) -> Optional[torch.Tensor]:
    """0 where allowed, -1e9 where forbidden."""
    if forbidden_pairs is None:
        return None
    return torch.zeros(forbidden_pairs.shape, dtype=dtype, device=forbidden_pairs.device).masked_fill(forbidden_pairs, FORBIDDEN)
