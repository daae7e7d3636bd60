"""Reading files, side by side in one run, as ratios.

1. A repository of 5,000 JSON and YAML files of which 1% hold schedules (the rest are the
   package.json, tsconfig.json, workflows, Kubernetes and CloudFormation files every
   repository has): ``schedulelib validate DIR`` against ``check-jsonschema --schemafile``
   over the same files.  The budget: at least 5x faster (issue 8).
2. YAML against JSON: one file of N schedules, ``scan(...).check()`` in this process, for
   N = 5,000, 20,000 and 100,000 (issue 10: YAML was quadratic in N; it must cost about what
   JSON costs).
3. A 400-byte YAML alias bomb: the time to refuse it (SL007).

    python benchmarks/bench_sources.py [--quick]
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import command_env
from bench_cli import SCHEDULES, wall

from schedulelib.lint.sources import scan

UNRELATED = [
    ("package.json", lambda i: json.dumps({
        "name": f"web-{i}", "version": "1.0.0", "private": True,
        "scripts": {"build": "tsc -p .", "test": "vitest run", "lint": "eslint ."},
        "dependencies": {f"dep-{j}": f"^{j}.0.0" for j in range(25)},
        "devDependencies": {f"dev-{j}": f"~{j}.1.0" for j in range(15)}}, indent=2)),
    ("tsconfig.json", lambda i: json.dumps({
        "compilerOptions": {"target": "es2022", "module": "esnext", "strict": True,
                            "paths": {f"@lib{j}/*": [f"src/lib{j}/*"] for j in range(10)}},
        "include": ["src"]}, indent=2)),
    ("ci.yml", lambda i: (
        f"name: ci-{i}\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    strategy:\n      matrix:\n        python: ['3.11', '3.12', '3.13']\n    steps:\n"
        + "".join(f"      - name: step {j}\n        run: make target-{j}\n" for j in range(20)))),
    ("deployment.yaml", lambda i: (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\n  labels:\n"
        f"    app: svc-{i}\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n"
        "  template:\n    spec:\n      containers:\n"
        + "".join(f"        - name: c{j}\n          image: registry/c{j}:1.{j}\n"
                  f"          env:\n            - {{name: A{j}, value: 'x'}}\n"
                  for j in range(8)))),
    ("template.yaml", lambda i: (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        + "".join(f"  Queue{j}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                  f"      QueueName: q-{i}-{j}\n      VisibilityTimeout: 60\n"
                  for j in range(15)))),
]


def make_repository(root: Path, count: int) -> None:
    """``count`` files in folders of 50; one in a hundred holds ten schedules."""
    for i in range(count):
        folder = root / f"pkg{i // 50:03d}"
        folder.mkdir(exist_ok=True)
        if i % 100 == 0:
            items = [{"name": f"s{i}-{j}", "reverseETLSchedule": json.loads(
                json.dumps(SCHEDULES[j % len(SCHEDULES)]).replace("{m}", str(15 + j)))}
                for j in range(10)]
            (folder / f"subscriptions{i}.json").write_text(json.dumps(
                {"subscriptions": items}, indent=2))
            continue
        name, make = UNRELATED[i % len(UNRELATED)]
        stem, suffix = name.rsplit(".", 1)
        (folder / f"{stem}{i}.{suffix}").write_text(make(i))


def schedules_text(count: int, kind: str) -> str:
    items = [{"name": f"s{i}", "reverseETLSchedule": {"strategy": "periodic",
                                                      "config": {"interval": f"{15 + i % 40}m"}}}
             for i in range(count)]
    if kind == "json":
        return json.dumps({"subscriptions": items}, indent=2)
    return "subscriptions:\n" + "".join(
        f"  - name: {item['name']}\n    reverseETLSchedule:\n      strategy: periodic\n"
        f"      config:\n        interval: {item['reverseETLSchedule']['config']['interval']}\n"
        for item in items)


def timed(fn: object) -> float:
    """CPU seconds of one call (CPU time, not wall time: this machine is shared)."""
    start = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    quick = "--quick" in sys.argv
    checker = shutil.which("check-jsonschema")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        exe, env = command_env(root)
        repo = root / "repo"
        repo.mkdir()
        make_repository(repo, 5000)
        files = sorted(str(p) for p in repo.rglob("*") if p.is_file())
        print(f"1. a repository of {len(files):,} JSON/YAML files, 1% with schedules "
              "(median of 3)")
        ours = wall([exe, "validate", str(repo)], env, 3)
        print(f"  {'schedulelib validate DIR':<34} {ours:8.2f} s")
        if checker is None:
            print("  check-jsonschema is not installed: no comparison")
        else:
            schema = json.loads(subprocess.run([exe, "schema"], env=env, capture_output=True,
                                               text=True, check=True).stdout)
            wrapper = {"$defs": {"schedule": {k: v for k, v in schema.items()
                                              if k != "$schema"}},
                       "properties": {"subscriptions": {"type": "array", "items": {
                           "properties": {"reverseETLSchedule": {"$ref": "#/$defs/schedule"}}}}}}
            schema_file = root / "schema.json"
            schema_file.write_text(json.dumps(wrapper))
            theirs = wall([checker, "--schemafile", str(schema_file), *files], env, 3)
            print(f"  {'check-jsonschema --schemafile FILES':<34} {theirs:8.2f} s")
            print(f"  schedulelib is {theirs / ours:.1f}x faster than check-jsonschema "
                  "(budget: 5x)")

    print("2. one file of N schedules: YAML against JSON, scan + check (CPU time, one run each)")
    for count in ((5_000, 20_000) if quick else (5_000, 20_000, 100_000)):
        times = {}
        for kind in ("json", "yaml"):
            text = schedules_text(count, kind)

            def run(text: str = text, kind: str = kind, count: int = count) -> None:
                result = scan(text, name=f"x.{kind}")
                assert len(result.schedules) == count and result.check() == []

            times[kind] = timed(run)
        print(f"  N = {count:>7,}:  JSON {times['json']:7.2f} s   YAML {times['yaml']:7.2f} s"
              f"   YAML / JSON {times['yaml'] / times['json']:5.2f}")

    print("3. a YAML alias bomb (nine levels of nine aliases)")
    bomb = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
    bomb += "reverseETLSchedule: {strategy: periodic, config: {interval: *l8}}\n"
    findings: list[str] = []
    seconds = timed(lambda: findings.extend(f.code for f in scan(bomb, name="b.yaml").check()))
    print(f"  {len(bomb)} bytes: {seconds * 1000:.1f} ms, findings {findings}")


if __name__ == "__main__":
    main()
