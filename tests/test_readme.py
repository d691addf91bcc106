"""The README's tour runs as typed: every ``$ kg ...`` line of its console blocks, in order, from a copy of the
repository beside ../shared, and every output line it shows is what kg prints."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

TOUR = re.compile(r"```console\n(.*?)```", re.S)


def tour() -> list[tuple[str, list[str]]]:
    """The commands of the README's console blocks, each with the output lines shown under it."""
    steps: list[tuple[str, list[str]]] = []
    for block in TOUR.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        for line in block.splitlines():
            if line.startswith("$ . .venv/bin/activate"):
                continue  # the test runs kg with the interpreter that runs the tests
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps and line.strip() and line.strip() != "...":
                steps[-1][1].append(line)
    return steps


def test_the_readme_tour_has_the_commands_it_promises():
    commands = [command.split()[1] for command, _ in tour()]
    assert commands[0] == "build" and {"concepts", "neighbors", "evidence", "path", "diff", "export", "suggest"} <= set(
        commands
    )


@pytest.mark.shared
def test_the_readme_tour_runs_as_typed(shared, tmp_path):
    home = tmp_path / "work"
    repo = home / "kg"
    shutil.copytree(ROOT / "corpus", repo / "corpus")
    (home / "shared").symlink_to(shared)
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    for command, shown in tour():
        words = shlex.split(command, comments=True)
        assert words[0] == "kg"
        done = subprocess.run(
            [sys.executable, "-m", "kg", *words[1:]], cwd=repo, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{command}: {done.stderr}"
        printed = (done.stdout + done.stderr).splitlines()
        for line in shown:
            if line.endswith("..."):  # shortened in the README
                assert any(p.startswith(line[:-3]) for p in printed), f"{command}: {line!r} not printed"
            else:
                assert line in printed, f"{command}: {line!r} not printed"
