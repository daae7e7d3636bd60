"""The click commands, one module per command group. Nothing imports this package but the
console script and ``python -m schedulelib``.
"""
