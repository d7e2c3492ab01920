"""The model folder both sides share: config.json, model.safetensors and the tokenizer's vocabulary files, each file's
SHA-256 recorded in config.json. docs/MODEL_FOLDER.md describes the layout."""

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Union

import torch
from torch import nn

from . import safetensors
from .classifier import ClassifierModel
from .model import EncoderDecoderModel
from .ngrams import HashedNgrams
from .options import ModelOptions

FORMAT = "Microsoft.ML.Transformer.ModelFolder"
FORMAT_VERSION = 1
CONFIG = "config.json"
WEIGHTS = "model.safetensors"
# The components this package reads; the library also exports TextRegressor and EntityTagger folders, not mirrored here.
COMPONENTS = ("TextClassifier", "TextGenerator", "TextPretraining", "TextEmbedding")


@dataclass
class ModelFolder:
    """A loaded folder: its config (as read), the network's options, the module holding the weights, and the other files."""

    config: Dict[str, object]
    options: ModelOptions
    module: Union[EncoderDecoderModel, ClassifierModel]
    files: Dict[str, bytes] = field(default_factory=dict)

    @property
    def network(self) -> EncoderDecoderModel:
        return self.module.body if isinstance(self.module, ClassifierModel) else self.module

    @property
    def ngrams(self) -> Optional[HashedNgrams]:
        """The hashed n-grams a wide-and-deep classifier reads beside the network; None when it reads the network alone."""
        return classifier_ngrams(self.config)


def classifier_ngrams(config: Mapping[str, object]) -> Optional[HashedNgrams]:
    """A classifier folder's Settings.Ngrams (checked), or None."""
    settings = config.get("Settings") or {}
    ngrams = settings.get("Ngrams") if config.get("Component") == "TextClassifier" else None  # type: ignore[union-attr]
    return HashedNgrams.from_json(ngrams) if ngrams else None


def _checked(path: str, name: str, digests: Dict[str, str]) -> bytes:
    if name not in digests:
        raise ValueError(f"{CONFIG} lists no digest for '{name}'")
    with open(os.path.join(path, name), "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != digests[name].lower():
        raise ValueError(f"'{name}' does not match its SHA-256 in {CONFIG} (the file was altered or damaged)")
    return data


def load_folder(path: str) -> ModelFolder:
    """Reads a folder exported by the library (or by save_folder); every tensor must fit the options exactly."""
    with open(os.path.join(path, CONFIG), encoding="utf-8") as handle:
        config = json.load(handle)
    if config.get("Format") != FORMAT:
        raise ValueError(f"{CONFIG} has Format {config.get('Format')!r}; expected {FORMAT!r}")
    if config.get("FormatVersion") != FORMAT_VERSION:
        raise ValueError(f"the folder was written with format {config.get('FormatVersion')} by library version "
                         f"{config.get('LibraryVersion')}; this package reads format {FORMAT_VERSION}")
    if config.get("Component") not in COMPONENTS:
        raise ValueError(f"the folder holds a {config.get('Component')}; this package reads {', '.join(COMPONENTS)} folders "
                         "(the library imports the others itself)")
    options = ModelOptions.from_json(config["ModelOptions"])
    ngrams = classifier_ngrams(config)
    digests = config["Files"]
    tensors, _ = safetensors.read(_checked(path, WEIGHTS, digests))
    body = EncoderDecoderModel(options)
    module: Union[EncoderDecoderModel, ClassifierModel] = body
    if config["Component"] == "TextClassifier":
        module = ClassifierModel(body, len(config["ClassNames"]), config["Pooling"], ngram_buckets=ngrams.buckets if ngrams else 0)
    _load_state(module, tensors)
    files = {name: _checked(path, name, digests) for name in digests if name != WEIGHTS}
    return ModelFolder(config, options, module.eval(), files)


def _load_state(module: nn.Module, tensors: Dict[str, torch.Tensor]) -> None:
    """Checks every name, dtype and shape before copying anything; ValueError names the first mismatch."""
    expected = module.state_dict()
    for name, tensor in tensors.items():
        if name not in expected:
            raise ValueError(f"the file holds the tensor '{name}', which the network described by {CONFIG} does not have")
        if tensor.dtype != expected[name].dtype:
            raise ValueError(f"tensor '{name}' is {tensor.dtype}; the network expects {expected[name].dtype}")
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise ValueError(f"tensor '{name}' has shape {list(tensor.shape)}; the network expects {list(expected[name].shape)}")
    missing = [name for name in expected if name not in tensors]
    if missing:
        raise ValueError(f"the tensor '{missing[0]}' of the network described by {CONFIG} is missing")
    module.load_state_dict(tensors, strict=True)


def save_folder(folder: ModelFolder, path: str) -> None:
    """Writes the folder whole or not at all: into a temporary folder beside it, which then takes its place."""
    staging = f"{os.path.abspath(path)}.tmp-{uuid.uuid4().hex}"
    os.makedirs(staging)
    try:
        digests = {}
        state = folder.module.state_dict()
        files = dict(folder.files)
        files[WEIGHTS] = safetensors.write(state, {"format": "pt", "component": str(folder.config["Component"])})
        for name, data in files.items():
            with open(os.path.join(staging, name), "wb") as handle:
                handle.write(data)
            digests[name] = hashlib.sha256(data).hexdigest()
        config = dict(folder.config)
        config["Files"] = digests
        with open(os.path.join(staging, CONFIG), "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=2, ensure_ascii=False)
        previous = None
        if os.path.exists(path):
            previous = f"{os.path.abspath(path)}.old-{uuid.uuid4().hex}"
            os.rename(path, previous)
        os.rename(staging, path)
        if previous:
            shutil.rmtree(previous)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
