"""The library's supervised objectives: classification ([CLS] text [SEP], or [CLS] a [SEP] b [SEP] -> class) and sequence-to-sequence with
teacher forcing (encoder "source [EOS]", decoder "[BOS] target", labels "target [EOS]"; a decoder-only generator reads
"[BOS] source [SEP] target" and is scored on the target only). Rows are (text, label) or (source, target) pairs."""

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from .classifier import ClassifierModel
from .examples import IGNORE, Batch, Example
from .model import EncoderDecoderModel
from .ngrams import HashedNgrams
from .tokenizer import BEGIN, CLASSIFICATION, END, SEPARATOR, Tokenizer

Pair = Tuple[str, str]


def cut(ids: List[int], keep: int, side: str) -> List[int]:
    return ids if len(ids) <= keep else (ids[:keep] if side == "KeepHead" else ids[len(ids) - keep:])


def pair_budget(a: int, b: int, budget: int) -> Tuple[int, int]:
    """Longest first: the longer text gives up ids until both fit; the shorter one is cut only if it must."""
    if a + b <= budget:
        return a, b
    if min(a, b) <= budget // 2:
        return (a, budget - a) if a < b else (budget - b, b)
    return budget - budget // 2, budget // 2


class Classification:
    """[CLS] text [SEP], the text cut to max_length - 2 ids, and for a wide-and-deep classifier the bag of hashed n-grams
    of the whole text(s); the loss is cross-entropy over the model's class logits."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, truncation: str, classes: Sequence[str],
                 label_smoothing: float = 0.0, ngrams: Optional[HashedNgrams] = None) -> None:
        self.tokenizer, self.max_length, self.truncation = tokenizer, max_length, truncation
        self.label_smoothing, self.ngrams = label_smoothing, ngrams
        self.classes = {name: index for index, name in enumerate(classes)}

    def encode(self, text: str, second: Optional[str] = None) -> List[int]:
        """[CLS] a [SEP], or for a pair [CLS] a [SEP] b [SEP] with the longer text cut first."""
        side = self.truncation
        if second is None:
            keep = self.max_length - 2
            return [CLASSIFICATION, *cut(self.tokenizer.encode_bounded(text, keep + 1, side), keep, side), SEPARATOR]
        budget = self.max_length - 3
        a, b = (self.tokenizer.encode_bounded(t, budget + 1, side) for t in (text, second))
        keep_a, keep_b = pair_budget(len(a), len(b), budget)
        return [CLASSIFICATION, *cut(a, keep_a, side), SEPARATOR, *cut(b, keep_b, side), SEPARATOR]

    def example(self, row: int, texts: Sequence[str], label: int) -> Example:
        """The example of one text (or a pair's two): its ids and, with n-grams, its bag."""
        bag = None if self.ngrams is None else self.ngrams.featurize(*texts)
        return Example(row, self.encode(*texts), [label], ngrams=bag)

    def training_examples(self, rows: Sequence[Tuple[str, ...]], seed: int) -> List[Example]:
        """Rows are (text, label) or (text, second text, label)."""
        unknown = sorted({row[-1] for row in rows if row[-1] not in self.classes})
        if unknown:
            raise ValueError(f"labels not among the model's classes {list(self.classes)}: {unknown[:5]}")
        return [self.example(index, row[:-1], self.classes[row[-1]]) for index, row in enumerate(rows)]

    def losses(self, model: ClassifierModel, batch: Batch) -> torch.Tensor:
        return F.cross_entropy(model(batch.ids, batch.padding, batch.ngram_ids, batch.ngram_weights), batch.labels[:, 0],
                               reduction="none", label_smoothing=self.label_smoothing)


class SequenceToSequence:
    """Teacher forcing on (source, target) pairs, as the library's generator trains and scores."""

    def __init__(self, tokenizer: Tokenizer, source_max_length: int, target_max_length: int, truncation: str,
                 has_encoder: bool, label_smoothing: float = 0.0) -> None:
        self.tokenizer, self.truncation = tokenizer, truncation
        self.source_max_length, self.target_max_length = source_max_length, target_max_length
        self.has_encoder, self.label_smoothing = has_encoder, label_smoothing

    def example(self, row: int, source: str, target: str) -> Example:
        keep_source, keep_target = self.source_max_length - 1, self.target_max_length - 1
        x = cut(self.tokenizer.encode_bounded(source, keep_source + 1, self.truncation), keep_source, self.truncation)
        y = cut(self.tokenizer.encode_bounded(target, keep_target + 1, self.truncation), keep_target, self.truncation)
        if self.has_encoder:
            return Example(row, [*x, END], [*y, END], [BEGIN, *y])
        return Example(row, [BEGIN, *x, SEPARATOR, *y], [IGNORE] * (len(x) + 1) + [*y, END])

    def training_examples(self, rows: Sequence[Pair], seed: int) -> List[Example]:
        return [self.example(row, source, target) for row, (source, target) in enumerate(rows)]

    def losses(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        if self.has_encoder:
            logits = model(batch.ids, batch.padding, batch.decoder_input, batch.decoder_padding)
        else:
            logits = model.logits(model.decode(batch.ids, None, None, batch.padding))
        labels = batch.labels.reshape(-1)
        chosen = (labels != IGNORE).nonzero().squeeze(1)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]).index_select(0, chosen), labels.index_select(0, chosen),
                               reduction="none", label_smoothing=self.label_smoothing)
