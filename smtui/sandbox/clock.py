"""The sandbox's clock: wall-clock time, plus whatever :meth:`Clock.advance` added, and the compression of
resource lifecycles.

Lifecycles take AWS's durations divided by :attr:`Clock.scale` (60 by default: a training job's few minutes
of "Starting" take a few seconds). Timestamps stay real: what a job reports as its start and end times is when
those phases happened on this clock, so durations computed from them agree with TrainingTimeInSeconds.
Session expiry (STS DurationSeconds) is not compressed; tests skip ahead with :meth:`advance` instead of
sleeping, or :meth:`freeze` the clock and move it only with :meth:`advance`.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

#: AWS seconds per sandbox second, unless a Sandbox is given another ``time_scale``
DEFAULT_SCALE = 60.0


class Clock:
    def __init__(self, scale: float = DEFAULT_SCALE) -> None:
        if scale <= 0:
            raise ValueError(f"time scale must be positive, not {scale!r}")
        self.scale = float(scale)
        self._offset = 0.0
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def time(self) -> float:
        """Epoch seconds on this clock."""
        return (time.time() if self._frozen is None else self._frozen) + self._offset

    def freeze(self) -> None:
        """Stop this clock where it is: from now on only :meth:`advance` moves it (deterministic tests)."""
        with self._lock:
            if self._frozen is None:
                self._frozen = time.time()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        """Move this clock ``seconds`` ahead (never back): what is due by then happens on the next request."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    def compress(self, aws_seconds: float) -> float:
        """How long ``aws_seconds`` of an AWS lifecycle take on this clock."""
        return aws_seconds / self.scale
