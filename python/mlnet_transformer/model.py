"""The whole network, batch-first: embeddings, an optional encoder stack, an optional decoder stack, the output head.
Padding masks are bool [B, T] with True = padding; ids are int64."""

from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .layers import Decoder, Encoder
from .masks import Mask
from .options import ModelOptions
from .positions import TokenEmbedding, check_length, position_table


class EncoderDecoderModel(nn.Module):
    """Mirrors the library's EncoderDecoderModel; attribute names are its state-dict names."""

    def __init__(self, options: ModelOptions) -> None:
        super().__init__()
        self.options = options
        d, v = options.model_dimension, options.vocabulary_size
        has_encoder, has_decoder = options.encoder_layers > 0, options.decoder_layers > 0
        self.embedding = TokenEmbedding(v, d, options.scale_embeddings)
        if has_encoder and has_decoder and not options.tie_embeddings:
            self.targetEmbedding = TokenEmbedding(v, d, options.scale_embeddings)
        if has_encoder:
            self.sourcePositions = position_table(options)
            self.encoder = Encoder(options)
        if has_decoder:
            self.targetPositions = position_table(options)
            self.decoder = Decoder(options)
        if not options.tie_embeddings:
            self.head = nn.Linear(d, v)

    @property
    def has_encoder(self) -> bool:
        return self.options.encoder_layers > 0

    @property
    def has_decoder(self) -> bool:
        return self.options.decoder_layers > 0

    def _target_embedding(self) -> TokenEmbedding:
        return getattr(self, "targetEmbedding", self.embedding)

    def _embed(self, tokens: TokenEmbedding, positions: Optional[nn.Module], ids: torch.Tensor) -> torch.Tensor:
        check_length(ids.shape[1], self.options)
        x = tokens(ids)
        if positions is not None:
            x = x + positions.at(0, ids.shape[1])
        return F.dropout(x, self.options.embedding_dropout, self.training)

    def encode(self, source_ids: torch.Tensor, source_padding: Optional[torch.Tensor]) -> torch.Tensor:
        """Source ids [B, S] -> memory [B, S, D]."""
        x = self._embed(self.embedding, self.sourcePositions, source_ids)
        return self.encoder(x, Mask(key_padding=source_padding))

    def decode(self, target_ids: torch.Tensor, memory: Optional[torch.Tensor], source_padding: Optional[torch.Tensor],
               target_padding: Optional[torch.Tensor]) -> torch.Tensor:
        """Target ids [B, T] -> hidden states [B, T, D], causal; memory and source padding only in an encoder-decoder."""
        x = self._embed(self._target_embedding(), self.targetPositions, target_ids)
        return self.decoder(x, Mask(key_padding=target_padding, causal=True), memory, Mask(key_padding=source_padding))

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Hidden states [..., D] -> float32 logits [..., V] (the token embedding when embeddings are tied)."""
        if hasattr(self, "head"):
            return self.head(hidden).float()
        return F.linear(hidden, self._target_embedding().weight).float()

    def forward(self, source_ids: torch.Tensor, source_padding: Optional[torch.Tensor], target_ids: torch.Tensor,
                target_padding: Optional[torch.Tensor]) -> torch.Tensor:
        """Encoder-decoder pass: logits [B, T, V]."""
        memory = self.encode(source_ids, source_padding)
        return self.logits(self.decode(target_ids, memory, source_padding, target_padding))
