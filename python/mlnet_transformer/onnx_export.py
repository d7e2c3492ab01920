"""Exports a model folder's classifier or embedding network to ONNX, for serving without PyTorch or libtorch:
`python3 -m mlnet_transformer.onnx_export --model exported --output model.onnx`.

The graph reads what the library's tokenisation step (TransformerTokenize) writes: `input_ids` and `attention_mask`,
int64 [batch, sequence] (mask 1 = token, 0 = padding at the tail), both axes dynamic; for a wide-and-deep classifier
also `ngram_ids` int64 and `ngram_weights` float [batch, ngrams], the text's bag of hashed n-grams (padded with weight 0),
which the graph cannot compute (it hashes no strings). A classifier gives `logits` and
`probabilities` (softmax) [batch, classes]; an embedding network gives `embedding` [batch, dimension]. docs/ONNX.md
describes the contract. The file is written whole or not at all (a temporary file beside it, then renamed)."""

import argparse
import os
import uuid
import warnings
from typing import List, Optional, Sequence, Tuple

import torch
from torch import nn

from .classifier import ClassifierModel, pool
from .folder import ModelFolder, load_folder
from .model import EncoderDecoderModel
from .positions import SinusoidalPositions, sinusoidal_table

INPUTS = ("input_ids", "attention_mask")
NGRAM_INPUTS = ("ngram_ids", "ngram_weights")
CLASSIFIER_OUTPUTS = ("logits", "probabilities")
EMBEDDING_OUTPUTS = ("embedding",)
# Opset 14 is the first with Trilu (causal linear attention); 17 is the newest torch 1.13 writes.
OPSETS = range(14, 18)
DEFAULT_OPSET = 14
EXPORTABLE = ("TextClassifier", "TextEmbedding")
NORM_EPSILON = 1e-12


def _padding(attention_mask: torch.Tensor) -> torch.Tensor:
    return attention_mask == 0


def _hidden(network: EncoderDecoderModel, ids: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
    """The states the library pools: the encoder's, or a decoder-only network's causal ones."""
    if network.has_encoder:
        return network.encode(ids, padding)
    return network.decode(ids, None, None, padding)


class ClassifierGraph(nn.Module):
    """input_ids, attention_mask (and a wide-and-deep classifier's ngram_ids, ngram_weights) -> class logits and their
    softmax, as the library's classifier scores them."""

    def __init__(self, classifier: ClassifierModel) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, ngram_ids: Optional[torch.Tensor] = None,
                ngram_weights: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        logits = self.classifier(input_ids, _padding(attention_mask), ngram_ids, ngram_weights)
        return logits, logits.softmax(-1)


class EmbeddingGraph(nn.Module):
    """input_ids, attention_mask -> the pooled (and, when the folder says so, unit-length) vector of each row."""

    def __init__(self, network: EncoderDecoderModel, pooling: str, normalize: bool) -> None:
        super().__init__()
        self.network = network
        self.pooling = pooling if network.has_encoder else "LastToken"
        self.normalize = normalize

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        padding = _padding(attention_mask)
        pooled = pool(_hidden(self.network, input_ids, padding), padding, self.pooling).float()
        if self.normalize:
            pooled = pooled / pooled.square().sum(-1, keepdim=True).sqrt().clamp_min(NORM_EPSILON)
        return pooled


def graph(folder: ModelFolder) -> Tuple[nn.Module, Sequence[str]]:
    """The module to trace and its output names; a component the graph cannot express raises ValueError naming it."""
    component = folder.config.get("Component")
    if component == "TextClassifier":
        return ClassifierGraph(folder.module).eval(), CLASSIFIER_OUTPUTS
    if component == "TextEmbedding":
        settings = folder.config["Settings"]
        return EmbeddingGraph(folder.network, settings["Pooling"], bool(settings["Normalize"])).eval(), EMBEDDING_OUTPUTS
    raise ValueError(f"Component is {component!r}: only {' and '.join(EXPORTABLE)} folders export to ONNX "
                     "(a generator's decoding loop and a pretraining objective are not one forward pass)")


def sequence_length(folder: ModelFolder) -> int:
    """The longest row the tokenisation step writes for this folder (its settings' MaxLength)."""
    return int(folder.config["Settings"]["MaxLength"])


def inputs(folder: ModelFolder) -> Tuple[str, ...]:
    """The graph's input names: the token ids and mask, and a wide-and-deep classifier's n-gram bag."""
    return INPUTS + (NGRAM_INPUTS if folder.ngrams is not None else ())


def example(folder: ModelFolder) -> Tuple[torch.Tensor, ...]:
    """Two rows of different lengths, so the traced graph keeps both axes and the padding path."""
    length = min(sequence_length(folder), folder.options.max_length, 8)
    ids = torch.full((2, length), 1, dtype=torch.int64)
    mask = torch.ones(2, length, dtype=torch.int64)
    mask[1, length // 2:] = 0
    if folder.ngrams is None:
        return ids, mask
    return ids, mask, torch.zeros(2, 3, dtype=torch.int64), torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]])


