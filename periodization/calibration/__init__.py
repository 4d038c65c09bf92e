"""Fitting a person: a real athlete's parameters and hidden state from their history.

Owns: ``history`` (a table as flat arrays), ``replay`` (recorded training through the
model), the posterior of (τ_F, w*) (``calibrate``, ``posterior``, ``grid``, ``lines``,
``kernels``), what the fit removes or allows for (``stress`` and ``stress_kernels``: life
stress; ``illness``; ``inflation``: persistent noise), the estimates read from the data
directly (``direct``), ``fallbacks`` (stand-ins for columns a source lacks), ``personal``
(an export made ready for advice) and ``report``.
May import: ``ingest``, ``features``, ``sim``, ``core``; not ``cohort`` (independent).
"""
