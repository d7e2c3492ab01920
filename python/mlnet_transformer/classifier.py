"""A sequence classifier: the network, a pooled summary of its hidden states, a linear head to class logits."""

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


class ClassifierModel(nn.Module):
    """Mirrors the library's ClassifierModel: body (any shape; a decoder-only body is pooled at its last token) and head."""

    def __init__(self, body: EncoderDecoderModel, classes: int, pooling: str, dropout: float = 0.0) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"Pooling is {pooling!r}; expected one of {POOLINGS}")
        self.body = body
        self.pooling = pooling if body.has_encoder else "LastToken"
        self.dropout = dropout
        self.head = nn.Linear(body.options.model_dimension, classes)

    def forward(self, ids: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        """Token ids [B, T] and padding [B, T] -> class logits [B, C]."""
        hidden = self.body.encode(ids, padding) if self.body.has_encoder else self.body.decode(ids, None, None, padding)
        return self.head(F.dropout(pool(hidden, padding, self.pooling), self.dropout, self.training))
