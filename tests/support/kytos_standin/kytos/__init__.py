"""Test-only stand-in for the few ``kytos`` names the event_bridge NApp uses.

This is NOT Kytos-ng. It reproduces the behaviour of kytos-ng core 2025.2.0
that a NApp can observe (see ../README.md); everything else is absent.
"""

STANDIN = True
