"""``schedulelib lsp``: a Language Server (stdio) for the files ``validate`` reads.

:mod:`.server` is the pygls server (the optional extra ``schedulelib[lsp]``); the rest is
pure and pygls-free: :mod:`.adapter` (every use of the lint engine and the fixer),
:mod:`.positions` (file lines and columns to LSP positions), :mod:`.hover` and
:mod:`.complete`.
"""
