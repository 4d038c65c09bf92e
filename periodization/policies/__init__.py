"""Anything that acts: ``act(obs, mask, deterministic)``.

Owns: the baselines, behaviour cloning, the oracle (model-predictive control over daily
sessions with the true model; its compiled search in ``plan_kernels``) and its calibrated
twin, the random search over weekly plans it is checked against (``weekly_search``),
learned policies served from run directories (``learned``, through ``agents.artifacts``),
``external`` (Python callables, ``module:attr`` and SB3 ``model.zip`` files), ``registry``
(a name, a run directory or one of those → a policy) and ``rollout`` (play a policy on
episodes of the world; used by training and evaluation).
May import: ``agents``, ``env`` and below.
"""
