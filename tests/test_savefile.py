"""ctrl+s writes the whole file or nothing (smtui.savefile, used by the log view and the audit pane)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smtui.savefile import write_whole


def test_writes_every_chunk_and_counts_the_lines(tmp_path):
    path = tmp_path / "out.log"
    assert write_whole(path, ["a\nb\n", "c\n"]) == 3
    assert path.read_text(encoding="utf-8") == "a\nb\nc\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.log"]


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_part(tmp_path):
    path = tmp_path / "out.log"
    path.write_text("the old save\n", encoding="utf-8")

    def chunks() -> Iterator[str]:
        yield "new line\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_whole(path, chunks())
    assert path.read_text(encoding="utf-8") == "the old save\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.log"]


def test_a_missing_folder_is_an_oserror_and_writes_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_whole(tmp_path / "no-such-dir" / "out.log", ["x\n"])
    assert list(tmp_path.iterdir()) == []
