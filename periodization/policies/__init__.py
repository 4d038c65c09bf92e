"""Anything that acts: ``act(obs, mask, deterministic)``.

Owns: the baselines, behaviour cloning, the oracle (model-predictive control with the true
model) and its calibrated twin, learned policies served from run directories (``learned``,
through ``agents.artifacts``), ``external`` (Python callables, ``module:attr`` and SB3
``model.zip`` files), ``registry`` (a name, a run directory or one of those → a policy) and
``rollout`` (play a policy on episodes of the world; used by training and evaluation).
May import: ``agents``, ``env`` and below.
"""
