"""Helpers every wing may use: safe file opening, terminal text, the version.

Nothing here imports any other part of schedulelib (docs/architecture.md).
"""
