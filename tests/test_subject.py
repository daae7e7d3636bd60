"""What each schedule belongs to (``Found.subject``) and the models a scan finds
(``Scan.models``), in every reader: Terraform, Terraform JSON, plans, JSON, YAML, snapshots."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schedulelib.lint.sources import Subject, read_all, read_file, scan
from schedulelib.workspace.snapshot import write_snapshot

from .conftest import SHARED

CORPUS = Path(os.environ.get("SCHEDULELIB_SHARED", SHARED)) / "corpus" / "segment_configs.md"


def _corpus() -> list[tuple[str, str]]:
    """(path in the export, Terraform text) of every snippet Segment's Git sync wrote."""
    from .test_sources import close_braces

    if not CORPUS.exists():
        pytest.skip(f"the shared corpus is not beside the checkout ({CORPUS.name} missing)")
    text = CORPUS.read_text("utf-8")
    out = []
    for source, block in re.findall(r"Source: `([^`]+)`.*?```hcl\n(.*?)```", text, re.DOTALL):
        repo, path = source.split(":", 1)
        if repo.startswith("segmentio/"):
            continue  # the provider's own examples, not an export
        out.append((path, close_braces(block)))
    return out


def _written(text: str, key: str) -> object:
    """An attribute's literal as the snippet writes it, read with a regex (the oracle)."""
    m = re.search(rf'^  {key}\s*=\s*(?:"([^"]*)"|(true|false|null))\s*$', text, re.MULTILINE)
    if m is None:
        return None
    if m.group(2) is not None:
        return {"true": True, "false": False, "null": None}[m.group(2)]
    return m.group(1) or None


def test_git_sync_export_subjects(tmp_path: Path) -> None:
    """Every real export file: ids from its file name, the rest from its attributes."""
    files = _corpus()
    assert len(files) >= 15
    for path, text in files:
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    subscriptions = models = 0
    for result in read_all([str(tmp_path)]):
        stem = Path(result.file).name.removesuffix(".tf")
        text = Path(result.file).read_text("utf-8")
        if "/destination_subscriptions/" in result.file:
            destination, ident = stem.split("_")
            for found in result.schedules:
                subscriptions += 1
                assert found.subject == Subject(
                    "subscription", ident, _written(text, "name"),  # type: ignore[arg-type]
                    _written(text, "model_id"), None,  # type: ignore[arg-type]
                    _written(text, "destination_id"), _written(text, "enabled"),  # type: ignore[arg-type]
                ), result.file
                assert destination == found.subject.destination
        else:
            models += 1
            assert result.models == [Subject(
                "model", stem, _written(text, "name"),  # type: ignore[arg-type]
                f"segment_reverse_etl_model.id-{stem}", _written(text, "source_id"),  # type: ignore[arg-type]
                None, _written(text, "enabled"))]  # type: ignore[arg-type]
    assert subscriptions >= 12 and models >= 4


# -- Terraform: references, import blocks, names, for_each --------------------------------------

CONFIG = """
resource "segment_reverse_etl_model" "orders" {
  name              = "Orders"
  source_id         = segment_source.warehouse.id
  enabled           = true
  schedule_strategy = "SPECIFIC_DAYS"
  schedule_config   = jsonencode({ days = [1], hours = [9], timezone = "UTC" })
}

locals {
  model = segment_reverse_etl_model.orders.id
}

variable "on" {
  default = false
}

import {
  to = segment_destination_subscription.upsert
  id = "dest1:sub1"
}

resource "segment_destination_subscription" "upsert" {
  name                 = "Upsert"
  destination_id       = "dest1"
  model_id             = local.model
  enabled              = var.on
  reverse_etl_schedule = {
    strategy = "CRON"
    config   = jsonencode({ spec = "0 9 * * *", timezone = "UTC" })
  }
}

resource "segment_destination_subscription" "each" {
  for_each             = { a = "0 1 * * *", b = "0 2 * * *" }
  name                 = "Each"
  model_id             = "m1"
  reverse_etl_schedule = {
    strategy = "CRON"
    config   = jsonencode({ spec = each.value, timezone = "UTC" })
  }
}
"""


def test_terraform_references_and_import(tmp_path: Path) -> None:
    """A model named by address, values through locals and variables, ids from import."""
    (tmp_path / "main.tf").write_text(CONFIG, "utf-8")
    result = read_file(tmp_path / "main.tf")
    subjects = {f.name: f.subject for f in result.schedules}
    assert subjects["Orders"] == Subject("model", None, "Orders",
                                         "segment_reverse_etl_model.orders",
                                         "segment_source.warehouse", None, True)
    assert subjects["Upsert"] == Subject("subscription", "sub1", "Upsert",
                                         "segment_reverse_etl_model.orders", None, "dest1", False)
    each = [s for name, s in subjects.items() if name.startswith("Each (")]
    assert len(each) == 2
    assert all(s is not None and s.id is None and s.model == "m1" for s in each)
    assert result.models == [subjects["Orders"]]


