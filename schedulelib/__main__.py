"""``python -m schedulelib``: the command line."""

from .cli import main

raise SystemExit(main())
