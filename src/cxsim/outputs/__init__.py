"""Outputs: result folders published atomically, figures and tables from plain data."""
