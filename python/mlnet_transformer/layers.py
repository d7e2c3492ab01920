"""Feed-forward block, residual sub-blocks (pre- or post-norm), encoder and decoder layers and stacks."""

from typing import Callable, Optional

import torch
import torch.nn.functional as F
from torch import nn

from .attention import MultiHeadAttention
from .masks import Mask
from .options import ModelOptions


class FeedForward(nn.Module):
    """up (D -> F), ReLU or exact GELU, dropout, down (F -> D)."""

    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.up = nn.Linear(options.model_dimension, options.feed_forward_dimension)
        self.down = nn.Linear(options.feed_forward_dimension, options.model_dimension)
        self.gelu = options.activation == "Gelu"
        self.dropout = options.feed_forward_dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.up(x)
        h = F.gelu(h) if self.gelu else F.relu(h)
        return self.down(F.dropout(h, self.dropout, self.training))


def residual(x: torch.Tensor, norm: nn.LayerNorm, options: ModelOptions, training: bool,
             block: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Pre-norm: x + dropout(f(norm(x))). Post-norm: norm(x + dropout(f(x)))."""
    p = options.residual_dropout
    if options.norm_placement == "PreNorm":
        return x + F.dropout(block(norm(x)), p, training)
    return norm(x + F.dropout(block(x), p, training))


def layer_norm(options: ModelOptions) -> nn.LayerNorm:
    return nn.LayerNorm(options.model_dimension, eps=options.layer_norm_epsilon)


class EncoderLayer(nn.Module):
    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.options = options
        self.attention = MultiHeadAttention(options, is_cross=False)
        self.feedForward = FeedForward(options)
        self.attentionNorm = layer_norm(options)
        self.feedForwardNorm = layer_norm(options)

    def forward(self, x: torch.Tensor, mask: Mask) -> torch.Tensor:
        x = residual(x, self.attentionNorm, self.options, self.training, lambda h: self.attention.self_attention(h, mask))
        return residual(x, self.feedForwardNorm, self.options, self.training, self.feedForward)


class DecoderLayer(nn.Module):
    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.options = options
        self.selfAttention = MultiHeadAttention(options, is_cross=False)
        if options.encoder_layers > 0:
            self.crossAttention = MultiHeadAttention(options, is_cross=True)
            self.crossNorm = layer_norm(options)
        self.feedForward = FeedForward(options)
        self.selfNorm = layer_norm(options)
        self.feedForwardNorm = layer_norm(options)

    def forward(self, x: torch.Tensor, self_mask: Mask, memory: Optional[torch.Tensor], cross_mask: Mask) -> torch.Tensor:
        x = residual(x, self.selfNorm, self.options, self.training, lambda h: self.selfAttention.self_attention(h, self_mask))
        if memory is not None:
            x = residual(x, self.crossNorm, self.options, self.training,
                         lambda h: self.crossAttention.cross_attention(h, memory, cross_mask))
        return residual(x, self.feedForwardNorm, self.options, self.training, self.feedForward)


class Encoder(nn.Module):
    """Layers, then a final layer norm (kept for post-norm too, as the library does)."""

    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.layers = nn.ModuleList([EncoderLayer(options) for _ in range(options.encoder_layers)])
        self.finalNorm = layer_norm(options)

    def forward(self, x: torch.Tensor, mask: Mask) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        return self.finalNorm(x)


class Decoder(nn.Module):
    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.layers = nn.ModuleList([DecoderLayer(options) for _ in range(options.decoder_layers)])
        self.finalNorm = layer_norm(options)

    def forward(self, x: torch.Tensor, self_mask: Mask, memory: Optional[torch.Tensor], cross_mask: Mask) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, self_mask, memory, cross_mask)
        return self.finalNorm(x)
