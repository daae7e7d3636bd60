"""Run the Emacs (eglot) recipe of docs/editors.md in a real ``emacs -nw`` under tmux, and
capture what Flymake and ElDoc show for a JSON, a YAML and a Terraform file.

    python tools/emacs_capture.py            # print the captured screens (Markdown)
    python tools/emacs_capture.py --write    # and put them in docs/editors.md

The init file Emacs starts with is the ```elisp blocks of the docs' Emacs section, taken as
they are, so the capture proves the recipe as written (and fails when it stops working).
Emacs runs with a throw-away HOME and with the ``schedulelib`` of this interpreter's
environment first on PATH; tmux runs on a socket of its own, killed at the end.

Needs emacs (28 or later) with eglot (built in from 29; Debian: ``elpa-eglot``) and tmux.
Optional packages change what is shown: with yaml-mode, terraform-mode or json-mode installed
those modes are used instead of the recipe's stand-ins; with markdown-mode the hover is
rendered rather than shown as Markdown source. The versions are printed with the capture.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "editors.md"
BEGIN = "<!-- emacs-capture:begin (tools/emacs_capture.py --write) -->"
END = "<!-- emacs-capture:end -->"
WIDTH, HEIGHT = 104, 30
#: How long to wait for the server's first answer: the first start compiles nothing, but a
#: busy machine can take seconds to start Python, pygls and Emacs itself.
PATIENCE = 90.0

YAML = """\
subscriptions:
  - name: Nightly export
    reverseETLSchedule:
      strategy: cron
      config:
        spec: "30 2 * * *"
        timezone: Europe/Berlin
  - name: Every few minutes
    reverseETLSchedule:
      strategy: cron
      config:
        spec: "*/5 * * * *"
        timezone: US/Pacific
  - name: Daily
    reverseETLSchedule:
      strategy: periodic
      config:
        interval: 1d
"""

TERRAFORM = """\
resource "segment_destination_subscription" "send_track" {
  action_id      = "ujsJxBdpg7XkYwKSKREnQt"
  destination_id = "68378fe005c9b23b7d3a71c0"
  enabled        = true
  model_id       = "7Zh9nYLvSBfYnFim942RDC"
  name           = "Send Track"
  reverse_etl_schedule = {
    config = jsonencode({
      days     = [1, 2, 3, 4, 5]
      hours    = [2]
      timezone = "US/Eastern"
    })
    strategy = "SPECIFIC_DAYS"
  }
}

resource "segment_destination_subscription" "daily_audience" {
  action_id      = "ujsJxBdpg7XkYwKSKREnQt"
  destination_id = "68378fe005c9b23b7d3a71c0"
  enabled        = true
  model_id       = "7Zh9nYLvSBfYnFim942RDC"
  name           = "Daily audience"
  reverse_etl_schedule = {
    config = jsonencode({
      interval = "1d"
    })
    strategy = "PERIODIC"
  }
}
"""

#: (file name, text, the line the hover is asked on: the first line containing this).
FILES = [
    ("subscriptions.json", (ROOT / "examples" / "bad.json").read_text(encoding="utf-8"),
     '"strategy": "SPECIFIC_DAYS"'),
    ("subscriptions.yaml", YAML, 'spec: "30 2 * * *"'),
    ("main.tf", TERRAFORM, "hours    = [2]"),
]
#: The files whose quick fixes are shown, and the line: the cursor goes on the finding's value,
#: since eglot asks for the actions of the diagnostics under the cursor (elsewhere only the
#: action that repairs the whole file is offered).
FIX_ON = {"subscriptions.yaml": "timezone: US/Pacific"}


class CaptureError(RuntimeError):
    pass


def recipe(docs: str) -> str:
    """The ```elisp blocks of the docs' Emacs section, joined: the init file to run."""
    section = re.search(r"^## Emacs.*?(?=^## )", docs, re.M | re.S)
    if section is None:
        raise CaptureError(f"{DOCS.name} has no '## Emacs' section")
    blocks = re.findall(r"^```elisp\n(.*?)^```", section.group(0), re.M | re.S)
    if not blocks:
        raise CaptureError(f"the Emacs section of {DOCS.name} has no ```elisp block")
    return "\n".join(blocks)


