"""Greedy generation as the library's generator computes it with its default decoding: the encoder reads
"source [EOS]" and the decoder starts from [BOS] (encoder-decoder), or the decoder continues "[BOS] source [SEP]"
(decoder-only, the source cut so that the prompt and the new tokens fit in MaxLength); the argmax token each step until
[EOS] or max_new tokens, and the summed log-probability of the chosen tokens ([EOS] included)."""

from typing import List, Tuple

import torch

from .model import EncoderDecoderModel
from .supervised import SequenceToSequence
from .tokenizer import BEGIN, END, SEPARATOR


def greedy(model: EncoderDecoderModel, task: SequenceToSequence, source: str, max_new: int) -> Tuple[List[int], float]:
    """The generated ids (without [EOS]) and their log-probability; recomputes the whole prefix each step."""
    tokenizer, side = task.tokenizer, task.truncation
    memory = None
    if model.has_encoder:
        ids = tokenizer.encode_bounded(source, task.source_max_length - 1, side) + [END]
        memory = model.encode(torch.tensor([ids]), None)
        prefix = [BEGIN]
    else:
        room = max(0, min(task.source_max_length - 1, model.options.max_length - 1 - max_new))
        prefix = [BEGIN, *tokenizer.encode_bounded(source, room, side), SEPARATOR]
    generated: List[int] = []
    log_probability = 0.0
    with torch.no_grad():
        for _ in range(max_new):
            logits = model.logits(model.decode(torch.tensor([prefix + generated]), memory, None, None))[0, -1]
            token = int(logits.argmax())
            log_probability += (logits[token] - logits.logsumexp(-1)).item()
            if token == END:
                break
            generated.append(token)
    return generated, log_probability
