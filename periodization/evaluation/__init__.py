"""Use policies on worlds: per-episode metrics, statistics, plots and the report."""
