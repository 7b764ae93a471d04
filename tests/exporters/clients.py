"""The JavaScript feed readers of tests/clients (podcast-partytime, the Podcast Index's parser,
and feedsmith), run on a feed with the machine's Node.js: what each made of it, as JSON.

`npm ci --prefix tests/clients` installs them (.ci/run does). Where they are not installed the
tests that need them are skipped, except on CI, where that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CLIENTS = Path(__file__).resolve().parents[1] / "clients"


def read_feed(feed: str) -> dict[str, Any]:
    """``{"partytime": ..., "feedsmith": ...}``: each reader's parse of ``feed``."""
    node = shutil.which("node")
    installed = (CLIENTS / "node_modules" / "podcast-partytime").is_dir()
    if node is None or not installed:
        message = "the feed clients are not installed: npm ci --prefix tests/clients"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        [node, str(CLIENTS / "read.mjs")],
        input=feed.encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed
