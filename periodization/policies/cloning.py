"""Behaviour cloning: a small network trained to do what the cohort's athletes did.

The seed's "supervised" baseline: it imitates people roughly following plans (skips,
overdoing, camps), so it learns their habits, good and bad. Trained on the training
athletes' rows of the cohort, on the normalised 17 features of the morning (observation
space v1: the leading columns of any observation); masked argmax at use.
"""

from __future__ import annotations

import numpy as np
import torch

from periodization.cohort.dataset import PreparedCohort
from periodization.policies.base import BasePolicy
from periodization.sim.actions import N_ACTIONS


class CloningPolicy(BasePolicy):
    name = "cloning"

    def __init__(self, prepared: PreparedCohort, *, seed: int = 0, epochs: int = 30,
                 hidden: int = 64) -> None:
        train = prepared.split_rows("train")
        actions = prepared.pre.table["action"].to_numpy()
        keep = train & (actions >= 0)
        scaler = prepared.scaler.restrict(1)
        self.width = scaler.n_features
        x = torch.from_numpy(scaler.transform(prepared.features.raw[keep]))
        y = torch.from_numpy(actions[keep].astype(np.int64))
        threads = torch.get_num_threads()
        # One thread while training: reductions then add up in the same order whatever the
        # caller's setting, so the same seed gives the same network in every process.
        torch.set_num_threads(1)
        try:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                self.net = torch.nn.Sequential(
                    torch.nn.Linear(self.width, hidden), torch.nn.ReLU(),
                    torch.nn.Linear(hidden, hidden), torch.nn.ReLU(),
                    torch.nn.Linear(hidden, N_ACTIONS))
                optim = torch.optim.Adam(self.net.parameters(), lr=3e-3)
                gen = torch.Generator().manual_seed(seed)
                for _ in range(epochs):
                    for idx in torch.randperm(len(x), generator=gen).split(512):
                        loss = torch.nn.functional.cross_entropy(self.net(x[idx]), y[idx])
                        optim.zero_grad()
                        loss.backward()
                        optim.step()
        finally:
            torch.set_num_threads(threads)
        with torch.no_grad():
            self.train_accuracy = float((self.net(x).argmax(1) == y).float().mean())

    @torch.inference_mode()
    def act(self, obs: np.ndarray, mask: np.ndarray, deterministic: bool = True) -> np.ndarray:
        x = np.ascontiguousarray(np.asarray(obs, dtype=np.float32)[..., :self.width])
        logits = self.net(torch.from_numpy(x)).numpy()
        return np.where(mask, logits, -np.inf).argmax(axis=1)
