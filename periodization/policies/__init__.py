"""Anything that acts: ``act(obs, mask, deterministic)``. Baselines, cloning and the oracle."""
