"""Rows of a TSV or CSV with a header (or plain text, one row a line) -> the ids the library's classifier reads:
[CLS] text [SEP], the text cut at the head to MaxLength - 2 tokens. Only the byte vocabulary is implemented here
(ordinary id = UTF-8 byte + the number of special tokens); other vocabularies are refused with a message."""

import csv
from typing import Dict, List, Sequence, Tuple

import torch

PAD, SEPARATOR, CLASSIFICATION = 0, 4, 5


def read_rows(path: str, text_column: str, label_column: str) -> List[Tuple[str, str]]:
    """(text, label) of every row of a file with a header; tab-separated when the file name ends in .tsv."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t" if path.endswith(".tsv") else ",")
        for column in (text_column, label_column):
            if column not in (reader.fieldnames or []):
                raise ValueError(f"column '{column}' not found in {path}; columns: {reader.fieldnames}")
        return [(row[text_column], row[label_column]) for row in reader]


class ByteEncoder:
    """The library's byte tokenizer framed for classification."""

    def __init__(self, tokenizer: Dict[str, object], max_length: int) -> None:
        if tokenizer["Kind"] != "Bytes":
            raise ValueError(f"the Python trainer reads the byte vocabulary only; this model's tokenizer is {tokenizer['Kind']}")
        self.shift = len(tokenizer["SpecialTokens"])  # type: ignore[arg-type]
        self.max_length = max_length

    def encode(self, text: str) -> List[int]:
        ids = [byte + self.shift for byte in text.encode("utf-8")][: self.max_length - 2]
        return [CLASSIFICATION, *ids, SEPARATOR]

    def batch(self, texts: Sequence[str]) -> Tuple[torch.Tensor, torch.Tensor]:
        """Padded ids [B, T] (int64) and padding [B, T] (True = padding), padded to the longest row."""
        encoded = [self.encode(text) for text in texts]
        length = max(len(ids) for ids in encoded)
        ids = torch.full((len(encoded), length), PAD, dtype=torch.int64)
        for row, values in enumerate(encoded):
            ids[row, : len(values)] = torch.tensor(values)
        lengths = torch.tensor([len(values) for values in encoded])
        return ids, torch.arange(length).unsqueeze(0) >= lengths.unsqueeze(1)
