"""Start-up: time from process start to smtui's first frame, against a minimal Textual app.

    python benchmarks/bench_startup.py [--runs 21]

Each run starts a fresh Python process on a pseudo-terminal (as a user's terminal would be) and reads
the terminal: the first frame is there when the screen's text (the first pane's title, or the minimal
app's "hello") has been written to it. The child records when botocore was first imported, to show
it happens only after that frame. The two apps alternate (A B A B ...) so that machine noise hits both alike; the figures are
medians, and the result is the ratio smtui / minimal (target: at most 1.2). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time

RUNNER = r"""
import json, sys, time
mode, out = sys.argv[1], sys.argv[2]
seen = {}

class _Watch:  # records when botocore is first imported, without changing what is imported
    def find_spec(self, name, path=None, target=None):
        if name in ("botocore", "aiobotocore") and name not in seen:
            seen[name] = time.time()
        return None

sys.meta_path.insert(0, _Watch())

def report(app):
    def done():
        with open(out, "w") as f:
            json.dump({"botocore_at": min(seen.values()) if seen else None}, f)
        app.exit()
    app.set_timer(0.3, done)  # leave time for the first frame to reach the terminal

if mode == "minimal":
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self):
            yield Header()
            yield Static("hello")
            yield Footer()

        def on_mount(self):
            report(self)

    Minimal().run()
else:
    from smtui import app as app_module
    original = app_module.SmtuiApp.on_mount

    def on_mount(self):
        original(self)
        report(self)

    app_module.SmtuiApp.on_mount = on_mount
    from smtui.cli import main
    sys.argv = ["smtui"]
    main()
"""
#: text that is on screen once the first frame has been drawn
MARKERS = {"minimal": b"hello", "smtui": b"Endpoints"}


def run_once(mode: str) -> dict:
    env = dict(os.environ)
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID="AKIABENCHMARKONLY000",
        AWS_SECRET_ACCESS_KEY="benchmark-only",
        AWS_REGION="us-east-1",
        # a closed loopback port: the app connects only after the first frame, and exits before
        AWS_ENDPOINT_URL="http://127.0.0.1:9",
        XDG_CONFIG_HOME=tempfile.gettempdir() + "/smtui-bench-noconfig",
        TEXTUAL_ANIMATIONS="none",
        COLUMNS="120",
        LINES="40",
    )
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    master, slave = pty.openpty()
    start = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, mode, out],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen_at = None
    screen = b""
    try:
        while True:  # drain the terminal (the app must never block on a full pty) and watch for the frame
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            if seen_at is None:
                screen += chunk
                if MARKERS[mode] in screen:
                    seen_at = time.time()
        proc.wait(timeout=30)
    finally:
        os.close(master)
    with open(out) as f:
        data = json.load(f)
    os.unlink(out)
    data["first_frame"] = seen_at - start
    data["botocore"] = data["botocore_at"] is not None and data["botocore_at"] < seen_at
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"minimal": [], "smtui": []}
    # Textual's bytecode was compiled when pip installed it; smtui's must be too, or each run pays for
    # compiling smtui from source (an editable install under PYTHONDONTWRITEBYTECODE never caches it),
    # which no installed copy does.
    import smtui

    compileall.compile_dir(os.path.dirname(smtui.__file__), quiet=1)
    run_once("minimal")  # warm the file cache for both
    run_once("smtui")
    for _ in range(args.runs):
        for mode in ("minimal", "smtui"):
            results[mode].append(run_once(mode))
    med = {m: statistics.median(r["first_frame"] for r in rs) for m, rs in results.items()}
    print(f"first frame, median of {args.runs} interleaved runs on a pty:")
    for mode, rs in results.items():
        times = sorted(r["first_frame"] for r in rs)
        print(f"  {mode:8s} {med[mode]:.3f} s  (min {times[0]:.3f}, max {times[-1]:.3f})")
    pairs = sorted(
        b["first_frame"] / a["first_frame"] for a, b in zip(results["minimal"], results["smtui"], strict=True)
    )
    print(
        f"  ratio smtui/minimal: {med['smtui'] / med['minimal']:.2f}  (target <= 1.2); run by run (each smtui "
        f"run over the minimal run just before it): median {statistics.median(pairs):.2f}, "
        f"middle half {pairs[len(pairs) // 4]:.2f}..{pairs[(3 * len(pairs)) // 4]:.2f}"
    )
    loaded = sum(r["botocore"] for r in results["smtui"])
    print(f"  botocore imported before smtui's first frame: {loaded}/{len(results['smtui'])} runs")
    print(
        json.dumps(
            {
                "minimal_s": med["minimal"],
                "smtui_s": med["smtui"],
                "ratio": med["smtui"] / med["minimal"],
                "pair_ratio_median": statistics.median(pairs),
            }
        )
    )


if __name__ == "__main__":
    main()
