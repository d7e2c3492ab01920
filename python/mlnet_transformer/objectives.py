"""The library's pretraining objectives (Training/Objectives): masked LM, span corruption and causal LM. Each turns texts
into examples and a batch into the negative log-likelihood of its labelled positions. The corruption draws from .NET's
Random exactly as the library does, so a text's scoring examples (seeded by its ids) are the library's, token for token."""

from typing import Iterator, List, Sequence

import torch
import torch.nn.functional as F

from .dotnet_random import DotNetRandom, content_seed
from .examples import IGNORE, Batch, Example
from .model import EncoderDecoderModel
from .tokenizer import BEGIN, CLASSIFICATION, END, MASK, SEPARATOR, Tokenizer

MASK_SHARE, RANDOM_SHARE = 0.8, 0.1


def round_away(value: float) -> int:
    """Math.Round(value, MidpointRounding.AwayFromZero) for value >= 0."""
    whole = int(value)
    return whole + 1 if value - whole >= 0.5 else whole


class Objective:
    """Texts -> examples; a batch -> the NLL [N] of its N labelled positions (label smoothing as the library applies it)."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, label_smoothing: float = 0.0) -> None:
        self.tokenizer, self.max_length, self.label_smoothing = tokenizer, max_length, label_smoothing

    def training_examples(self, texts: Sequence[str], seed: int) -> List[Example]:
        raise NotImplementedError

    def scoring_examples(self, row: int, ids: List[int]) -> List[Example]:
        raise NotImplementedError

    def hidden(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        raise NotImplementedError

    def losses(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        hidden = self.hidden(model, batch)
        labels = batch.labels.reshape(-1)
        chosen = (labels != IGNORE).nonzero().squeeze(1)
        logits = model.logits(hidden.reshape(-1, hidden.shape[-1]).index_select(0, chosen))
        return F.cross_entropy(logits, labels.index_select(0, chosen), reduction="none", label_smoothing=self.label_smoothing)


class ChunkedObjective(Objective):
    """Objectives that corrupt each document on its own, cut into even chunks of at most chunk_length tokens."""

    chunk_length: int
    minimum_tokens: int

    def corrupt(self, row: int, chunk: List[int], rng: DotNetRandom) -> Example:
        raise NotImplementedError

    def chunks(self, ids: List[int]) -> Iterator[List[int]]:
        count = (len(ids) + self.chunk_length - 1) // self.chunk_length
        for i in range(count):
            yield ids[len(ids) * i // count: len(ids) * (i + 1) // count]

    def training_examples(self, texts: Sequence[str], seed: int) -> List[Example]:
        rng = DotNetRandom(seed)
        return [self.corrupt(row, chunk, rng) for row, text in enumerate(texts)
                for chunk in self.chunks(self.tokenizer.encode(text)) if len(chunk) >= self.minimum_tokens]

    def scoring_examples(self, row: int, ids: List[int]) -> List[Example]:
        rng = DotNetRandom(content_seed(ids))
        return [self.corrupt(row, chunk, rng) for chunk in self.chunks(ids)]


class MaskedLanguageModelling(ChunkedObjective):
    """[CLS] chunk [SEP]; round(n x p) tokens chosen, 80% -> [MASK], 10% -> a random ordinary token, 10% kept."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, mask_probability: float, label_smoothing: float = 0.0) -> None:
        super().__init__(tokenizer, max_length, label_smoothing)
        self.mask_probability = mask_probability
        self.chunk_length, self.minimum_tokens = max_length - 2, 1

    def corrupt(self, row: int, chunk: List[int], rng: DotNetRandom) -> Example:
        n = len(chunk)
        chosen = min(max(round_away(n * self.mask_probability), 1), n)
        inputs = [CLASSIFICATION, *chunk, SEPARATOR]
        labels = [IGNORE] * len(inputs)
        positions = list(range(n))
        for i in range(chosen):
            j = rng.next(i, n)  # a partial Fisher-Yates shuffle, as the library draws it
            positions[i], positions[j] = positions[j], positions[i]
            at = positions[i] + 1
            labels[at] = inputs[at]
            r = rng.next_double()
            if r < MASK_SHARE:
                inputs[at] = MASK
            elif r < MASK_SHARE + RANDOM_SHARE:
                inputs[at] = rng.next(self.tokenizer.special_count, self.tokenizer.vocabulary_size)
        return Example(row, inputs, labels)

    def hidden(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        return model.encode(batch.ids, batch.padding if batch.input_padded else None)


def spans(n: int, noise_density: float, mean_span_length: float):
    """(hidden tokens, spans) of a chunk of n tokens."""
    if n == 1:
        return 1, 1
    noise = min(max(round_away(n * noise_density), 1), n - 1)
    count = max(1, round_away(noise / mean_span_length))
    return noise, min(count, noise, n - noise)


def segment(items: int, segments: int, rng: DotNetRandom) -> List[int]:
    """`items` split at random into `segments` runs of at least one."""
    cuts = list(range(1, items))
    rng.shuffle(cuts)
    chosen = sorted(cuts[: segments - 1]) + [items]
    return [end - start for start, end in zip([0] + chosen[:-1], chosen)]


class SpanCorruption(ChunkedObjective):
    """T5: hidden spans become sentinels in the encoder input; the decoder writes each sentinel and its span, then [EOS]."""

    def __init__(self, tokenizer: Tokenizer, max_length: int, noise_density: float, mean_span_length: float,
                 label_smoothing: float = 0.0) -> None:
        super().__init__(tokenizer, max_length, label_smoothing)
        self.noise_density, self.mean_span_length = noise_density, mean_span_length
        self.chunk_length, self.minimum_tokens = max_length - 1, 2

    def corrupt(self, row: int, chunk: List[int], rng: DotNetRandom) -> Example:
        noise, count = spans(len(chunk), self.noise_density, self.mean_span_length)
        hidden = segment(noise, count, rng)
        kept = [0] if len(chunk) == noise else segment(len(chunk) - noise, count, rng)
        inputs: List[int] = []
        labels: List[int] = []
        at = 0
        for s in range(count):
            inputs.extend(chunk[at: at + kept[s]])
            at += kept[s]
            sentinel = self.tokenizer.sentinel(s)
            inputs.append(sentinel)
            labels.append(sentinel)
            labels.extend(chunk[at: at + hidden[s]])
            at += hidden[s]
        inputs.append(END)
        labels.append(END)
        return Example(row, inputs, labels, [BEGIN, *labels[:-1]])

    def hidden(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        padding = batch.padding if batch.input_padded else None
        memory = model.encode(batch.ids, padding)
        return model.decode(batch.decoder_input, memory, padding, None)


class CausalLanguageModelling(Objective):
    """Next-token prediction over a packed stream: documents joined with [EOS], cut into blocks of max_length inputs."""

    def training_examples(self, texts: Sequence[str], seed: int) -> List[Example]:
        examples, pending = [], []
        for text in texts:
            pending.extend(self.tokenizer.encode(text))
            pending.append(END)
            used = 0
            while len(pending) - used >= self.max_length + 1:
                block = pending[used: used + self.max_length + 1]
                examples.append(Example(len(examples), block[:-1], block[1:]))
                used += self.max_length  # the last token of a block starts the next one
            del pending[:used]
        return examples

    def scoring_examples(self, row: int, ids: List[int]) -> List[Example]:
        if not ids:
            return []
        sequence = [END, *ids, END]
        examples = []
        for start in range(0, len(sequence) - 1, self.max_length):
            length = min(self.max_length, len(sequence) - 1 - start)
            examples.append(Example(row, sequence[start: start + length], sequence[start + 1: start + 1 + length]))
        return examples

    def hidden(self, model: EncoderDecoderModel, batch: Batch) -> torch.Tensor:
        # Right padding needs no mask: the causal mask hides later positions from earlier ones.
        return model.decode(batch.ids, None, None, None)
