"""Learners: masked discrete SAC (math, networks, replay buffer), the torch-free actor and
a trained model's files (``artifacts``: run-directory names and loading).

Importing this package does not import torch: ``numpy_policy`` and ``artifacts`` serve a
trained actor without it. Import ``periodization.agents.sac`` for training.
May import: ``env`` and below.
"""
