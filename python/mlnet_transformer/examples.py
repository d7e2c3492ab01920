"""Examples (token ids with their labels) and the padded batches the objectives read, laid out as the library's
ExampleBatcher lays them out: ids padded with 0, labels with the ignore index, padding masks True at the tail."""

from dataclasses import dataclass
from typing import List, Optional, Sequence

import torch

IGNORE = -100


@dataclass
class Example:
    """One training or scoring example. Labels line up with the decoder input (encoder-decoder) or with the input."""

    row: int
    input: List[int]
    labels: List[int]
    decoder_input: Optional[List[int]] = None

    @property
    def targets(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


@dataclass
class Batch:
    """Padded tensors of examples: ids [B, T], padding [B, T], labels [B, U], and the decoder's input and padding [B, U]."""

    ids: torch.Tensor
    padding: torch.Tensor
    labels: torch.Tensor
    decoder_input: Optional[torch.Tensor]
    decoder_padding: Optional[torch.Tensor]

    @property
    def input_padded(self) -> bool:
        return bool(self.padding.any())

    def to(self, device: torch.device) -> "Batch":
        move = lambda t: None if t is None else t.to(device)  # noqa: E731
        return Batch(move(self.ids), move(self.padding), move(self.labels), move(self.decoder_input), move(self.decoder_padding))


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


def collate(examples: Sequence[Example]) -> Batch:
    """Pads to the longest example of the batch."""
    inputs = [e.input for e in examples]
    decoder = [e.decoder_input for e in examples]
    has_decoder = all(d is not None for d in decoder)
    return Batch(_padded(inputs, 0), _padding(inputs), _padded([e.labels for e in examples], IGNORE),
                 _padded(decoder, 0) if has_decoder else None,  # type: ignore[arg-type]
                 _padding(decoder) if has_decoder else None)  # type: ignore[arg-type]
