"""Multi-head attention as the library computes it: fused projections (qkv for self-attention, query + kv for
cross-attention), full softmax attention, the sliding-window band (here as a mask over full attention, which gives the
same numbers as the library's blockwise form), and kernel-based linear attention with phi(x) = elu(x) + 1."""

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .masks import Mask, additive, forbidden
from .options import ModelOptions
from .rotary import rotate

LINEAR_EPSILON = 1e-6


class MultiHeadAttention(nn.Module):
    """Self-attention (qkv: D -> 3D) or cross-attention (query: D -> D, kv: D -> 2D); output: D -> D."""

    def __init__(self, options: ModelOptions, is_cross: bool) -> None:
        super().__init__()
        d = options.model_dimension
        self.heads, self.head_dimension = options.heads, options.head_dimension
        self.dropout = options.attention_dropout
        self.variant = "Full" if is_cross and options.attention == "SlidingWindow" else options.attention
        self.window, self.global_tokens = options.attention_window, options.global_tokens
        self.rotary = not is_cross and options.positional_encoding == "Rotary"
        if is_cross:
            self.query = nn.Linear(d, d)
            self.kv = nn.Linear(d, 2 * d)
        else:
            self.qkv = nn.Linear(d, 3 * d)
        self.output = nn.Linear(d, d)

    def self_attention(self, x: torch.Tensor, mask: Mask) -> torch.Tensor:
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, self.head_dimension).permute(2, 0, 3, 1, 4).unbind(0)
        if self.rotary:
            q, k = rotate(q), rotate(k)
        return self._merge(self._attend(q, k, v, mask))

    def cross_attention(self, x: torch.Tensor, memory: torch.Tensor, mask: Mask) -> torch.Tensor:
        b, t, _ = x.shape
        s = memory.shape[1]
        q = self.query(x).view(b, t, self.heads, self.head_dimension).transpose(1, 2)
        k, v = self.kv(memory).view(b, s, 2, self.heads, self.head_dimension).permute(2, 0, 3, 1, 4).unbind(0)
        return self._merge(self._attend(q, k, v, mask))

    def _merge(self, attended: torch.Tensor) -> torch.Tensor:
        b, _, t, _ = attended.shape
        return self.output(attended.transpose(1, 2).reshape(b, t, self.heads * self.head_dimension))

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: Mask) -> torch.Tensor:
        if self.variant == "Linear":
            return linear_attention(q, k, v, mask)
        window = self.window if self.variant == "SlidingWindow" else None
        pairs = forbidden(mask, q.shape[2], k.shape[2], window, self.global_tokens, q.device)
        scores = (q * (1.0 / math.sqrt(q.shape[3]))).matmul(k.transpose(-2, -1)).float()
        bias = additive(pairs, torch.float32)
        if bias is not None:
            scores = scores + bias
        probabilities = scores.softmax(-1)
        if self.training and self.dropout > 0:
            probabilities = F.dropout(probabilities, self.dropout)
        return probabilities.to(v.dtype).matmul(v)


def linear_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: Mask) -> torch.Tensor:
    """sum_j phi(q_i).phi(k_j) v_j / sum_j phi(q_i).phi(k_j) over the keys query i may see (padded keys: phi(k) = 0)."""
    fq = F.elu(q.float()) + 1
    fk = F.elu(k.float()) + 1
    if mask.key_padding is not None:
        fk = fk.masked_fill(mask.key_padding.unsqueeze(1).unsqueeze(-1), 0)
    v32 = v.float()
    values = torch.cat([v32, torch.ones(*v32.shape[:-1], 1, dtype=torch.float32, device=v.device)], dim=-1)
    if mask.causal:
        weights = fq.matmul(fk.transpose(-2, -1)).tril()
        sums = weights.matmul(values)
    else:
        sums = fq.matmul(fk.transpose(-2, -1).matmul(values))
    dv = sums.shape[-1] - 1
    return (sums[..., :dv] / sums[..., dv:].clamp_min(LINEAR_EPSILON)).to(v.dtype)
