"""Actor and twin critics, built by one MLP builder.

Shapes: B = batch, O = observation features, A = actions, E = ensemble members.
There is no dropout or normalisation layer anywhere, so train and eval modes compute the
same function (an earlier implementation left dropout on at evaluation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import torch
from torch import nn


class EnsembleLinear(nn.Module):
    """E independent linear layers evaluated in one batched matmul: (E, B, I) → (E, B, O).

    Each member is initialised like ``nn.Linear`` (uniform ±1/√I for weight and bias).
    """

    def __init__(self, n_in: int, n_out: int, *, members: int) -> None:
        super().__init__()
        bound = 1.0 / math.sqrt(n_in)
        self.weight = nn.Parameter(torch.empty(members, n_in, n_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(members, 1, n_out).uniform_(-bound, bound))

    def forward(self, x_EBI: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x_EBI, self.weight)


def mlp(sizes: Sequence[int], *, members: int | None = None) -> nn.Sequential:
    """ReLU MLP through ``sizes`` = (input, *hidden, output), linear output layer.

    ``members=None`` builds one net of ``nn.Linear`` layers, (B, I) → (B, O);
    ``members=E`` builds E independent nets that run as one: (E, B, I) → (E, B, O).
    """
    layers: list[nn.Module] = []
    for n_in, n_out in pairwise(sizes):
        layers.append(
            nn.Linear(n_in, n_out) if members is None
            else EnsembleLinear(n_in, n_out, members=members))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers[:-1])


class Actor(nn.Module):
    """Policy network: ``(obs_BO) -> logits_BA``, unmasked (masking is the learner's job)."""

    def __init__(self, *, obs_dim: int, n_actions: int, hidden: Sequence[int]) -> None:
        super().__init__()
        self.net = mlp((obs_dim, *hidden, n_actions))

    def forward(self, obs_BO: torch.Tensor) -> torch.Tensor:
        return self.net(obs_BO)

    def linear_layers(self) -> list[nn.Linear]:
        """The linear layers in order (ReLU between consecutive ones, none after the last)."""
        return [m for m in self.net if isinstance(m, nn.Linear)]


class TwinCritic(nn.Module):
    """Two independent soft Q-networks: ``(obs_BO) -> (q1_BA, q2_BA)``.

    Both run as one ensemble (a batched matmul per layer) instead of two modules: one set
    of kernel launches and one optimiser over 6 tensors instead of 12.
    """

    def __init__(self, *, obs_dim: int, n_actions: int, hidden: Sequence[int]) -> None:
        super().__init__()
        self.net = mlp((obs_dim, *hidden, n_actions), members=2)

    def forward(self, obs_BO: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        q_2BA = self.net(obs_BO.expand(2, *obs_BO.shape))
        return q_2BA[0], q_2BA[1]
