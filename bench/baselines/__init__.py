"""The systems the bridge is compared with, each written as its users would write it."""
