"""Shared pieces of the benchmark: machine facts, the bench broker, events, statistics."""
