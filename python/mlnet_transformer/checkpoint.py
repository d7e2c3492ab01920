"""Checkpoints of a run as a safetensors file: the network's tensors under "model.", the optimiser's per-parameter state
under "optimizer.<index>.<name>", its hyper-parameters and the step reached in the metadata (JSON). Written to a
temporary file that then takes the name (a crash never leaves half a checkpoint); reading runs no code from the file."""

import json
import os
from typing import Dict

import torch
from torch import nn

from . import safetensors

MODEL, OPTIMIZER = "model.", "optimizer."


def save(path: str, model: nn.Module, optimizer: torch.optim.Optimizer, step: int) -> None:
    tensors: Dict[str, torch.Tensor] = {MODEL + name: t for name, t in model.state_dict().items()}
    state = optimizer.state_dict()
    for index, values in state["state"].items():
        for name, value in values.items():
            tensors[f"{OPTIMIZER}{index}.{name}"] = value if torch.is_tensor(value) else torch.tensor(value)
    metadata = {"step": str(step), "param_groups": json.dumps(state["param_groups"])}
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(safetensors.write(tensors, metadata))
    os.replace(temporary, path)


def resume(path, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """The step to continue from: the checkpoint's, or 0 when there is none yet."""
    if not path or not os.path.exists(path):
        return 0
    with open(path, "rb") as handle:
        tensors, metadata = safetensors.read(handle.read())
    model.load_state_dict({name[len(MODEL):]: t for name, t in tensors.items() if name.startswith(MODEL)}, strict=True)
    state: Dict[int, Dict[str, torch.Tensor]] = {}
    for name, tensor in tensors.items():
        if name.startswith(OPTIMIZER):
            index, key = name[len(OPTIMIZER):].split(".", 1)
            state.setdefault(int(index), {})[key] = tensor
    optimizer.load_state_dict({"state": state, "param_groups": json.loads(metadata["param_groups"])})
    return int(metadata["step"])
