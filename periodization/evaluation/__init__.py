"""Play policies on worlds and compare them: per-episode tables, summaries, statistics.

Owns: ``evaluate`` (every named policy on the same episodes), ``metrics``, ``stats``,
``bootstrap``, ``analysis``, ``compare``, ``runs`` (run directories grouped into agents),
``trajectory``, ``policy_map``, ``calibration_check``; ``periodize simulate`` (``plan``,
``simulate_start``, ``simulate``, ``session_model`` — the one adapter to the world's
version —, ``simulate_trace``, ``simulate_command``) and the validation harness
(``studies``: published findings as protocols through ``simulate``).
May import: ``policies`` and below; not ``training`` (independent).
"""
