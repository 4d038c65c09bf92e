"""Real data in: wearable exports brought into the canonical daily table, and that table
made clean.

Owns: ``schema`` (the canonical daily table), ``preprocess`` (validation, plausibility,
causal imputation, the athlete split), the importers (``exports.load_wearable``, format
detection, ``formats/`` per vendor, ``jsonfile`` for JSON exports, ``merge`` for one
athlete's several sources), the long multi-athlete table and ``inputs`` (what a
``--data`` argument holds: one athlete or a team).
May import: ``features``, ``sim``, ``core``.
"""
