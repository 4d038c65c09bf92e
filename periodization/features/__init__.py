"""The features (17 of the morning, 14 of its history): the only implementation,
incremental and batched, and the scaler.

Owns: ``daily`` (``morning`` / ``record_day`` over a ``FeatureState``), their compiled
kernels, ``table`` (the same two calls over a whole table), ``scaler`` (normalisation
fitted on training athletes, versioned with the observation space).
May import: ``sim``, ``core``. Used by the environment and by real data alike.
"""
