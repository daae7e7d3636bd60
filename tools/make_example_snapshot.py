"""Write examples/snapshot.json: the invented workspace of docs/audit.md's worked example.

The runs come from the exact engine (robfig/cron v3 policy), then a few things go wrong on
purpose: a sync that runs long enough to swallow the next run, a failure, a late start, a
manual sync, and a disabled model.  Run: python tools/make_example_snapshot.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schedulelib import load  # noqa: E402
from schedulelib.workspace.snapshot import write_snapshot  # noqa: E402

UNTIL = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=7)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sync(n: int, start: datetime, minutes: float, status: str = "SUCCESS",
          code: str | None = None) -> dict[str, Any]:
    return {"syncId": f"sync-{n:04d}", "syncStatus": status, "startedAt": _iso(start),
            "finishedAt": _iso(start + timedelta(minutes=minutes)),
            "duration": f"{int(minutes)}m{int(minutes * 60) % 60}s", "errorCode": code,
            "error": "warehouse query timed out" if code else None}


def _runs(schedule: dict[str, Any]) -> list[datetime]:
    return [r.astimezone(UTC) for r in load(schedule).runs(SINCE, UNTIL)]


def main() -> None:
    nightly = {"strategy": "CRON", "config": {"spec": "0 1 * * *",
                                              "timezone": "America/New_York"}}
    four_hourly = {"strategy": "CRON", "config": {"spec": "0 */4 * * *", "timezone": "UTC"}}
    n = 0
    accounts = []
    for run in _runs(nightly):
        n += 1
        accounts.append(_sync(n, run + timedelta(seconds=20), 12))
    contacts = []
    for i, run in enumerate(_runs(four_hourly)):
        n += 1
        if i == 9:  # runs for 5 hours: the next run finds it still going and is skipped
            contacts.append(_sync(n, run + timedelta(seconds=15), 300))
        elif i == 10:
            continue
        elif i == 17:
            contacts.append(_sync(n, run + timedelta(seconds=30), 3, "FAIL", "E_TIMEOUT"))
        elif i == 25:
            contacts.append(_sync(n, run + timedelta(minutes=22), 4))
        elif i == 30:
            continue  # nothing ran, nothing explains it
        elif run == UNTIL:
            continue  # due the moment the snapshot was pulled: not yet started
        else:
            contacts.append(_sync(n, run + timedelta(seconds=15), 3))
    n += 1
    contacts.append(_sync(n, datetime(2026, 11, 2, 15, 41, tzinfo=UTC), 3))  # a manual sync
    contacts.sort(key=lambda y: y["startedAt"])
    doc = {
        "schedulelibSnapshot": 1, "pulledAt": _iso(UNTIL),
        "apiUrl": "https://api.segmentapis.com",
        "history": {"since": _iso(SINCE), "until": _iso(UNTIL)},
        "models": [{"id": "mdl_accounts", "name": "Accounts", "enabled": True,
                    "sourceId": "src_wh"},
                   {"id": "mdl_users", "name": "Users", "enabled": False,
                    "sourceId": "src_wh"}],
        "destinations": [
            {"id": "dst_sfdc", "name": "Salesforce", "enabled": True, "subscriptions": [
                {"id": "sub_accounts", "name": "Upsert Account", "enabled": True,
                 "modelId": "mdl_accounts", "destinationId": "dst_sfdc",
                 "reverseETLSchedule": nightly, "syncs": accounts},
                {"id": "sub_contacts", "name": "Upsert Contact", "enabled": True,
                 "modelId": "mdl_accounts", "destinationId": "dst_sfdc",
                 "reverseETLSchedule": four_hourly, "syncs": contacts},
            ]},
            {"id": "dst_hubspot", "name": "HubSpot", "enabled": True, "subscriptions": [
                {"id": "sub_users", "name": "Users to HubSpot", "enabled": True,
                 "modelId": "mdl_users", "destinationId": "dst_hubspot",
                 "reverseETLSchedule": {"strategy": "PERIODIC", "config": {"interval": "6h"}},
                 "syncs": []},
            ]},
        ],
    }
    write_snapshot(doc, ROOT / "examples" / "snapshot.json")


if __name__ == "__main__":
    main()
