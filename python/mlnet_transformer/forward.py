"""Runs the mirror's forward pass for the library's equality test: `python3 -m mlnet_transformer.forward manifest.json`.
The manifest lists cases {"folder", "inputs", "output"}; inputs hold int64 ids and bool padding per stream (and texts,
whose n-gram bags a wide-and-deep classifier reads); the output
gets the network's results as nested lists (hidden states and logits per stream, class logits for a classifier)."""

import json
import sys
from typing import Dict, List

import torch

from .classifier import ClassifierModel
from .examples import padded_bags
from .folder import load_folder


def _tensor(values: List, dtype: torch.dtype) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype)


def run(case: Dict[str, str]) -> None:
    folder = load_folder(case["folder"])
    with open(case["inputs"], encoding="utf-8") as handle:
        inputs = json.load(handle)
    ids, padding = _tensor(inputs["ids"], torch.int64), _tensor(inputs["padding"], torch.bool)
    network = folder.network
    results = {}
    with torch.no_grad():
        if isinstance(folder.module, ClassifierModel):
            ngrams = folder.ngrams
            bags = padded_bags([ngrams.featurize(text) for text in inputs["texts"]]) if ngrams else (None, None)
            results["classes"] = folder.module(ids, padding, *bags).tolist()
        if network.has_encoder and network.has_decoder:
            target, target_padding = _tensor(inputs["target"], torch.int64), _tensor(inputs["targetPadding"], torch.bool)
            hidden = network.decode(target, network.encode(ids, padding), padding, target_padding)
        elif network.has_encoder:
            hidden = network.encode(ids, padding)
        else:
            hidden = network.decode(ids, None, None, padding)
        results["hidden"] = hidden.tolist()
        results["logits"] = network.logits(hidden).tolist()
    with open(case["output"], "w", encoding="utf-8") as handle:
        json.dump(results, handle)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        for case in json.load(handle):
            run(case)


if __name__ == "__main__":
    main()
