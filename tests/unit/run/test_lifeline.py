"""The lifeline where there is no prctl (Windows, ``DVK_PORTABLE=1``): a spawned child that watches
its parent ends when the parent is killed outright."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.procs import alive, outlived_then_killed, wait_for_marker

PARENT = textwrap.dedent(
    """
    import multiprocessing, os, sys, time
    from pathlib import Path
    from pipeline.run.lifeline import watch_parent

    def child(started: str) -> None:
        watch_parent()
        Path(started + ".tmp").write_text(str(os.getpid()))
        os.replace(started + ".tmp", started)  # seen whole or not at all
        time.sleep(120)

    if __name__ == "__main__":
        multiprocessing.get_context("spawn").Process(target=child, args=(sys.argv[1],)).start()
        time.sleep(120)
    """
)


def test_a_spawned_child_that_watches_its_parent_ends_with_it(tmp_path: Path) -> None:
    script, started = tmp_path / "parent.py", tmp_path / "child.pid"
    script.write_text(PARENT, encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script), str(started)], stderr=subprocess.PIPE)
    try:
        wait_for_marker(started, parent)
        child = int(started.read_text())
        assert alive(child)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.communicate()
    left = outlived_then_killed([child], 60)  # returns as soon as it is gone
    assert not left, "the child outlived its killed parent"
