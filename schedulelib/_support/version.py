"""The package's version, in the one place every wing may read it from.

Kept in step with ``version`` in pyproject.toml (tests/test_architecture.py checks it).
"""

__version__ = "0.1.0"
