"""``authenticated`` is accepted but enforces nothing in the stand-in.

Real Kytos wraps the handler with a JWT check; the stand-in has no users.
"""


def authenticated(func):
    """Return ``func`` unchanged (no authentication in the stand-in)."""
    return func
