"""The live workspace: snapshots, ``pull`` from the Public API, and ``audit`` of the history.
Imports ``core`` and ``_support`` only.
"""