def test_tf_json_import_and_reference(tmp_path: Path) -> None:
    """Terraform's JSON syntax: the same relation, import blocks as an array."""
    doc = {
        "import": [{"to": "segment_destination_subscription.s", "id": "d9:s9"}],
        "resource": {
            "segment_reverse_etl_model": {"m": {"name": "M", "source_id": "src9",
                                                "schedule_strategy": ""}},
            "segment_destination_subscription": {"s": {
                "name": "S", "model_id": "${segment_reverse_etl_model.m.id}", "enabled": True,
                "reverse_etl_schedule": {"strategy": "CRON", "config":
                                         '${jsonencode({spec = "0 * * * *"})}'}}}}}
    (tmp_path / "main.tf.json").write_text(json.dumps(doc), "utf-8")
    result = read_file(tmp_path / "main.tf.json")
    assert [f.subject for f in result.schedules] == [Subject(
        "subscription", "s9", "S", "segment_reverse_etl_model.m", None, "d9", True)]
    assert result.models == [Subject("model", None, "M", "segment_reverse_etl_model.m", "src9",
                                     None, None)]


def test_plan_values() -> None:
    """A plan: ids and the relation from each resource's values."""
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "segment_reverse_etl_model.m", "mode": "managed",
         "type": "segment_reverse_etl_model",
         "values": {"id": "mid", "name": "M", "source_id": "sid", "enabled": True,
                    "schedule_strategy": ""}},
        {"address": "segment_destination_subscription.s", "mode": "managed",
         "type": "segment_destination_subscription",
         "values": {"id": "subid", "name": "S", "model_id": "mid", "destination_id": "did",
                    "enabled": False, "reverse_etl_schedule": {
                        "strategy": "CRON", "config": '{"spec": "0 * * * *"}'}}}]}}}
    result = scan(json.dumps(plan), name="plan.json")
    assert [f.subject for f in result.schedules] == [
        Subject("subscription", "subid", "S", "mid", None, "did", False)]
    assert result.models == [Subject("model", "mid", "M", "mid", "sid", None, True)]


# -- the Public API's shapes --------------------------------------------------------------------

API_JSON = {"models": [{"id": "m2", "sourceId": "s1", "enabled": False, "name": "Two"}],
            "data": {"destinationSubscription": {
                "id": "sub2", "name": "S2", "reverseETLModelId": "m2", "destinationId": "d2",
                "enabled": True, "reverseETLSchedule": {"strategy": "MANUAL", "config": None}}}}

API_YAML = """\
models:
  - {id: m1, sourceId: s1, enabled: true, name: Users}
subscriptions:
  - id: sub1
    name: Sync users
    modelId: m1
    destinationId: d1
    enabled: "true"
    reverseETLSchedule:
      strategy: CRON
      config: {spec: "0 * * * *", timezone: UTC}
"""


@pytest.mark.parametrize(("name", "text", "schedule", "model"), [
    ("api.json", json.dumps(API_JSON),
     Subject("subscription", "sub2", "S2", "m2", None, "d2", True),
     Subject("model", "m2", "Two", "m2", "s1", None, False)),
    # A quoted "true" is text, not a boolean: enabled is not known.
    ("api.yaml", API_YAML, Subject("subscription", "sub1", "Sync users", "m1", None, "d1", None),
     Subject("model", "m1", "Users", "m1", "s1", None, True)),
], ids=["json", "yaml"])
def test_public_api_shapes(name: str, text: str, schedule: Subject, model: Subject) -> None:
    """An object holding reverseETLSchedule, and model objects anywhere in the file."""
    result = scan(text, name=name)
    assert [f.subject for f in result.schedules] == [schedule]
    assert result.models == [model]


def test_bare_schedule_has_no_subject() -> None:
    """A file that is a schedule alone says nothing about what it belongs to."""
    result = scan('{"strategy": "CRON", "config": {"spec": "0 * * * *"}}', name="s.json")
    assert [f.subject for f in result.schedules] == [None]
    assert result.models == []


def test_snapshot_subjects(tmp_path: Path) -> None:
    """A snapshot written by pull: models with their source, subscriptions with their model."""
    doc = {"schedulelibSnapshot": 1, "pulledAt": datetime(2026, 1, 1, tzinfo=UTC).isoformat(),
           "apiUrl": "http://127.0.0.1:1", "history": None,
           "models": [{"id": "m1", "name": "M", "enabled": True, "sourceId": "s1"}],
           "destinations": [{"id": "d1", "name": "D", "enabled": True, "subscriptions": [
               {"id": "x1", "name": "X", "enabled": True, "modelId": "m1", "destinationId": "d1",
                "reverseETLSchedule": {"strategy": "CRON", "config": {"spec": "0 * * * *"}},
                "syncs": []}]}]}
    write_snapshot(doc, tmp_path / "snap.json")
    result = read_file(tmp_path / "snap.json")
    assert [f.subject for f in result.schedules] == [
        Subject("subscription", "x1", "X", "m1", None, "d1", True)]
    assert result.models == [Subject("model", "m1", "M", "m1", "s1", None, True)]
