"""What a model folder learns and how its rows are scored: the objective the library trains its component with
(a classifier's classification, a generator's teacher forcing, a pretrained model's own pretraining objective),
the columns it reads, and a module wrapping network and objective so that DistributedDataParallel sees one forward."""

import argparse
import math
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple, Union

import torch
from torch import nn

from .examples import Batch, Example, collate
from .folder import ModelFolder
from .generation import greedy
from .objectives import CausalLanguageModelling, MaskedLanguageModelling, Objective, SpanCorruption
from .supervised import Classification, SequenceToSequence
from .tokenizer import Tokenizer

Learner = Union[Objective, Classification, SequenceToSequence]


@dataclass
class Task:
    """The objective of a folder's component and the data columns it reads (in order)."""

    objective: Learner
    columns: Tuple[str, ...]

    def examples(self, rows: Sequence[Tuple[str, ...]], seed: int) -> List[Example]:
        data = [row[0] for row in rows] if len(self.columns) == 1 else rows
        return self.objective.training_examples(data, seed)  # type: ignore[arg-type]


def task_for(folder: ModelFolder, tokenizer: Tokenizer, args: argparse.Namespace) -> Task:
    """The library's objective for the folder's component; columns default to the component's own."""
    config, settings = folder.config, folder.config["Settings"]  # type: ignore[index]
    component, smoothing = config["Component"], args.label_smoothing
    if component == "TextClassifier":
        objective: Learner = Classification(tokenizer, settings["MaxLength"], settings["Truncation"], config["ClassNames"], smoothing,
                                            folder.ngrams)
        texts = (args.text_column or settings["TextColumn"],) + ((settings["SecondTextColumn"],) if settings.get("SecondTextColumn") else ())
        return Task(objective, (*texts, args.label_column or "Label"))
    if component == "TextGenerator":
        objective = SequenceToSequence(tokenizer, settings["SourceMaxLength"], settings["TargetMaxLength"], settings["Truncation"],
                                       folder.network.has_encoder, smoothing)
        return Task(objective, (args.text_column or settings["SourceColumn"], args.label_column or settings["TargetColumn"]))
    if component == "TextPretraining":
        kind, objective_settings = settings["Objective"]["Kind"], settings["Objective"]
        max_length = objective_settings["MaxLength"]
        if kind == "MaskedLanguageModel":
            objective = MaskedLanguageModelling(tokenizer, max_length, objective_settings["MaskProbability"], smoothing)
        elif kind == "SpanCorruption":
            objective = SpanCorruption(tokenizer, max_length, objective_settings["NoiseDensity"], objective_settings["MeanSpanLength"], smoothing)
        elif kind == "CausalLanguageModel":
            objective = CausalLanguageModelling(tokenizer, max_length, smoothing)
        else:
            raise ValueError(f"the pretrained model's objective {kind!r} is not one the Python trainer knows")
        return Task(objective, (args.text_column or settings["TextColumn"],))
    raise ValueError(f"the trainer trains classifiers, generators and pretrained models; the folder holds a {component}")


class ObjectiveLoss(nn.Module):
    """Network + objective as one module: forward(batch tensors) -> NLL of each labelled position (or row)."""

    def __init__(self, network: nn.Module, objective: Learner) -> None:
        super().__init__()
        self.network = network
        self.objective = objective

    def forward(self, ids: torch.Tensor, padding: torch.Tensor, labels: torch.Tensor, decoder_input=None, decoder_padding=None,
                ngram_ids=None, ngram_weights=None):
        batch = Batch(ids, padding, labels, decoder_input, decoder_padding, ngram_ids, ngram_weights)
        return self.objective.losses(self.network, batch)  # type: ignore[arg-type]


def row_scores(task: Task, network: nn.Module, rows: Sequence[Tuple[str, ...]], decoding=None) -> Dict[str, torch.Tensor]:
    """What the library's scoring of the component computes for each row: class logits, or the mean NLL of its targets
    (and, for a generator whose decoding is plain greedy, the greedy ids, -1 after the end, and their log-probability)."""
    objective = task.objective
    scores = {}
    if isinstance(objective, SequenceToSequence) and _plain_greedy(decoding):
        max_new = int(decoding["MaxNewTokens"])
        ids = torch.full((len(rows), max_new), -1, dtype=torch.int64)
        log_probabilities = []
        for index, row in enumerate(rows):
            generated, log_probability = greedy(network, objective, row[0], max_new)  # type: ignore[arg-type]
            ids[index, : len(generated)] = torch.tensor(generated, dtype=torch.int64)
            log_probabilities.append(log_probability)
        scores = {"generated": ids, "log_probability": torch.tensor(log_probabilities, dtype=torch.float32)}
    with torch.no_grad():
        if isinstance(objective, Classification):
            # Rows end with their label; the texts before it are the input.
            return {"logits": torch.cat([network(*_inputs(collate([objective.example(0, row[:-1], 0)]))) for row in rows])}
        losses = []
        for index, row in enumerate(rows):
            if isinstance(objective, SequenceToSequence):
                examples = [objective.example(index, row[0], row[1])]
            else:
                examples = objective.scoring_examples(index, objective.tokenizer.encode(row[0]))
            if not examples:
                losses.append(math.nan)
                continue
            nll = objective.losses(network, collate(examples)).double()  # type: ignore[arg-type]
            losses.append((nll.sum() / nll.numel()).item())
        return {"loss": torch.tensor(losses, dtype=torch.float32), **scores}


def _plain_greedy(decoding) -> bool:
    return bool(decoding) and decoding.get("Strategy") == "Greedy" and decoding.get("RepetitionPenalty") == 1.0 \
        and not decoding.get("NoRepeatNgramSize") and not decoding.get("StopSequences")


def _inputs(batch: Batch):
    return batch.ids, batch.padding, batch.ngram_ids, batch.ngram_weights
