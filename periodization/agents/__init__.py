"""Learners: masked discrete SAC (math, networks, replay buffer) and a torch-free actor.

Importing this package does not import torch: ``numpy_policy`` serves a trained actor
without it. Import ``periodization.agents.sac`` for training.
"""
