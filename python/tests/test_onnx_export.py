"""The ONNX exporter writes a graph for a classifier or an embedding folder, and refuses what it cannot express
without leaving a file behind (the graph's numbers are checked against the library in OnnxServingTests)."""

import os
import tempfile
import unittest
from typing import Dict
from unittest import mock

import torch

from mlnet_transformer import ClassifierModel, EncoderDecoderModel, ModelFolder, ModelOptions, save_folder
from mlnet_transformer import onnx_export

OPTIONS = {
    "VocabularySize": 40, "ModelDimension": 16, "Heads": 2, "EncoderLayers": 1, "DecoderLayers": 0, "FeedForwardDimension": 32,
    "Activation": "Relu", "EmbeddingDropout": 0.0, "AttentionDropout": 0.0, "ResidualDropout": 0.0, "FeedForwardDropout": 0.0,
    "MaxLength": 12, "AllowLengthExtrapolation": False, "Attention": "Full", "AttentionWindow": 4, "GlobalTokens": 1,
    "PositionalEncoding": "Learned", "NormPlacement": "PreNorm", "TieEmbeddings": False, "LayerNormEpsilon": 1e-5,
    "ScaleEmbeddings": True, "PaddingId": 0,
}
CLASSIFIER_SETTINGS = {"TextColumn": "Text", "MaxLength": 12, "Truncation": "KeepHead", "ScoringBatchSize": 8}


def _folder(path: str, component: str, settings: Dict[str, object], max_length: int = 12) -> None:
    torch.manual_seed(0)
    values = dict(OPTIONS, MaxLength=max_length)
    options = ModelOptions.from_json(values)
    network = EncoderDecoderModel(options)
    ngrams = settings.get("Ngrams")
    buckets = ngrams["Buckets"] if isinstance(ngrams, dict) else 0
    module = ClassifierModel(network, 3, "Mean", ngram_buckets=buckets) if component == "TextClassifier" else network
    config = {"Format": "Microsoft.ML.Transformer.ModelFolder", "FormatVersion": 1, "LibraryVersion": "test",
              "Component": component, "ModelOptions": values, "Settings": settings, "Files": {}}
    if component == "TextClassifier":
        config.update({"ClassNames": ["a", "b", "c"], "Binary": False, "Pooling": "Mean"})
    save_folder(ModelFolder(config, options, module), path)


class OnnxExportTests(unittest.TestCase):
    def test_classifier_exports_logits_and_probabilities(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            _folder(os.path.join(root, "model"), "TextClassifier", CLASSIFIER_SETTINGS)
            inputs, outputs = onnx_export.export(os.path.join(root, "model"), os.path.join(root, "model.onnx"))
            self.assertEqual(["input_ids", "attention_mask"], inputs)
            self.assertEqual(["logits", "probabilities"], outputs)
            self.assertGreater(os.path.getsize(os.path.join(root, "model.onnx")), 1000)
            self.assertEqual(["model", "model.onnx"], sorted(os.listdir(root)))

    def test_wide_and_deep_classifier_takes_the_ngram_bag_as_inputs(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            ngrams = {"Buckets": 128, "WordLength": 2, "CharLength": 3}
            _folder(os.path.join(root, "model"), "TextClassifier", dict(CLASSIFIER_SETTINGS, Ngrams=ngrams))
            inputs, outputs = onnx_export.export(os.path.join(root, "model"), os.path.join(root, "model.onnx"))
            self.assertEqual(["input_ids", "attention_mask", "ngram_ids", "ngram_weights"], inputs)
            self.assertEqual(["logits", "probabilities"], outputs)
            with open(os.path.join(root, "model.onnx"), "rb") as handle:
                graph = handle.read()
            self.assertIn(b"ngram_weights", graph)

    def test_pretraining_folder_is_refused_naming_the_component(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            _folder(os.path.join(root, "model"), "TextPretraining", {})
            with self.assertRaises(ValueError) as caught:
                onnx_export.export(os.path.join(root, "model"), os.path.join(root, "model.onnx"))
            self.assertIn("Component is 'TextPretraining'", str(caught.exception))
            self.assertFalse(os.path.exists(os.path.join(root, "model.onnx")))

    def test_missing_folder_and_unsupported_opset_are_named(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            with self.assertRaises(FileNotFoundError) as caught:
                onnx_export.export(os.path.join(root, "absent"), os.path.join(root, "model.onnx"))
            self.assertIn("absent", str(caught.exception))
            with self.assertRaises(ValueError) as caught:
                onnx_export.export(os.path.join(root, "absent"), os.path.join(root, "model.onnx"), opset=11)
            self.assertIn("opset is 11", str(caught.exception))
            self.assertEqual([], os.listdir(root))

    def test_rows_longer_than_learned_positions_are_refused(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            _folder(os.path.join(root, "model"), "TextClassifier", dict(CLASSIFIER_SETTINGS, MaxLength=20))
            with self.assertRaises(ValueError) as caught:
                onnx_export.export(os.path.join(root, "model"), os.path.join(root, "model.onnx"))
            self.assertIn("Settings.MaxLength (20) exceeds ModelOptions.MaxLength (12)", str(caught.exception))

    def test_a_failed_export_leaves_the_previous_file_whole(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            _folder(os.path.join(root, "model"), "TextClassifier", CLASSIFIER_SETTINGS)
            target = os.path.join(root, "model.onnx")
            with open(target, "wb") as handle:
                handle.write(b"previous")

            def half_written(module: object, args: object, path: str, **kwargs: object) -> None:
                with open(path, "wb") as handle:
                    handle.write(b"partial")
                raise RuntimeError("exporter stopped")

            with mock.patch.object(torch.onnx, "export", half_written), self.assertRaises(RuntimeError):
                onnx_export.export(os.path.join(root, "model"), target)
            with open(target, "rb") as handle:
                self.assertEqual(b"previous", handle.read())
            self.assertEqual(["model", "model.onnx"], sorted(os.listdir(root)))


if __name__ == "__main__":
    unittest.main()
