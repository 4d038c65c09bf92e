"""Core: one-line user errors, atomic file writes and staged directories, console output.

Owns: ``errors`` (``UserError`` and kin, turned into one line and exit 2 by the CLI), ``io``
(atomic writes, staged directory commits, JSON reading), ``console`` (rich tables), ``jit``
(numba kernels compiled lazily, or run as plain Python for small batches), ``validation``
(pydantic schemas and their errors as one line), ``yaml_io`` (strict YAML: no duplicate
keys, no aliases), ``extras`` (optional dependencies imported lazily, with the extra to
install named).
May import: nothing of the project (the bottom layer).
"""
