"""Anything that acts: ``act(obs, mask, deterministic)``.

Owns: the baselines, behaviour cloning, the oracle (model-predictive control with the true
model) and its calibrated twin, learned policies served from run directories (``learned``,
through ``agents.artifacts``), ``registry`` (a name or a run directory → a policy) and
``rollout`` (play a policy on episodes of the world; used by training and evaluation).
May import: ``agents``, ``env`` and below.
"""