class Tmux:
    """One tmux server on a socket of its own, running one Emacs at a time."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.socket = f"schedulelib-emacs-{os.getpid()}"
        self.env = env
        self.cwd = cwd

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, cwd=self.cwd,
                              capture_output=True, text=True, check=True)
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "emacs", "-x", str(WIDTH), "-y", str(HEIGHT),
                 command)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", "emacs", key)
            time.sleep(0.15)  # one key at a time, as typed: Emacs reads M-x before its name

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "emacs")

    def until(self, what: str, test: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + PATIENCE
        while True:
            text = self.screen()
            if test(text):
                time.sleep(0.5)  # let the redisplay that showed it finish
                return self.screen()
            if time.monotonic() > deadline:
                raise CaptureError(f"no {what} after {PATIENCE:.0f} s; the screen was:\n{text}")
            time.sleep(0.25)

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, check=False)


def tidy(screen: str) -> str:
    """The screen without trailing spaces, and with its trailing empty lines dropped."""
    return "\n".join(line.rstrip() for line in screen.rstrip().splitlines())


def capture(tmux: Tmux, name: str, hover_on: str, text: str) -> list[tuple[str, str]]:
    """(what was typed, the screen after it): the Flymake list, the hover and, for the files of
    FIX_ON, the quick fixes offered and the file once the first was chosen."""
    rows = text.splitlines()
    # The setting only hides Emacs 28's native-compilation warnings about its own packages.
    tmux.start("emacs -nw --eval '(setq native-comp-async-report-warnings-errors (quote silent))'"
               f" {name}")
    shots = []
    try:
        # The mode line counts errors and warnings once the first diagnostics arrived.
        counted = re.compile(r"Flymake\[(?!0 0\])\d+ \d+")
        tmux.until("diagnostics", lambda s: "[eglot:" in s and counted.search(s) is not None)
        tmux.keys("M-x", "flymake-show-buffer-diagnostics", "Enter")
        shots.append(("`M-x flymake-show-buffer-diagnostics`", tidy(tmux.until(
            "diagnostics list", lambda s: "schedulelib [SL" in s.partition(" Line Col ")[2]))))
        line = next(n for n, row in enumerate(rows, 1) if hover_on in row)
        # The list does not take the cursor; C-x 1 leaves the file alone on the screen.
        tmux.keys("C-x", "1", "M-g", "g", str(line), "Enter", "M-m")
        tmux.until("hover", lambda s: "schedulelib" in "\n".join(s.rstrip().splitlines()[-8:]))
        tmux.keys("C-h", ".")
        shots.append((f"the cursor on line {line}, then `C-h .` for ElDoc's whole text",
                      tidy(tmux.until("*eldoc* buffer", lambda s: "*eldoc*" in s and "UTC" in s))))
        if name in FIX_ON:
            line = next(n for n, row in enumerate(rows, 1) if FIX_ON[name] in row)
            tmux.keys("C-x", "1", "M-g", "g", str(line), "Enter", "C-e", "C-b")
            tmux.keys("M-x", "eglot-code-actions", "Enter")
            tmux.until("action prompt", lambda s: "Pick an action" in s)
            tmux.keys("?")
            shots.append((f"the cursor in the value on line {line}, `M-x eglot-code-actions`, "
                          "then `?` to list them",
                          tidy(tmux.until("actions", lambda s: "Possible completions" in s))))
            tmux.keys("Enter")
            shots.append(("`RET` takes the default, the first: the zone is rewritten and the "
                          "warning goes", tidy(tmux.until(
                              "the edit", lambda s: "Edit successful" in s
                              and counted.search(s) is not None))))
        return shots
    finally:
        tmux.stop()


def versions(env: dict[str, str]) -> str:
    """What ran: Emacs, eglot (a package, or the one Emacs ships), tmux and the server."""
    ask = ("(princ (format \"Emacs %s, eglot %s\" emacs-version"
           " (progn (package-activate-all) (require 'eglot)"
           " (let ((d (cadr (assq 'eglot package-alist))))"
           " (if d (package-version-join (package-desc-version d)) \"built in\")))))")
    done = subprocess.run(["emacs", "--batch", "-q", "--eval", "(require 'package)", "--eval", ask],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CaptureError("this Emacs has no eglot (Emacs 29 ships it; on 28 install it): "
                           + done.stderr.strip()[-300:])
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=True).stdout
    found = shutil.which("schedulelib", path=env["PATH"])
    server = subprocess.run([found or "schedulelib", "--version"], env=env, capture_output=True,
                            text=True, check=False) if found else None
    if server is None or server.returncode != 0:
        raise CaptureError("no schedulelib beside this Python: run the script with the Python "
                           "of the environment schedulelib[lsp] is installed in")
    return f"{done.stdout.strip()}, {tmux.strip()}, {server.stdout.strip()}"


def markdown(shots: list[tuple[str, list[tuple[str, str]]]], about: str) -> str:
    parts = [BEGIN, "", f"Captured with `tools/emacs_capture.py` ({about}), "
             f"{time.strftime('%d %B %Y', time.gmtime()).lstrip('0')}:", ""]
    for name, screens in shots:
        for caption, screen in screens:
            parts += [f"`{name}`, {caption}:", "", "```text", screen, "```", ""]
    parts.append(END)
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the capture in the docs")
    args = parser.parse_args(argv)
    for tool in ("emacs", "tmux"):
        if shutil.which(tool) is None:
            print(f"error: '{tool}' is not on PATH; this script runs the real editor",
                  file=sys.stderr)
            return 2
    docs = DOCS.read_text(encoding="utf-8")
    if args.write and (BEGIN not in docs or END not in docs):
        print(f"error: {DOCS.name} has no capture markers ({BEGIN!r} ... {END!r})",
              file=sys.stderr)
        return 1
    try:
        shots, about = run(docs)
    except CaptureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    block = markdown(shots, about)
    print(block)
    if args.write:
        head, rest = docs.split(BEGIN, 1)
        DOCS.write_text(head + block + rest.split(END, 1)[1], encoding="utf-8")
    return 0


def run(docs: str) -> tuple[list[tuple[str, list[tuple[str, str]]]], str]:
    """The screens of every file, and the versions that made them."""
    with tempfile.TemporaryDirectory(prefix="schedulelib-emacs-") as tmp:
        home, project = Path(tmp, "home"), Path(tmp, "project")
        (home / ".emacs.d").mkdir(parents=True)
        (home / ".emacs.d" / "init.el").write_text(recipe(docs), encoding="utf-8")
        project.mkdir()
        for name, text, _ in FILES:
            (project / name).write_text(text, encoding="utf-8")
        env = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8",
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        # A repository, so that eglot's project (and the server's root) is this folder.
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(project)], env=env, check=True)
        about = versions(env)
        tmux = Tmux(env, project)
        return [(name, capture(tmux, name, hover_on, text))
                for name, text, hover_on in FILES], about


if __name__ == "__main__":
    sys.exit(main())
