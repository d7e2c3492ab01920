"""Rotary positions: pair (i, i + Dh/2) of a head's query or key at position p is rotated by p * 10000^(-2i/Dh)."""

import torch

from .positions import angles


def rotate(x: torch.Tensor, offset: int = 0) -> torch.Tensor:
    """x [B, H, T, Dh] at positions offset..offset+T-1 -> the same shape, rotated ("rotate half" layout)."""
    length, head_dimension = x.shape[2], x.shape[3]
    half = head_dimension // 2
    angle = angles(offset + length, head_dimension)[offset:]
    cos, sin = angle.cos().to(x.dtype).to(x.device), angle.sin().to(x.dtype).to(x.device)
    first, second = x[..., :half], x[..., half:]
    return torch.cat([first * cos - second * sin, second * cos + first * sin], dim=-1)
