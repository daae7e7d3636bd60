"""Helpers every wing may use: opening only regular files, replacing a file whole, terminal
text and colour, numbering names that repeat, the version.

Nothing here imports any other part of schedulelib (docs/architecture.md).
"""
