"""Training: configs, the SAC loop, callbacks, checkpoints and run directories.

``launch.run_training`` is the entry point (``periodize train``); ``run_policy`` loads a
finished run directory as a policy without torch. Nothing below this layer imports it.
"""
