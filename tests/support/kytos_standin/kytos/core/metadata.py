"""Version of the Kytos-ng core this stand-in imitates."""

__version__ = '2025.2.0'
__standin__ = True
