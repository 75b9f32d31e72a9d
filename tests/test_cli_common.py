"""The options several commands share (saidwhat.cli.common): one declaration each, so every
command's copy has the same help, type and default."""

from __future__ import annotations

from collections import defaultdict

import click
from click.testing import CliRunner

from saidwhat.cli import main

# option -> the commands that must have it (at least these)
SHARED = {
    "--model": {"extract", "show", "eval", "network", "concepts", "reliability", "run", "train"},
    "--method": {"eval", "network", "reliability"},
    "--threshold": {"eval", "network", "reliability"},
    "--no-csv-escape": {"network", "export", "quotes"},
    "--progress": {"extract", "ingest", "run"},
    "--config": {"extract", "run"},
    "--doc-id": {"extract", "show", "ingest"},
    "--all-languages": {"extract", "show", "ingest"},
    "--extractor": {"extract", "eval", "run"},
    "--scheme": {"extract", "eval", "run"},
}


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name in group.list_commands(click.Context(group)):
        cmd = group.get_command(click.Context(group), name)
        assert cmd is not None
        out[prefix + name] = cmd
        if isinstance(cmd, click.Group):
            out.update(_commands(cmd, prefix + name + " "))
    return out


def _options() -> dict[str, dict[str, dict]]:
    """long option name -> command -> the option's description (its name aside: the
    parameter name is the command function's)."""
    found: dict[str, dict[str, dict]] = defaultdict(dict)
    for cmd_name, cmd in _commands(main).items():
        for param in cmd.params:
            if isinstance(param, click.Option):
                info = param.to_info_dict()
                info.pop("name")
                found[param.opts[-1].split("/")[0]][cmd_name] = info
    return found


def test_shared_options_are_the_same_in_every_command() -> None:
    found = _options()
    for option, expected in SHARED.items():
        copies = found[option]
        assert expected <= set(copies), (option, sorted(copies))
        first_cmd, first = next(iter(copies.items()))
        assert first["help"], option
        for cmd_name, info in copies.items():
            assert info == first, f"{option}: {cmd_name} differs from {first_cmd}"


def test_shared_options_keep_their_names_and_defaults() -> None:
    found = _options()
    assert found["--model"]["run"]["default"] is None
    # None: Settings.coding_method (embeddings), as the Python API
    assert found["--method"]["network"]["default"] is None
    assert list(found["--method"]["eval"]["type"]["choices"]) == ["lexical", "embeddings"]
    assert found["--threshold"]["reliability"]["default"] is None
    assert found["--doc-id"]["ingest"]["default"] == "stem"
    assert found["--progress"]["ingest"]["secondary_opts"] == ["--no-progress"]
    params = {p.opts[0]: p.name for p in main.get_command(click.Context(main), "extract").params}
    assert params["--progress"] == "show_progress" and params["--config"] == "config_path"


def test_a_threshold_outside_0_to_1_is_a_usage_error_everywhere(tmp_path) -> None:
    for args in (["eval", "--coding", str(tmp_path)], ["reliability"], ["network"]):
        r = CliRunner().invoke(main, [*args, "--threshold", "1.5"])
        assert r.exit_code == 2 and "--threshold" in r.output, (args, r.output)
