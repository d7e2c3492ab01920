"""The Python reader refuses what the library's reader refuses, naming the first fault."""

import json
import struct
import unittest

import torch

from mlnet_transformer import safetensors


def _file(header: dict, body: bytes) -> bytes:
    encoded = json.dumps(header).encode("utf-8")
    return struct.pack("<Q", len(encoded)) + encoded + body


class SafetensorsTests(unittest.TestCase):
    def test_round_trip_keeps_names_order_values_and_metadata(self) -> None:
        tensors = {"b": torch.randn(2, 3), "a": torch.arange(4, dtype=torch.int64), "c": torch.randn(5).to(torch.bfloat16)}
        read, metadata = safetensors.read(safetensors.write(tensors, {"format": "pt"}))
        self.assertEqual(list(read), ["b", "a", "c"])
        self.assertEqual(metadata, {"format": "pt"})
        for name, tensor in tensors.items():
            self.assertTrue(torch.equal(read[name], tensor), name)

    def assert_refused(self, data: bytes, fragment: str) -> None:
        with self.assertRaises(ValueError) as caught:
            safetensors.read(data)
        self.assertIn(fragment, str(caught.exception))

    def test_header_length_beyond_the_file(self) -> None:
        self.assert_refused(struct.pack("<Q", 1000) + b"{}", "exceeds")

    def test_unknown_dtype(self) -> None:
        self.assert_refused(_file({"x": {"dtype": "F12", "shape": [1], "data_offsets": [0, 4]}}, bytes(4)), "unknown dtype")

    def test_range_that_does_not_fit_the_shape(self) -> None:
        self.assert_refused(_file({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}, bytes(4)), "does not fit shape")

    def test_truncated_body(self) -> None:
        self.assert_refused(_file({"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, bytes(4)), "body holds 4")

    def test_overlapping_ranges(self) -> None:
        header = {"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "y": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}
        self.assert_refused(_file(header, bytes(8)), "'y' starts at byte 4, expected 8")

    def test_gap_after_the_last_tensor(self) -> None:
        self.assert_refused(_file({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, bytes(8)), "cover 4 of the body's 8")

    def test_a_name_given_twice(self) -> None:
        encoded = b'{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
        self.assert_refused(struct.pack("<Q", len(encoded)) + encoded + bytes(4), "names 'x' twice")


if __name__ == "__main__":
    unittest.main()
