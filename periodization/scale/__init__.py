"""Work spread over a Ray cluster (the ``[ray]`` extra, imported lazily).

``sweep`` trains a grid of (config × seed) runs as Ray tasks, ``tune_ray`` runs the Optuna
study's trials in parallel workers sharing one storage, ``batch`` shards a batch of
athletes' advice across workers and streams the results to JSON Lines or Parquet.
``cluster`` connects (a local cluster by default, a running one with ``--address``).
docs/scale.md says how to run on several machines.
"""
