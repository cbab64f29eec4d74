"""The five measurements; each file runs in its own process (harness.proc)."""
