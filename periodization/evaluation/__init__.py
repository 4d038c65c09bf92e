"""Play policies on worlds and compare them: per-episode tables, summaries, statistics.

Owns: ``evaluate`` (every named policy on the same episodes), ``metrics``, ``stats``,
``analysis``, ``compare``, ``runs`` (run directories grouped into agents), ``trajectory``,
``policy_map``, ``calibration_check``.
May import: ``policies`` and below; not ``training`` (independent).
"""
