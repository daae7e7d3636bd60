"""The pure core: durations, cron and its floor, zones, the rule registry and diagnostics,
schedule documents, the run engines, analysis, explanations and the JSON Schema.

It reads no file and prints nothing; it imports only ``core`` and ``_support``.
"""
