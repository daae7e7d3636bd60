"""Files in, findings out: the readers (``sources``), configuration, suppressions, the validate
engine, ``--fix`` and the machine formats. Imports ``core`` and ``_support`` only.
"""
