"""The library's optimisation around each step: AdamW with weight decay only on matrices that are neither embeddings
nor norms, a learning rate warmed up then decayed (cosine, linear or constant), and the gradients' global norm clipped."""

import math
from typing import List, Optional

import torch
from torch import nn

AUTOMATIC_WARMUP_FRACTION, AUTOMATIC_WARMUP_MAX_STEPS = 0.08, 200
SCHEDULES = ("cosine", "linear", "constant")


def optimizer(model: nn.Module, learning_rate: float, weight_decay: float) -> torch.optim.AdamW:
    """AdamW whose first group decays (2-D weights whose name says neither embedding nor norm) and second does not."""
    decay, no_decay = [], []
    for name, parameter in model.named_parameters():
        lowered = name.lower()
        decays = parameter.dim() >= 2 and "embed" not in lowered and "norm" not in lowered
        (decay if decays else no_decay).append(parameter)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=learning_rate)


def warmup_for(total_steps: int, warmup_steps: Optional[int]) -> int:
    """The warm-up the library picks: 8% of the steps, at least 1 and at most 200, unless given."""
    if warmup_steps is not None:
        return warmup_steps
    return min(max(math.ceil(AUTOMATIC_WARMUP_FRACTION * max(1, total_steps)), 1), AUTOMATIC_WARMUP_MAX_STEPS)


def learning_rate(step: int, schedule: str, peak: float, minimum: float, warmup: int, total: int) -> float:
    """The rate of 0-based `step`: linear warm-up counted from 1, then the decay reaching `minimum` at step `total`."""
    if step < warmup:
        return peak * (step + 1) / warmup
    if schedule == "constant":
        return peak
    progress = min(max((step - warmup) / max(1, total - warmup), 0.0), 1.0)
    fraction = 1 - progress if schedule == "linear" else 0.5 * (1 + math.cos(math.pi * progress))
    return minimum + (peak - minimum) * fraction


def clip(parameters: List[nn.Parameter], max_norm: float) -> float:
    """Scales the gradients down to a global norm of `max_norm` (with the library's small margin); returns the norm."""
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return 0.0
    with torch.no_grad():
        norm = torch.stack([g.norm() for g in grads]).norm().double().item()
        if max_norm > 0 and norm > max_norm:
            for g in grads:
                g.mul_(max_norm / (norm * (1 + 1e-5) + 1e-6))
    return norm
