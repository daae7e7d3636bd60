"""``python -m schedulelib``: the command line."""

from schedulelib.cli.main import main

raise SystemExit(main())
