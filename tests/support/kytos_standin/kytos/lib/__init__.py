"""kytos.lib stand-in (test helpers)."""
