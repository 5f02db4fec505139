"""Sweeps on disk: job folders and their state, progress, and the aggregated table."""
