"""Text -> ids exactly as the library's TextTokenizer gives them, for the vocabularies a model folder carries: the byte
vocabulary, a learned byte-level BPE (merges.json) and byte-level BPE files (vocab.json + merges.txt). Special tokens
take ids 0..k-1 and ordinary ids are shifted up by k. GPT-2's vocabulary ships inside the library, not in the folder,
so it is refused here with a message.
`python3 -m mlnet_transformer.tokenizer FOLDER TEXTS.json OUT.json` writes the ids of each text (a check tool)."""

import json
import os
import sys
from typing import Dict, List, Mapping, Sequence, Tuple

from . import bounded
from .bpe import BytePairEncoding, vocabulary_from_merges
from .pretokenize import pretokenize, replace_lone_surrogates, to_units, utf8

PAD, BEGIN, END, UNKNOWN, SEPARATOR, CLASSIFICATION, MASK = range(7)
FIXED_SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>", "<sep>", "<cls>", "<mask>")
KEEP_HEAD, KEEP_TAIL = "KeepHead", "KeepTail"
VOCABULARY_FILES = ("merges.json", "vocab.json", "merges.txt")


class Tokenizer:
    """The special tokens and a byte-level BPE underneath (the byte vocabulary is one with no merges)."""

    def __init__(self, bpe: BytePairEncoding, base_size: int, sentinels: int) -> None:
        self.bpe = bpe
        self.sentinel_count = sentinels
        self.special_count = len(FIXED_SPECIALS) + sentinels
        self.vocabulary_size = self.special_count + base_size

    def sentinel(self, index: int) -> int:
        if not 0 <= index < self.sentinel_count:
            raise ValueError(f"sentinel {index} does not exist: the tokenizer has {self.sentinel_count} (TokenizerOptions.SentinelCount)")
        return len(FIXED_SPECIALS) + index

    def encode(self, text: str) -> List[int]:
        """Ordinary ids of the whole text, no special token added; a text longer than bounded.LONGEST_RUN units is read
        in the library's pieces, as TextTokenizer.Encode reads it (linear time on a long run without whitespace)."""
        units = replace_lone_surrogates(to_units(text))
        if len(units) <= bounded.LONGEST_RUN:
            return self._encode_units(units)
        return bounded.head(units, sys.maxsize, self._encode_units)

    def encode_bounded(self, text: str, limit: int, side: str) -> List[int]:
        """The first (KeepHead) or last (KeepTail) `limit` ids, the text read in the library's pieces."""
        units = replace_lone_surrogates(to_units(text))
        cut = bounded.head if side == KEEP_HEAD else bounded.tail
        return cut(units, limit, self._encode_units)

    def _encode_units(self, units: str) -> List[int]:
        shift = self.special_count
        return [i + shift for piece in pretokenize(units) for i in self.bpe.encode(utf8(piece))]


def from_folder(description: Mapping[str, object], files: Mapping[str, bytes]) -> Tokenizer:
    """The tokenizer config.json's "Tokenizer" describes, its vocabulary read from the folder's files."""
    kind, sentinels = description["Kind"], int(description["SentinelCount"])  # type: ignore[arg-type]
    if kind == "Bytes":
        merges: List[Tuple[str, str]] = []
        vocabulary = vocabulary_from_merges(merges)
    elif kind == "LearnedBpe":
        merges = [(left, right) for left, right in json.loads(_file(files, "merges.json"))]
        vocabulary = vocabulary_from_merges(merges)
    elif kind == "BpeFiles":
        if not description.get("ByteLevel"):
            raise ValueError("the Python package reads byte-level BPE files only; this model's BpeFiles tokenizer has ByteLevel false")
        vocabulary = json.loads(_file(files, "vocab.json"))
        merges = _merge_lines(_file(files, "merges.txt").decode("utf-8"))
    else:
        raise ValueError(f"the Python package cannot encode text with a {kind} tokenizer (it reads Bytes, LearnedBpe and "
                         "byte-level BpeFiles; GPT-2's vocabulary is not in the model folder)")
    base = max(vocabulary.values(), default=-1) + 1
    tokenizer = Tokenizer(BytePairEncoding(vocabulary, merges), base, sentinels)
    names = list(FIXED_SPECIALS) + [f"<extra_id_{i}>" for i in range(sentinels)]
    if description.get("SpecialTokens") != names:
        raise ValueError(f"the folder's special tokens {description.get('SpecialTokens')} are not the library's {names}")
    if tokenizer.vocabulary_size != description["VocabularySize"]:
        raise ValueError(f"the tokenizer rebuilt with {tokenizer.vocabulary_size} ids where config.json says "
                         f"VocabularySize {description['VocabularySize']}")
    return tokenizer


def _file(files: Mapping[str, bytes], name: str) -> bytes:
    if name not in files:
        raise ValueError(f"the model folder lacks {name}, which its tokenizer needs")
    return files[name]


def _merge_lines(text: str) -> List[Tuple[str, str]]:
    """merges.txt as the library reads it: "left right" a line; blank lines and a "#version" header are skipped."""
    merges = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line or line.startswith("#version"):
            continue
        left, _, right = line.partition(" ")
        merges.append((left, right))
    return merges


def read_folder(path: str) -> Tokenizer:
    """The tokenizer of a model folder, from its config.json and vocabulary files alone (no weights are read)."""
    with open(os.path.join(path, "config.json"), encoding="utf-8") as handle:
        description = json.load(handle)["Tokenizer"]
    files = {}
    for name in VOCABULARY_FILES:
        if os.path.exists(os.path.join(path, name)):
            with open(os.path.join(path, name), "rb") as handle:
                files[name] = handle.read()
    return from_folder(description, files)


def main(arguments: Sequence[str]) -> None:
    tokenizer = read_folder(arguments[0])
    with open(arguments[1], encoding="utf-8") as handle:
        cases: List[Dict[str, object]] = json.load(handle)
    results = []
    for case in cases:
        text, limit = str(case["Text"]), case.get("Limit")
        results.append(tokenizer.encode(text) if limit is None else
                       tokenizer.encode_bounded(text, int(limit), str(case.get("Side", KEEP_HEAD))))  # type: ignore[arg-type]
    with open(arguments[2], "w", encoding="utf-8") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main(sys.argv[1:])
