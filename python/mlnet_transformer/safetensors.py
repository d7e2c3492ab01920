"""The safetensors format, read and written with the standard library and torch only (no code runs from a file):
8-byte little-endian header length, JSON header, raw little-endian tensor bytes. Reading checks what the library
checks: the header lies within the file, dtypes are known, each range matches its shape and the ranges tile the body."""

import json
import struct
from typing import Dict, Tuple

import torch

METADATA = "__metadata__"

DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {dtype: name for name, dtype in DTYPES.items()}


def _bad(why: str) -> ValueError:
    return ValueError(f"invalid safetensors file: {why}")


def read(data: bytes) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    """Bytes of a file -> (name -> tensor in file order, metadata); ValueError names the first fault."""
    if len(data) < 8:
        raise _bad(f"{len(data)} bytes, fewer than the 8 of the header length")
    (header_length,) = struct.unpack("<Q", data[:8])
    if header_length > len(data) - 8:
        raise _bad(f"header length {header_length} exceeds the {len(data) - 8} bytes after it")
    header = json.loads(data[8: 8 + header_length].decode("utf-8"), object_pairs_hook=_unique)
    body = memoryview(data)[8 + header_length:]
    metadata = header.pop(METADATA, {})
    ranges = []
    for name, entry in header.items():
        dtype = entry.get("dtype")
        if dtype not in DTYPES:
            raise _bad(f"tensor '{name}' has the unknown dtype {dtype!r}")
        shape, (begin, end) = list(entry["shape"]), entry["data_offsets"]
        count = 1
        for size in shape:
            count *= size
        if end - begin != count * torch.tensor([], dtype=DTYPES[dtype]).element_size():
            raise _bad(f"tensor '{name}' spans {end - begin} bytes, which does not fit shape {shape} of {dtype}")
        ranges.append((begin, end, name))
    expected = 0
    for begin, end, name in sorted(ranges):
        if end > len(body):
            raise _bad(f"tensor '{name}' ends at byte {end} but the body holds {len(body)}")
        if begin != expected:
            raise _bad(f"tensor '{name}' starts at byte {begin}, expected {expected} (overlap or gap)")
        expected = end
    if expected != len(body):
        raise _bad(f"the tensors cover {expected} of the body's {len(body)} bytes")
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = bytearray(body[begin:end])
        tensors[name] = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"]) if raw else \
            torch.zeros(entry["shape"], dtype=DTYPES[entry["dtype"]])
    return tensors, metadata


def write(tensors: Dict[str, torch.Tensor], metadata: Dict[str, str]) -> bytes:
    """name -> tensor (in the order given) -> the file's bytes, header padded with spaces to 8-byte alignment."""
    header: Dict[str, object] = {METADATA: dict(metadata)}
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        raw = tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        header[name] = {"dtype": NAMES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks)


def _unique(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _bad(f"the header names '{key}' twice")
        result[key] = value
    return result
