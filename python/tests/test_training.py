"""The trainer's own behaviour, single process: a run stopped at a checkpoint and resumed ends where an uninterrupted run
ends; .NET's Random and the objectives' corruption keep the library's invariants."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

from mlnet_transformer import EncoderDecoderModel, ModelFolder, ModelOptions, load_folder, save_folder
from mlnet_transformer.dotnet_random import DotNetRandom
from mlnet_transformer.objectives import MaskedLanguageModelling, SpanCorruption
from mlnet_transformer.bpe import BytePairEncoding, vocabulary_from_merges
from mlnet_transformer.rows import read_rows
from mlnet_transformer.tokenizer import FIXED_SPECIALS, MASK, Tokenizer, from_folder

OPTIONS = {
    "VocabularySize": 263, "ModelDimension": 16, "Heads": 2, "EncoderLayers": 0, "DecoderLayers": 1, "FeedForwardDimension": 32,
    "Activation": "Relu", "EmbeddingDropout": 0.0, "AttentionDropout": 0.0, "ResidualDropout": 0.0, "FeedForwardDropout": 0.0,
    "MaxLength": 16, "AllowLengthExtrapolation": False, "Attention": "Full", "AttentionWindow": 4, "GlobalTokens": 1,
    "PositionalEncoding": "Learned", "NormPlacement": "PreNorm", "TieEmbeddings": False, "LayerNormEpsilon": 1e-5,
    "ScaleEmbeddings": True, "PaddingId": 0,
}
TOKENIZER = {"Kind": "Bytes", "SentinelCount": 0, "SpecialTokens": list(FIXED_SPECIALS), "VocabularySize": 263, "Fingerprint": "x"}
SETTINGS = {"TextColumn": "Text", "LossColumn": "Loss", "PerplexityColumn": "Perplexity", "ScoringBatchSize": 4,
            "Objective": {"Kind": "CausalLanguageModel", "MaxLength": 16, "NoiseDensity": 0.15, "MeanSpanLength": 3, "MaskProbability": 0.15}}
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _causal_folder(path: str) -> None:
    torch.manual_seed(0)
    options = ModelOptions.from_json(OPTIONS)
    config = {"Format": "Microsoft.ML.Transformer.ModelFolder", "FormatVersion": 1, "LibraryVersion": "test",
              "Component": "TextPretraining", "ModelOptions": OPTIONS, "Tokenizer": TOKENIZER, "Settings": SETTINGS, "Files": {}}
    save_folder(ModelFolder(config, options, EncoderDecoderModel(options)), path)


def _train(*arguments: str) -> None:
    environment = dict(os.environ, PYTHONPATH=PACKAGE, OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, "-m", "mlnet_transformer.train", *arguments], check=True, env=environment)


def _tokenizer(sentinels: int) -> Tokenizer:
    return Tokenizer(BytePairEncoding(vocabulary_from_merges([]), []), 256, sentinels)


class TrainingTests(unittest.TestCase):
    def test_a_resumed_run_ends_where_an_uninterrupted_one_does(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            start, data = os.path.join(root, "start"), os.path.join(root, "texts.txt")
            _causal_folder(start)
            with open(data, "w", encoding="utf-8") as handle:
                handle.write("\n".join(f"text number {i} and some words, été" for i in range(30)))
            # A constant rate: the first run stops at --steps 2 where an interrupted run would have kept --steps 4.
            common = ["--model", start, "--data", data, "--batch-size", "4", "--learning-rate", "0.01", "--schedule", "constant",
                      "--warmup-steps", "0"]
            checkpoint = os.path.join(root, "run.pt")
            _train(*common, "--steps", "2", "--checkpoint", checkpoint, "--checkpoint-every", "1")
            _train(*common, "--steps", "4", "--checkpoint", checkpoint, "--output", os.path.join(root, "resumed"))
            _train(*common, "--steps", "4", "--output", os.path.join(root, "straight"))
            resumed = load_folder(os.path.join(root, "resumed")).module.state_dict()
            straight = load_folder(os.path.join(root, "straight")).module.state_dict()
            initial = load_folder(start).module.state_dict()
            for name, tensor in straight.items():
                self.assertTrue(torch.equal(tensor, resumed[name]), name)
            self.assertTrue(any(not torch.equal(t, initial[n]) for n, t in straight.items()), "training changed nothing")

    def test_dotnet_random_stays_in_range_for_every_kind_of_seed(self) -> None:
        for seed in (0, 1, 42, 161_803_398, 2_000_000_000, 2**31 - 1, -5):
            rng = DotNetRandom(seed)
            draws = [rng.next_double() for _ in range(2000)]
            self.assertTrue(all(0.0 <= d < 1.0 for d in draws), seed)
            self.assertTrue(all(3 <= rng.next(3, 9) < 9 for _ in range(200)), seed)

    def test_masked_lm_labels_the_chosen_tokens_and_keeps_the_frame(self) -> None:
        objective = MaskedLanguageModelling(_tokenizer(0), 32, 0.15)
        chunk = list(range(20, 40))
        example = objective.corrupt(0, chunk, DotNetRandom(3))
        self.assertEqual(len(example.input), 22)
        labelled = [i for i, label in enumerate(example.labels) if label != -100]
        self.assertEqual(len(labelled), 3)  # round(20 x 0.15)
        self.assertTrue(all(example.labels[i] == chunk[i - 1] for i in labelled))
        self.assertTrue(any(example.input[i] == MASK for i in labelled) or len(labelled) < 3)

    def test_span_corruption_hides_every_token_once(self) -> None:
        tokenizer = _tokenizer(8)
        objective = SpanCorruption(tokenizer, 64, 0.15, 3.0)
        chunk = list(range(20, 60))
        example = objective.corrupt(0, chunk, DotNetRandom(9))
        kept = [t for t in example.input if t >= tokenizer.special_count]
        hidden = [t for t in example.labels if t >= tokenizer.special_count]
        self.assertEqual(sorted(kept + hidden), chunk)
        self.assertEqual(example.decoder_input[1:], example.labels[:-1])


class BadInputTests(unittest.TestCase):
    def test_a_missing_column_is_named_with_the_columns_found(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "rows.tsv")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("Text\tLabel\nhello\tgreeting\n")
            with self.assertRaisesRegex(ValueError, r"column 'Source' not found .*\['Text', 'Label'\]"):
                read_rows(path, ("Source", "Target"))

    def test_a_csv_reads_quoted_fields_by_column_name(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "rows.csv")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write('Label,Text\nquote,"a, b ""c"""\nempty,\n')
            self.assertEqual(read_rows(path, ("Text", "Label")), [('a, b "c"', "quote"), ("", "empty")])

    def test_a_file_of_lines_cannot_give_two_columns(self) -> None:
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "rows.txt")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("one\ntwo\n")
            self.assertEqual(read_rows(path, ("Text",)), [("one",), ("two",)])
            with self.assertRaisesRegex(ValueError, "one text a line.*Source"):
                read_rows(path, ("Source", "Target"))

    def test_a_vocabulary_the_folder_does_not_carry_is_refused_by_name(self) -> None:
        with self.assertRaisesRegex(ValueError, "Gpt2 tokenizer"):
            from_folder(dict(TOKENIZER, Kind="Gpt2"), {})
        with self.assertRaisesRegex(ValueError, "lacks merges.json"):
            from_folder(dict(TOKENIZER, Kind="LearnedBpe"), {})
        with self.assertRaisesRegex(ValueError, "VocabularySize 300"):
            from_folder(dict(TOKENIZER, VocabularySize=300), {})


if __name__ == "__main__":
    unittest.main()
