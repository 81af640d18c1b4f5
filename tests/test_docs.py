"""The README teaches every command, and CI runs the README's own test command."""

import re

from conftest import ROOT

from posecheck.cli.main import main

README = (ROOT / "README.md").read_text()


def test_every_command_is_in_the_readme():
    for name, cmd in main.commands.items():
        assert f"posecheck {name}" in README, name
        for sub in getattr(cmd, "commands", {}):
            assert sub in README, f"{name} {sub}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^python3 -m venv .*$", quick, flags=re.M)
    assert len(commands) == 2, "the quick start is two commands"
    test_cmd = commands[1]
    extras = re.search(r"pip install -e '\.\[([a-z,]+)\]'", test_cmd).group(1)
    assert "test" in extras.split(",") and ".venv/bin/python -m pytest -q -rs" in test_cmd
    # The same pytest command in both, so CI shows why tests skip as the README's does.
    pytest_cmd = test_cmd.split("&& ")[-1]
    assert f"pip install -q -e '.[{extras}]'" in ci and re.search(rf"^{re.escape(pytest_cmd)}$", ci, flags=re.M)
    assert "sample_videos/plank_sag_a.mp4" in commands[0]
    assert (ROOT / "sample_videos" / "plank_sag_a.mp4").exists()
