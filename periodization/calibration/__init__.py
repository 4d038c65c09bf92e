"""Fitting a person: a real athlete's parameters and hidden state from their history.

Owns: ``history`` (a table as flat arrays), ``replay`` (recorded training through the
model), the grid posterior (``calibrate``, ``grid``, ``kernels``), ``fallbacks`` (stand-ins
for columns a source lacks), ``personal`` (an export made ready for advice) and ``report``.
May import: ``ingest``, ``features``, ``sim``, ``core``; not ``cohort`` (independent).
"""
