"""Token embeddings and the three position signals (sinusoidal and learned tables; rotary lives in rotary.py)."""

import math
from typing import Optional

import torch
from torch import nn

from .options import ModelOptions


def angles(length: int, dimension: int) -> torch.Tensor:
    """pos / 10000^(2i/d) for positions 0..length-1 and i = 0..ceil(d/2)-1, float64 [length, ceil(d/2)]."""
    position = torch.arange(length, dtype=torch.float64).unsqueeze(1)
    even_index = torch.arange(0, dimension, 2, dtype=torch.float64)
    return position * torch.exp(even_index * (-math.log(10000.0) / dimension)).unsqueeze(0)


def sinusoidal_table(length: int, dimension: int) -> torch.Tensor:
    """The fixed table of "Attention Is All You Need", computed in float64 and returned as float32 [length, dimension]."""
    angle = angles(length, dimension)
    table = torch.zeros(length, dimension, dtype=torch.float64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle)[:, : dimension // 2]
    return table.to(torch.float32)


class TokenEmbedding(nn.Module):
    """Token ids -> vectors, scaled by sqrt(d_model) when the options say so."""

    def __init__(self, vocabulary_size: int, dimension: int, scale: bool) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(vocabulary_size, dimension))
        self.scale = math.sqrt(dimension) if scale else 1.0

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.weight.index_select(0, ids.reshape(-1)).view(*ids.shape, self.weight.shape[1])
        return x if self.scale == 1.0 else x * self.scale


class SinusoidalPositions(nn.Module):
    """The sinusoidal table; not state (a non-persistent buffer), recomputed for longer sequences when allowed."""

    def __init__(self, max_length: int, dimension: int) -> None:
        super().__init__()
        self.register_buffer("table", sinusoidal_table(max_length, dimension), persistent=False)

    def at(self, offset: int, length: int) -> torch.Tensor:
        if offset + length <= self.table.shape[0]:
            return self.table[offset: offset + length]
        return sinusoidal_table(offset + length, self.table.shape[1]).to(self.table.device)[offset:]


class LearnedPositions(nn.Module):
    """One trained vector per position."""

    def __init__(self, max_length: int, dimension: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(max_length, dimension))

    def at(self, offset: int, length: int) -> torch.Tensor:
        return self.weight[offset: offset + length]


def position_table(options: ModelOptions) -> Optional[nn.Module]:
    """The additive table of the options, or None (no positions, or rotary ones applied inside attention)."""
    if options.positional_encoding == "Sinusoidal":
        return SinusoidalPositions(options.max_length, options.model_dimension)
    if options.positional_encoding == "Learned":
        return LearnedPositions(options.max_length, options.model_dimension)
    return None


def check_length(length: int, options: ModelOptions) -> None:
    """Refuses sequences longer than MaxLength unless the options allow extrapolation, as the library does."""
    if length > options.max_length and not options.allow_length_extrapolation:
        raise ValueError(f"Sequence length ({length}) exceeds MaxLength ({options.max_length})")
