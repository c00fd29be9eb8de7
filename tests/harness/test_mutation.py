"""`make mutation`'s pieces: its cosmic-ray configuration and the equivalent-mutant catalogue."""

from pathlib import Path

from cosmic_ray.config import load_config

from support.proof.catalogues import ROOT
from support.proof.mutation import MODULES, Score, _config, equivalents, table


def test_every_configuration_reads_as_cosmic_ray_reads_it(tmp_path: Path):
    for module, requirements in MODULES.items():
        assert (ROOT / module).exists(), module
        path = tmp_path / "mutation.toml"
        path.write_text(_config(module, requirements))
        config = load_config(str(path))
        assert config["module-path"] == module
        assert all(f"--requirement={req}" in config.test_command for req in requirements)
        assert config.sub("filters", "operators-filter")["exclude-operators"]


def test_every_equivalent_mutant_names_a_measured_module_and_says_why():
    for mutant, reason in equivalents().items():
        assert mutant.split(":")[0] in MODULES, mutant
        assert reason.strip(), mutant


def test_the_table_scores_killed_against_killed_and_survived():
    score = Score("service/domain/x.py", killed=9, survivors=["a"], skipped=3)
    assert score.percent == 90.0
    assert "| service/domain/x.py | 13 | 3 | 9 | 1 | 0 | 0 | 90% |" in table([score])
