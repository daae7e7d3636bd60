"""Previews of runs: the calendar model and its load analysis, terminal grids, ``.ics`` and HTML.
Imports ``core`` and ``_support`` only.
"""
