"""A sequence classifier: the network, a pooled summary of its hidden states, a linear head to class logits; wide and
deep when it has n-gram buckets: the head also reads the text's bag of hashed n-grams (ngrams.py), a linear model of
its own summed into the logits."""

from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from .model import EncoderDecoderModel

POOLINGS = ("Mean", "FirstToken", "LastToken")


def pool(hidden: torch.Tensor, padding: torch.Tensor, pooling: str) -> torch.Tensor:
    """Hidden states [B, T, D] and padding [B, T] (True = pad, at the tail) -> [B, D]."""
    if pooling == "FirstToken":
        return hidden[:, 0, :]
    if pooling == "LastToken":
        last = ((~padding).sum(1) - 1).clamp_min(0)
        return hidden.gather(1, last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2])).squeeze(1)
    keep = (~padding).unsqueeze(-1).to(hidden.dtype)
    return (hidden * keep).sum(1) / keep.sum(1).clamp_min(1)


def wide_logits(weight: torch.Tensor, ids: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The n-grams' share of the logits: weight [buckets, C], the rows' bags as ids and weights [B, N] (padded with
    weight 0) -> [B, C], each row the weighted sum of its buckets' rows, as the library's embedding bag sums them."""
    return (F.embedding(ids, weight) * weights.unsqueeze(-1)).sum(1)


class ClassifierModel(nn.Module):
    """Mirrors the library's ClassifierModel: body (any shape; a decoder-only body is pooled at its last token), head,
    and with ngram_buckets above 0 the n-grams' weights `wide.weight` [buckets, C]."""

    def __init__(self, body: EncoderDecoderModel, classes: int, pooling: str, dropout: float = 0.0, ngram_buckets: int = 0) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"Pooling is {pooling!r}; expected one of {POOLINGS}")
        self.body = body
        self.pooling = pooling if body.has_encoder else "LastToken"
        self.dropout = dropout
        self.head = nn.Linear(body.options.model_dimension, classes)
        # An embedding only to hold the [buckets, C] table under the library's name; the n-grams start neutral, as there.
        self.wide = nn.Embedding(ngram_buckets, classes) if ngram_buckets > 0 else None
        if self.wide is not None:
            nn.init.zeros_(self.wide.weight)

    @property
    def ngram_buckets(self) -> int:
        return 0 if self.wide is None else self.wide.num_embeddings

    def forward(self, ids: torch.Tensor, padding: torch.Tensor, ngram_ids: Optional[torch.Tensor] = None,
                ngram_weights: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Token ids [B, T] and padding [B, T], and with n-grams the rows' bags [B, N] -> class logits [B, C]."""
        hidden = self.body.encode(ids, padding) if self.body.has_encoder else self.body.decode(ids, None, None, padding)
        logits = self.head(F.dropout(pool(hidden, padding, self.pooling), self.dropout, self.training))
        if self.wide is None:
            return logits
        if ngram_ids is None or ngram_weights is None:
            raise ValueError("this classifier reads hashed n-grams beside the network (Settings.Ngrams): pass the rows' bags")
        return logits + wide_logits(self.wide.weight, ngram_ids, ngram_weights)
