"""A folder saved by the package loads back exactly; a tensor that does not fit the options is named, not loaded."""

import hashlib
import json
import os
import tempfile
import unittest

import torch

from mlnet_transformer import ClassifierModel, EncoderDecoderModel, ModelFolder, ModelOptions, load_folder, save_folder, safetensors

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

    def _as_classifier(self, path: str, ngrams: object) -> None:
        with open(os.path.join(path, "config.json"), encoding="utf-8") as handle:
            config = json.load(handle)
        config.update(Component="TextClassifier", ClassNames=["a", "b"], Pooling="Mean", Settings={"MaxLength": 12, "Ngrams": ngrams})
        with open(os.path.join(path, "config.json"), "w", encoding="utf-8") as handle:
            json.dump(config, handle)

    def test_classifier_with_bad_ngram_settings_is_refused_naming_them(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            _saved(path)
            for ngrams, expected in (({"Buckets": 1024, "WordNgramLength": 2, "CharLength": 3}, "no integer WordLength"),
                                     ({"Buckets": 0, "WordLength": 2, "CharLength": 3}, "Buckets must be at least 1"),
                                     ({"Buckets": 8, "WordLength": 0, "CharLength": 0}, "not both 0")):
                self._as_classifier(path, ngrams)
                with self.assertRaises(ValueError) as caught:
                    load_folder(path)
                self.assertIn("Settings.Ngrams", str(caught.exception))
                self.assertIn(expected, str(caught.exception))

    def test_classifier_with_ngrams_needs_the_wide_weights(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            options = ModelOptions.from_json(OPTIONS)
            config = {"Format": "Microsoft.ML.Transformer.ModelFolder", "FormatVersion": 1, "LibraryVersion": "test",
                      "Component": "TextClassifier", "ModelOptions": OPTIONS, "ClassNames": ["a", "b"], "Pooling": "Mean",
                      "Settings": {"MaxLength": 12}, "Files": {}}
            save_folder(ModelFolder(config, options, ClassifierModel(EncoderDecoderModel(options), 2, "Mean")), path)
            self._as_classifier(path, {"Buckets": 1024, "WordLength": 2, "CharLength": 3})
            with self.assertRaises(ValueError) as caught:
                load_folder(path)
            self.assertIn("the tensor 'wide.weight' of the network described by config.json is missing", str(caught.exception))

    def test_classifier_with_ngrams_round_trips_and_reads_its_bags(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            options = ModelOptions.from_json(OPTIONS)
            ngrams = {"Buckets": 64, "WordLength": 2, "CharLength": 3}
            config = {"Format": "Microsoft.ML.Transformer.ModelFolder", "FormatVersion": 1, "LibraryVersion": "test",
                      "Component": "TextClassifier", "ModelOptions": OPTIONS, "ClassNames": ["a", "b"], "Pooling": "Mean",
                      "Settings": {"MaxLength": 12, "Ngrams": ngrams}, "Files": {}}
            torch.manual_seed(1)
            model = ClassifierModel(EncoderDecoderModel(options), 2, "Mean", ngram_buckets=64)
            torch.nn.init.normal_(model.wide.weight)
            save_folder(ModelFolder(config, options, model.eval()), path)
            loaded = load_folder(path)
            ids, weights = loaded.ngrams.featurize("Hello hello world")
            ids_tensor, weights_tensor = torch.tensor([ids]), torch.tensor([weights])
            tokens, padding = torch.tensor([[1, 2, 3]]), torch.zeros(1, 3, dtype=torch.bool)
            expected = model(tokens, padding, ids_tensor, weights_tensor)
            self.assertTrue(torch.equal(expected, loaded.module(tokens, padding, ids_tensor, weights_tensor)))
            without = model(tokens, padding, ids_tensor, torch.zeros_like(weights_tensor))
            self.assertGreater(float((expected - without).abs().max()), 1e-3, "the n-grams must move the logits")
            with self.assertRaises(ValueError) as caught:
                loaded.module(tokens, padding)
            self.assertIn("hashed n-grams", str(caught.exception))

    def test_regressor_and_tagger_folders_are_refused_naming_the_component(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "model")
            _saved(path)
            with open(os.path.join(path, "config.json"), encoding="utf-8") as handle:
                config = json.load(handle)
            for component in ("TextRegressor", "EntityTagger"):
                config["Component"] = component
                with open(os.path.join(path, "config.json"), "w", encoding="utf-8") as handle:
                    json.dump(config, handle)
                with self.assertRaises(ValueError) as caught:
                    load_folder(path)
                self.assertIn(f"the folder holds a {component}; this package reads TextClassifier", str(caught.exception))

    def test_unknown_option_is_named(self) -> None:
        with self.assertRaises(ValueError) as caught:
            ModelOptions.from_json(dict(OPTIONS, Depth=3))
        self.assertIn("Depth", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