def cover_rows(folder: ModelFolder) -> None:
    """Makes the graph's constant tables cover the longest row: a learned table cannot grow, a sinusoidal one is extended."""
    length = sequence_length(folder)
    if length <= folder.options.max_length:
        return
    if folder.options.positional_encoding == "Learned":
        raise ValueError(f"Settings.MaxLength ({length}) exceeds ModelOptions.MaxLength ({folder.options.max_length}) "
                         "with learned positions, which have no vector past it")
    for module in folder.module.modules():
        if isinstance(module, SinusoidalPositions):
            module.table = sinusoidal_table(length, folder.options.model_dimension)


def check_opset(opset: int) -> None:
    if opset not in OPSETS:
        raise ValueError(f"opset is {opset}; this exporter writes opsets {OPSETS.start} to {OPSETS.stop - 1} "
                         "(Trilu, used by causal linear attention, needs 14)")


def export(model: str, output: str, opset: int = DEFAULT_OPSET) -> Tuple[List[str], List[str]]:
    """Writes the ONNX graph of the folder `model` to `output`; returns the graph's input and output names."""
    check_opset(opset)
    if not os.path.isdir(model):
        raise FileNotFoundError(f"the model folder '{model}' does not exist")
    folder = load_folder(model)
    module, outputs = graph(folder)
    cover_rows(folder)
    names = inputs(folder)
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUTS}
    axes.update({name: {0: "batch", 1: "ngrams"} for name in NGRAM_INPUTS})
    axes.update({name: {0: "batch"} for name in outputs})
    target = os.path.abspath(output)
    staging = f"{target}.tmp-{uuid.uuid4().hex}"
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The length checks of the mirror are Python comparisons: the tokenisation step keeps rows within MaxLength.
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", message="The shape inference of prim::Constant", category=UserWarning)
            torch.onnx.export(module, example(folder), staging, input_names=list(names), output_names=list(outputs),
                              dynamic_axes=axes, opset_version=opset, do_constant_folding=True)
        os.replace(staging, target)
    finally:
        if os.path.exists(staging):
            os.remove(staging)
    return list(names), list(outputs)


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m mlnet_transformer.onnx_export", description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a model folder exported by the library (TextClassifier or TextEmbedding)")
    parser.add_argument("--output", required=True, help="the .onnx file to write (replaced whole)")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET, help=f"ONNX opset, {OPSETS.start}-{OPSETS.stop - 1}")
    args = parser.parse_args(list(argv) or None)
    try:
        names, outputs = export(args.model, args.output, args.opset)
    except (ValueError, FileNotFoundError) as error:
        parser.exit(2, f"onnx_export: error: {error}\n")
    print(f"wrote {args.output}: inputs {', '.join(names)}; outputs {', '.join(outputs)}")


if __name__ == "__main__":
    main()
