"""Training: configs, the SAC and PPO loops, callbacks, checkpoints and run directories.

``launch.run_training`` is the entry point (``periodize train``). Validation during a run
plays policies with ``policies.rollout``; nothing here imports ``evaluation``.
May import: ``policies`` and below.
"""
