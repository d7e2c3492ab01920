"""A folder saved by the package loads back exactly; a tensor that does not fit the options is named, not loaded."""

import hashlib
import json
import os
import tempfile
import unittest

import torch

from mlnet_transformer import EncoderDecoderModel, ModelFolder, ModelOptions, load_folder, save_folder, safetensors

OPTIONS = {
    "VocabularySize": 40, "ModelDimension": 16, "Heads": 2, "EncoderLayers": 1, "DecoderLayers": 1, "FeedForwardDimension": 32,
    "Activation": "Relu", "EmbeddingDropout": 0.0, "AttentionDropout": 0.0, "ResidualDropout": 0.0, "FeedForwardDropout": 0.0,
    "MaxLength": 12, "AllowLengthExtrapolation": False, "Attention": "Full", "AttentionWindow": 4, "GlobalTokens": 1,
    "PositionalEncoding": "Learned", "NormPlacement": "PreNorm", "TieEmbeddings": False, "LayerNormEpsilon": 1e-5,
    "ScaleEmbeddings": True, "PaddingId": 0,
}


def _saved(path: str) -> EncoderDecoderModel:
    torch.manual_seed(0)
    options = ModelOptions.from_json(OPTIONS)
    model = EncoderDecoderModel(options)
    for parameter in model.parameters():
        torch.nn.init.normal_(parameter, std=0.1)
    config = {"Format": "Microsoft.ML.Transformer.ModelFolder", "FormatVersion": 1, "LibraryVersion": "test",
              "Component": "TextPretraining", "ModelOptions": OPTIONS, "Files": {}}
    save_folder(ModelFolder(config, options, model), path)
    return model


class FolderTests(unittest.TestCase):
    def test_save_then_load_gives_the_same_state(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            model = _saved(path)
            loaded = load_folder(path)
            for name, tensor in model.state_dict().items():
                self.assertTrue(torch.equal(tensor, loaded.module.state_dict()[name]), name)

    def test_mis_shaped_tensor_is_named(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            model = _saved(path)
            state = dict(model.state_dict())
            state["head.bias"] = torch.zeros(41)
            data = safetensors.write(state, {})
            with open(os.path.join(path, "model.safetensors"), "wb") as handle:
                handle.write(data)
            with open(os.path.join(path, "config.json"), encoding="utf-8") as handle:
                config = json.load(handle)
            config["Files"]["model.safetensors"] = hashlib.sha256(data).hexdigest()
            with open(os.path.join(path, "config.json"), "w", encoding="utf-8") as handle:
                json.dump(config, handle)
            with self.assertRaises(ValueError) as caught:
                load_folder(path)
            self.assertIn("tensor 'head.bias' has shape [41]", str(caught.exception))

    def test_altered_file_fails_its_digest(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            _saved(path)
            with open(os.path.join(path, "model.safetensors"), "r+b") as handle:
                handle.seek(-4, os.SEEK_END)
                handle.write(b"\x00\x01\x02\x03")
            with self.assertRaises(ValueError) as caught:
                load_folder(path)
            self.assertIn("does not match its SHA-256", str(caught.exception))

    def test_classifier_with_ngrams_is_refused_naming_the_option(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            _saved(path)
            with open(os.path.join(path, "config.json"), encoding="utf-8") as handle:
                config = json.load(handle)
            config.update(Component="TextClassifier", ClassNames=["a", "b"], Pooling="Mean",
                          Settings={"MaxLength": 12, "Ngrams": {"Buckets": 1024, "WordNgramLength": 2, "CharNgramLength": 3}})
            with open(os.path.join(path, "config.json"), "w", encoding="utf-8") as handle:
                json.dump(config, handle)
            with self.assertRaises(ValueError) as caught:
                load_folder(path)
            self.assertIn("Ngrams.Enabled = false", str(caught.exception))

    def test_unknown_option_is_named(self) -> None:
        with self.assertRaises(ValueError) as caught:
            ModelOptions.from_json(dict(OPTIONS, Depth=3))
        self.assertIn("Depth", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
