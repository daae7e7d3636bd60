"""The shipped JSON Schema: valid 2020-12, and consistent with check() on shapes."""

from __future__ import annotations

import jsonschema
import pytest

from schedulelib import check, schema

SHAPES = [
    ({"strategy": "manual"}, True),
    ({"strategy": "MANUAL", "config": None}, True),
    ({"strategy": "periodic", "config": {"interval": "1h"}}, True),
    ({"strategy": "specific_days", "config": {"days": [1], "hours": [9],
                                              "timezone": "America/Chicago"}}, True),
    ({"strategy": "CRON", "config": {"spec": "0 9 * * 1-5", "timezone": "UTC"}}, True),
    ({"strategy": "DBT_CLOUD", "config": {"jobId": "1", "accountId": "2"}}, True),
    ({"strategy": "hourly"}, False),
    ({"strategy": "manual", "config": {"a": 1}}, False),
    ({"strategy": "periodic", "config": {"interval": 60}}, False),
    ({"strategy": "periodic", "config": {"interval": "1h", "x": 1}}, False),
    ({"strategy": "specific_days", "config": {"days": [7], "hours": [9],
                                              "timezone": "UTC"}}, False),
    ({"strategy": "cron", "config": {"spec": "0 9 * * *", "timezone": "Mars/Base"}}, False),
    ({"strategy": "cron"}, False),
    ({"config": {}}, False),
]


def test_schema_is_valid_2020_12() -> None:
    """The schema itself validates against the 2020-12 metaschema."""
    doc = schema()
    assert doc["$schema"].endswith("/2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize(("doc", "valid"), SHAPES, ids=[str(s[0])[:60] for s in SHAPES])
def test_schema_agrees_with_check_on_shape(doc: dict[str, object], valid: bool) -> None:
    """Where the schema can judge the shape, it agrees with check()."""
    ok = jsonschema.Draft202012Validator(schema()).is_valid(doc)
    assert ok is valid
    assert (not [d for d in check(doc) if d.severity == "error"]) is valid


def test_schema_offers_completion_values() -> None:
    """Editors get the strategy spellings and the zone names."""
    doc = schema()
    assert "SPECIFIC_DAYS" in doc["properties"]["strategy"]["enum"]
    zone_enum = doc["allOf"][2]["then"]["properties"]["config"]["properties"]["timezone"]["enum"]
    assert "America/New_York" in zone_enum and "UTC" in zone_enum
