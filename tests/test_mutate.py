"""`./dev mutate` (scripts/mutate.py): which modules and tests, how mutants are read and counted."""

import io
import json
from pathlib import Path

import pytest

from scripts import mutate

SOURCE = '''"""A planted module."""


def check(x):
    if x > 0:
        raise ValueError("x must not be positive")
    return {"name": x + 1}


class Box:
    def size(self, n):
        return n * 2
'''


@pytest.fixture
def mutated(monkeypatch):
    """mutmut's own mutated copy of SOURCE: its function names and layout, as a run writes."""
    from mutmut.mutation.file_mutation import mutate_file_contents

    monkeypatch.chdir(mutate.ROOT)  # mutmut reads its configuration from the checkout
    result = mutate_file_contents("pkg/planted.py", SOURCE)
    return result.code, [f"pkg.planted.{name}" for name in result.mutant_names]


def test_the_core_modules_exist_and_have_tests():
    modules = mutate.core_modules()
    assert "portfolio/analysis/abc.py" in modules
    assert "profiles/versions/evaluation.py" in modules
    for module in modules:
        assert mutate.module_path(module) == module
        assert mutate.test_folder(module).startswith("tests/")


@pytest.mark.parametrize(
    "name",
    [
        "portfolio/analysis/abc.py",
        "portfolio.analysis.abc",
        "./portfolio/analysis/abc.py",
        "portfolio/analysis/abc",
        str(mutate.ROOT / "portfolio/analysis/abc.py"),
    ],
)
def test_a_module_is_named_by_path_or_dotted_name(name):
    assert mutate.module_path(name) == "portfolio/analysis/abc.py"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scripts/mutate.py", "not a module of icp_site, portfolio, profiles"),
        ("portfolio/analysis/nothing.py", "there is no portfolio/analysis/nothing.py"),
        ("profiles/migrations/0001_initial.py", "not a module"),
    ],
)
def test_other_paths_are_refused_with_a_reason(name, message):
    with pytest.raises(mutate.UsageError, match=message):
        mutate.module_path(name)


def test_the_tests_of_a_module_are_its_mirrored_folder(tmp_path):
    assert mutate.test_folder("profiles/versions/criteria.py") == "tests/profiles/versions"
    (tmp_path / "portfolio" / "analysis").mkdir(parents=True)
    (tmp_path / "portfolio" / "analysis" / "subgroups.py").write_text("")
    with pytest.raises(mutate.UsageError, match=r"no tests in tests/portfolio/analysis/"):
        mutate.test_folder("portfolio/analysis/subgroups.py", root=tmp_path)
    (tmp_path / "tests" / "portfolio" / "analysis").mkdir(parents=True)
    (tmp_path / "tests" / "portfolio" / "analysis" / "test_subgroups.py").write_text("")
    assert mutate.test_folder("portfolio/analysis/subgroups.py", tmp_path) == (
        "tests/portfolio/analysis"
    )


def test_mutants_are_described_and_a_changed_sentence_is_text(mutated):
    code, keys = mutated
    found = mutate.classify("pkg/planted.py", code, SOURCE, keys)
    described = {key.rpartition(".")[2]: (m.kind, m.where, m.change) for key, m in found.items()}
    assert described["x_check__mutmut_1"] == ("behaviour", "pkg/planted.py:5", "x > 0 → x >= 0")
    assert described["x_check__mutmut_3"][0:2] == ("text", "pkg/planted.py:6")
    assert described["x_check__mutmut_3"][2] == "'x must not be positive' → None"
    texts = [k for k, (kind, _, _) in described.items() if kind == "text"]
    assert texts == ["x_check__mutmut_3", "x_check__mutmut_4", "x_check__mutmut_5"]
    # A key of a mapping is behaviour: the page reading it would break.
    assert described["x_check__mutmut_6"] == (
        "behaviour",
        "pkg/planted.py:7",
        "'name' → 'XXnameXX'",
    )
    assert described["xǁBoxǁsize__mutmut_1"] == ("behaviour", "pkg/planted.py:12", "n * 2 → n / 2")


def test_results_are_counted_per_module_and_texts_left_out_of_the_score(mutated, tmp_path):
    code, keys = mutated
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "planted.py").write_text(SOURCE)
    mutants_dir = tmp_path / "mutants"
    (mutants_dir / "pkg").mkdir(parents=True)
    (mutants_dir / "pkg" / "planted.py").write_text(code)
    # Killed, a timeout, and survivors: one mutant left with no test, one text mutant.
    codes = dict.fromkeys(keys, 1)
    codes["pkg.planted.x_check__mutmut_2"] = 36
    codes["pkg.planted.x_check__mutmut_8"] = 0
    codes["pkg.planted.xǁBoxǁsize__mutmut_2"] = 33
    codes["pkg.planted.x_check__mutmut_5"] = 0
    meta = {"exit_code_by_key": codes}
    (mutants_dir / "pkg" / "planted.py.meta").write_text(json.dumps(meta))

    (report,) = mutate.read_results(["pkg/planted.py"], mutants_dir, root=tmp_path)
    assert (report.killed, report.survived, report.score) == (6, 2, 0.75)
    assert (report.count("text", True), report.count("text", False)) == (2, 1)
    figures = mutate.summary([report])
    assert figures == {
        "modules": {
            "pkg/planted.py": {
                "killed": 6,
                "survived": 2,
                "score": 0.75,
                "text_killed": 2,
                "text_survived": 1,
            }
        },
        "killed": 6,
        "survived": 2,
        "score": 0.75,
    }
    table = mutate.render([report])
    assert "  behaviour: killed                5" in table.splitlines()
    assert "  behaviour: timeout               1" in table.splitlines()
    assert "  score                         0.75" in table.splitlines()
    assert "pkg/planted.py:7  x_check__mutmut_8  [survived]  x + 1 → x - 1" in table
    assert "pkg/planted.py:12  xǁBoxǁsize__mutmut_2  [no tests]  2 → 3" in table


def test_a_module_without_results_has_no_score():
    (report,) = mutate.read_results(["pkg/none.py"], Path("/nonexistent"))
    assert report.score is None
    assert mutate.summary([report])["score"] is None


def test_mutmuts_spinner_is_shown_once_per_step_and_progress_now_and_then():
    out = io.StringIO()
    relay = mutate.Relay(out, every=3600)
    stream = io.BytesIO(
        "⠋ Generating mutants\r⠙ Generating mutants\r    done in 5ms\n"
        "⠋ 1/3  🎉 1\r⠙ 2/3  🎉 2\r⠹ 3/3  🎉 3\n2.00 mutations/second\n".encode()
    )
    relay.relay(stream)
    assert out.getvalue().splitlines() == [
        "Generating mutants",
        "    done in 5ms",
        "1/3  🎉 1",
        "3/3  🎉 3",
        "2.00 mutations/second",
    ]
