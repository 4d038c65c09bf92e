"""One module per export format (WHOOP, Oura, Apple Health, intervals.icu, generic CSV):
each turns its files into canonical daily rows. May import ``ingest`` and below."""
