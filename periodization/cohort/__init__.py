"""Synthetic data: cohorts of simulated athletes living under a realistic behaviour policy.

Owns: ``synth`` (synthesise, save, load a cohort directory), ``behaviour`` (how real people
train), ``dataset`` (a cohort preprocessed, split by athlete, featurised and scaled) and
``cache`` (the default cohort, generated once per machine).
May import: ``ingest`` (preprocessing), ``features``, ``sim``, ``core``; not ``calibration``.
"""
