"""Exports written the way each vendor writes them (headers, units, time conventions,
quirks), from generated day-level truth: never anyone's real data. Tests and
``benchmarks/recommend_time.py`` build fixtures of any length with them (a year-long
one per format is made at run time, not committed)."""
