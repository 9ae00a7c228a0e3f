"""Writing a file the user asked for (ctrl+s in the log view and the audit pane) so that it appears whole.

The text is written beside the file under another name and then renamed over it: a reader (``tail``, an
editor) never sees half a file, and a write that fails (a full disk, a missing folder) leaves whatever
was there before untouched.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable


def write_whole(path: str | os.PathLike[str], chunks: Iterable[str]) -> int:
    """Write ``chunks`` to ``path``; returns the number of lines written. Raises OSError, leaving no part."""
    path = os.fspath(path)
    part = f"{path}.part-{os.getpid()}"
    lines = 0
    try:
        with open(part, "w", encoding="utf-8") as f:
            for text in chunks:
                f.write(text)
                lines += text.count("\n")
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(part)
        raise
    return lines
