"""Checkpoints of a run: the network's and optimiser's state and the step reached, written to a temporary file that
then takes the name (a crash never leaves half a checkpoint), and read back without running code from the file."""

import os

import torch
from torch import nn


def save(path: str, model: nn.Module, optimizer: torch.optim.Optimizer, step: int) -> None:
    temporary = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step}, temporary)
    os.replace(temporary, path)


def resume(path, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    """The step to continue from: the checkpoint's, or 0 when there is none yet."""
    if not path or not os.path.exists(path):
        return 0
    state = torch.load(path, weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    return int(state["step"])
