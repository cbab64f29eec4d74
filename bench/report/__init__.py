"""Targets, plots and RESULTS.md from a results dictionary."""
