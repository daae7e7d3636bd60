"""Writing --fix repairs (lint/write.py): only over the text they were planned on, never hanging."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from schedulelib.lint.fix import fix_text
from schedulelib.lint.write import FileChangedError, write_fixed

DAYS = json.dumps({"strategy": "periodic", "config": {"interval": "1d"}})


def test_a_fifo_put_where_the_file_was_is_refused_without_hanging(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    result = fix_text(DAYS, name=str(path))
    assert result.changed
    os.mkfifo(path)  # no writer: opening it to read would block for ever
    with pytest.raises(OSError, match="named pipe"):
        write_fixed(result)


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(b"\xef\xbb\xbf" + DAYS.encode())
    result = fix_text(DAYS, name=str(path))
    write_fixed(result)
    assert path.read_bytes() == b"\xef\xbb\xbf" + DAYS.replace('"1d"', '"24h"').encode()


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    result = fix_text(DAYS, name=str(path))
    path.write_text(DAYS.replace("1d", "2d"))
    with pytest.raises(FileChangedError, match="changed after it was read"):
        write_fixed(result)
    assert path.read_text() == DAYS.replace("1d", "2d")
