"""docs/editors.md's Emacs recipe, run for real: Emacs in batch mode loads the docs' elisp as
written, opens the files of tools/emacs_capture.py, and eglot starts ``schedulelib lsp``
through the recipe's mode hooks; what Flymake then holds must be what ``schedulelib validate
--format json`` finds in the same files (code, severity, start and end, in characters).

Run twice: with the Emacs packages this machine has (yaml-mode, markdown-mode, ...), and with
every mode package held back, so the recipe's stand-ins take over. Skipped when emacs or eglot
is missing (CI has neither); tools/emacs_capture.py is the interactive counterpart.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .lsp_client import ROOT, validate_json

sys.path.insert(0, str(ROOT / "tools"))
from emacs_capture import FILES, recipe

EMACS = shutil.which("emacs")

#: The batch "user": the mode hooks ran when each file was found; eglot-ensure waits for the
#: end of a command, which batch mode never has, so the probe ends one; Flymake starts on its
#: own only in a displayed window, so the probe starts it. Everything else is eglot's.
PROBE = r"""
(require 'package)
(package-activate-all)
(load (expand-file-name "recipe.el") nil t)
(require 'flymake)
(defun schedulelib-probe (name)
  (with-current-buffer (find-file-noselect (expand-file-name name))
    (run-hooks 'post-command-hook)
    (let ((tries 0))
      (while (and (< tries 600) (null (flymake-diagnostics)))
        (accept-process-output nil 0.1)
        (when (and (bound-and-true-p eglot--managed-mode) (zerop (% tries 10)))
          (flymake-start nil t))
        (setq tries (1+ tries))))
    (let ((where (lambda (pos)
                   (save-excursion
                     (goto-char pos)
                     (list (line-number-at-pos) (1+ (- (point) (line-beginning-position))))))))
      (list :file name :mode (symbol-name major-mode)
            :defined-in (file-name-nondirectory (or (symbol-file major-mode 'defun) ""))
            :managed (if (bound-and-true-p eglot--managed-mode) t :false)
            :diagnostics
            (vconcat
             (mapcar (lambda (d)
                       (list :type (symbol-name (flymake-diagnostic-type d))
                             :text (flymake-diagnostic-text d)
                             :start (vconcat (funcall where (flymake-diagnostic-beg d)))
                             :end (vconcat (funcall where (flymake-diagnostic-end d)))))
                     (flymake-diagnostics)))))))
(princ (json-encode (vconcat (mapcar #'schedulelib-probe command-line-args-left))))
(setq command-line-args-left nil)
"""

#: Held back in the second run: every package that gives these files a mode of its own.
NO_MODE_PACKAGES = ("(setq package-load-list '(all (yaml-mode nil) (json-mode nil)"
                    " (terraform-mode nil) (hcl-mode nil) (markdown-mode nil)))")

#: A name in characters outside the BMP before the finding on its line: eglot converts the
#: server's UTF-16 columns to Emacs characters, validate counts characters.
WIDE = ('{"subscriptions": [{"name": "\U0001f680 Launch \u00e9t\u00e9", "reverseETLSchedule":\n'
        '  {"strategy": "periodic", "config": {"interval": "1d"}}}, {"name": "\U0001f680",'
        ' "reverseETLSchedule": {"strategy": "periodic", "config": {"interval": "5m"}}}]}\n')


def has_eglot() -> bool:
    if EMACS is None:
        return False
    done = subprocess.run([EMACS, "--batch", "-q", "--eval",
                           "(progn (require 'package) (package-activate-all) (require 'eglot))"],
                          capture_output=True, text=True, check=False, timeout=120)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not has_eglot(), reason="needs emacs with eglot")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("emacs")
    for name, text, _ in FILES:
        (root / name).write_text(text, encoding="utf-8")
    (root / "wide.json").write_text(WIDE, encoding="utf-8")
    docs = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    (root / "recipe.el").write_text(recipe(docs), encoding="utf-8")
    (root / "probe.el").write_text(PROBE, encoding="utf-8")
    (root / "home").mkdir()
    return root


def names() -> list[str]:
    return [name for name, _, _ in FILES] + ["wide.json"]


def emacs(project: Path, *before: str) -> list[dict[str, object]]:
    assert EMACS is not None
    env = {**os.environ, "HOME": str(project / "home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    evals = [arg for expr in before for arg in ("--eval", expr)]
    done = subprocess.run([EMACS, "--batch", "-q", *evals, "-l", "probe.el", *names()],
                          cwd=project, env=env, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def seen(diagnostics: object) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    out = []
    assert isinstance(diagnostics, list)
    for d in diagnostics:
        code = re.search(r"\[(SL\d{3})\]", d["text"])
        assert code is not None, d
        severity = d["type"].removeprefix("eglot-")
        out.append((code.group(1), severity, (*d["start"], *d["end"])))
    return sorted(out)


def expected(path: Path) -> list[tuple[str, str, tuple[int, int, int, int]]]:
    return sorted((str(f["code"]), str(f["severity"]),
                   (int(str(f["line"])), int(str(f["column"])), int(str(f["end_line"])),
                    int(str(f["end_column"])))) for f in validate_json(path, path.parent))


@pytest.mark.parametrize("before", [(), (NO_MODE_PACKAGES,)], ids=["installed", "stand-ins"])
def test_flymake_shows_what_validate_finds(project: Path, before: tuple[str, ...]) -> None:
    """Each file: eglot manages it, and Flymake holds exactly validate's findings."""
    results = emacs(project, *before)
    assert [r["file"] for r in results] == names()
    for result in results:
        path = project / str(result["file"])
        assert result["managed"] is True, result
        want = expected(path)
        assert want, f"{path.name} must have findings for the comparison to mean anything"
        assert seen(result["diagnostics"]) == want, result["file"]
    modes = {r["file"]: (r["mode"], r["defined-in"]) for r in results}
    if before:
        # Held back, the YAML and Terraform packages give way to the recipe's stand-ins.
        assert modes["subscriptions.yaml"] == ("yaml-mode", "recipe.el")
        assert modes["main.tf"] == ("terraform-mode", "recipe.el")
