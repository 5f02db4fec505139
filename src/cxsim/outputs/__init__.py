"""Outputs: result folders published atomically; figures, tables and statistics of plain data."""
