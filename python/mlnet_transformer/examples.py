"""Examples (token ids with their labels) and the padded batches the objectives read, laid out as the library's
ExampleBatcher lays them out: ids padded with 0, labels with the ignore index, padding masks True at the tail; a
wide-and-deep classifier's bags of hashed n-grams padded with bucket 0 of weight 0."""

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import torch

IGNORE = -100


@dataclass
class Example:
    """One training or scoring example. Labels line up with the decoder input (encoder-decoder) or with the input."""

    row: int
    input: List[int]
    labels: List[int]
    decoder_input: Optional[List[int]] = None
    ngrams: Optional[Tuple[List[int], List[float]]] = None  # a wide-and-deep classifier's bag: bucket ids, weights

    @property
    def targets(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


@dataclass
class Batch:
    """Padded tensors of examples: ids [B, T], padding [B, T], labels [B, U], the decoder's input and padding [B, U],
    and the n-gram bags' ids and weights [B, N]."""

    ids: torch.Tensor
    padding: torch.Tensor
    labels: torch.Tensor
    decoder_input: Optional[torch.Tensor]
    decoder_padding: Optional[torch.Tensor]
    ngram_ids: Optional[torch.Tensor] = None
    ngram_weights: Optional[torch.Tensor] = None

    @property
    def input_padded(self) -> bool:
        return bool(self.padding.any())

    def to(self, device: torch.device) -> "Batch":
        move = lambda t: None if t is None else t.to(device)  # noqa: E731
        return Batch(move(self.ids), move(self.padding), move(self.labels), move(self.decoder_input), move(self.decoder_padding),
                     move(self.ngram_ids), move(self.ngram_weights))


def _padded(rows: Sequence[List[int]], fill: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), fill, dtype=torch.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.int64)
    return out


def _padding(rows: Sequence[List[int]]) -> torch.Tensor:
    width = max(len(r) for r in rows)
    lengths = torch.tensor([len(r) for r in rows])
    return torch.arange(width).unsqueeze(0) >= lengths.unsqueeze(1)


def padded_bags(bags: Sequence[Tuple[List[int], List[float]]]) -> Tuple[torch.Tensor, torch.Tensor]:
    """Bags of n-grams -> ids int64 and weights float32 [B, N], padded with bucket 0 of weight 0 (at least one column)."""
    width = max([1] + [len(ids) for ids, _ in bags])
    ids, weights = torch.zeros(len(bags), width, dtype=torch.int64), torch.zeros(len(bags), width, dtype=torch.float32)
    for i, (bag_ids, bag_weights) in enumerate(bags):
        ids[i, : len(bag_ids)] = torch.tensor(bag_ids, dtype=torch.int64)
        weights[i, : len(bag_weights)] = torch.tensor(bag_weights, dtype=torch.float32)
    return ids, weights


def collate(examples: Sequence[Example]) -> Batch:
    """Pads to the longest example of the batch."""
    inputs = [e.input for e in examples]
    decoder = [e.decoder_input for e in examples]
    has_decoder = all(d is not None for d in decoder)
    bags = [e.ngrams for e in examples]
    ngram_ids, ngram_weights = padded_bags(bags) if all(b is not None for b in bags) else (None, None)  # type: ignore[arg-type]
    return Batch(_padded(inputs, 0), _padding(inputs), _padded([e.labels for e in examples], IGNORE),
                 _padded(decoder, 0) if has_decoder else None,  # type: ignore[arg-type]
                 _padding(decoder) if has_decoder else None,  # type: ignore[arg-type]
                 ngram_ids, ngram_weights)
