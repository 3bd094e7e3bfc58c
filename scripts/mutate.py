"""Mutation testing of the core modules: `./dev mutate [--jobs N] [MODULE ...]`.

mutmut (a dev dependency, configured in pyproject.toml's [tool.mutmut]) copies the packages into
`mutants/`, puts small deliberate bugs ("mutants") into the named modules one at a time and runs
the fast tests that reach the mutated function. A mutant some test fails on is killed; one every
test passes on survived: either a test is missing or the change is equivalent (the same
behaviour written differently).

- MODULE is a path (`portfolio/analysis/abc.py`) or a dotted name (`portfolio.analysis.abc`);
  without any, the core modules of `only_mutate` in pyproject.toml.
- The tests are the fast ones (no database, no browser, no time limit: `--fast -m "not timed"`)
  in the module's mirrored test folder (`tests/portfolio/analysis/` for the module above).
- Hypothesis runs its "ci" profile: the same examples every run, no example database.
- Text mutants, a changed sentence for people (an error message, a translated text), are
  counted apart and left out of the score; every other mutant is a behaviour mutant.

It prints a table per module, the surviving behaviour mutants, and as its last line one JSON
object `{"modules": {...}, "killed": N, "survived": N, "score": 0.xx}`. The exit status is 0
when the score reaches GOAL, 1 when it does not, 2 when the run could not be made.
"""

from __future__ import annotations

import argparse
import ast
import codecs
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("icp_site", "portfolio", "profiles")
GOAL = 0.90
PYTEST_ARGS = ["--fast", "-m", "not timed"]
# A fast test must not reach a database: this address has none, so one that tries fails loudly.
NO_DATABASE = "postgres://fast-tests-use-no-database@127.0.0.1:1/none"
# Calls whose string arguments are sentences for people.
TEXT_CALLS = {"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "pgettext", "warn"}
# mutmut's exit codes (mutmut.stats.status_by_exit_code), grouped as this report counts them.
CAUGHT = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
CAUGHT |= {255: "timeout", -11: "segfault", -9: "segfault"}
MISSED = {0: "survived", 5: "no tests", 33: "no tests"}
SPINNER = re.compile(r"[\u2800-\u28ff] ")  # mutmut's status line: a braille frame, a space

# The boot of the mutmut process: the modules and tests of this run replace the configured ones.
_BOOT = """
import json, sys
import mutmut.__main__ as main
from mutmut.configuration import config
spec = json.loads(sys.argv[1])
cfg = config()
cfg.only_mutate = spec["modules"]
cfg.pytest_add_cli_args = spec["pytest_args"]
cfg.pytest_add_cli_args_test_selection = spec["tests"]
main.cli(["run", "--max-children", str(spec["jobs"])])
"""


class UsageError(Exception):
    """A module that cannot be mutation-tested as asked; the message says why."""


@dataclass
class Mutant:
    key: str  # mutmut's name: module.x_function__mutmut_N
    status: str  # killed, timeout, segfault, survived, no tests or another mutmut status
    kind: str  # "behaviour" or "text"
    where: str = ""  # path:line in the source
    change: str = ""  # what the mutant changed, as code

    @property
    def caught(self) -> bool:
        return self.status in ("killed", "timeout", "segfault")


@dataclass
class ModuleReport:
    path: str
    mutants: list[Mutant] = field(default_factory=list)

    def count(self, kind: str, caught: bool) -> int:
        return sum(m.kind == kind and m.caught == caught for m in self.mutants)

    @property
    def killed(self) -> int:
        return self.count("behaviour", True)

    @property
    def survived(self) -> int:
        return self.count("behaviour", False)

    @property
    def score(self) -> float | None:
        tested = self.killed + self.survived
        return round(self.killed / tested, 4) if tested else None


# --------------------------------------------------------------------------- which modules, tests


def core_modules(root: Path = ROOT) -> list[str]:
    """The modules `./dev mutate` checks when none are named: pyproject's only_mutate."""
    config = tomllib.loads((root / "pyproject.toml").read_text())
    return list(config["tool"]["mutmut"]["only_mutate"])


def module_path(name: str, root: Path = ROOT) -> str:
    """A module of the project as a path relative to the checkout, from a path or dotted name."""
    text = name.strip().removeprefix("./")
    if not text.endswith(".py"):
        text = text.replace(".", "/") + ".py"
    path = Path(text)
    if path.is_absolute():
        path = path.resolve().relative_to(root.resolve())
    if path.parts[0] not in PACKAGES or "migrations" in path.parts:
        raise UsageError(f"{name}: not a module of {', '.join(PACKAGES)}")
    if not (root / path).is_file():
        raise UsageError(f"{name}: there is no {path}")
    return path.as_posix()


def test_folder(module: str, root: Path = ROOT) -> str:
    """The tests of a module: its mirrored folder under tests/ (they must exist)."""
    folder = Path("tests", *Path(module).parent.parts)
    if not any((root / folder).glob("test_*.py")):
        raise UsageError(f"{module}: no tests in {folder}/ (tests mirror the packages)")
    return folder.as_posix()


# --------------------------------------------------------------------------- reading the results


def _function_defs(tree: ast.AST) -> dict[str, ast.FunctionDef]:
    """Every function and method of a module by name (methods also as mutmut names them)."""
    found: dict[str, ast.FunctionDef] = {}

    def visit(body: list[ast.stmt], owner: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found[node.name] = node
                found[f"xǁ{owner}ǁ{node.name}" if owner else f"x_{node.name}"] = node
            elif isinstance(node, ast.ClassDef):
                visit(node.body, node.name)

    visit(tree.body, "")
    return found


def _difference(a: ast.AST, b: ast.AST, trail: tuple[ast.AST, ...] = ()):
    """The innermost nodes where two trees differ, with the ancestors of the original's."""
    if type(a) is not type(b):
        return a, b, trail
    for name in a._fields:
        if name == "name" and isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef):
            continue  # x_f__mutmut_3 is x_f__mutmut_orig with one change
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return a, b, trail
            pairs = zip(x, y, strict=True)
        else:
            pairs = [(x, y)]
        for p, q in pairs:
            if isinstance(p, ast.AST) and isinstance(q, ast.AST):
                found = _difference(p, q, (*trail, a))
                if found and isinstance(found[0], _OPERATORS):
                    return a, b, trail  # `a < b` → `a <= b` reads better than `<` → `<=`
                if found:
                    return found
            elif p != q or type(p) is not type(q):
                return a, b, trail
    return None


_OPERATORS = (ast.operator, ast.cmpop, ast.boolop, ast.unaryop)


def _called(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        func = node.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return ""


def _literal_text(node: ast.AST) -> str | None:
    """The text of a string literal or f-string (its literal parts); None for other code."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def _is_text(original: ast.AST, trail: tuple[ast.AST, ...]) -> bool:
    """A changed sentence for people: a string with a space, raised or handed to gettext."""
    text = _literal_text(original)
    if text is None or not any(char.isspace() for char in text):
        return False  # code, or a key, a column name, a code word: behaviour
    return any(isinstance(n, ast.Raise) or _called(n) in TEXT_CALLS for n in trail)


def _change(before: ast.AST, after: ast.AST) -> str:
    """`before → after` as code, long ones cut to where they differ."""
    texts = [" ".join(ast.unparse(node).split()) for node in (before, after)]
    same = len(os.path.commonprefix(texts))
    if same > 30:
        texts = ["…" + text[same - 20 :] for text in texts]
    return " → ".join(text if len(text) <= 80 else text[:77] + "…" for text in texts)


def classify(module: str, mutated: str, source: str, keys: list[str]) -> dict[str, Mutant]:
    """What each mutant of `module` changed (kind, place, code), from mutmut's mutated copy."""
    generated = _function_defs(ast.parse(mutated))
    original = _function_defs(ast.parse(source))
    found = {}
    for key in keys:
        name = key.rpartition(".")[2]  # x_function__mutmut_3 or xǁClassǁmethod__mutmut_3
        function = name.rpartition("__mutmut_")[0]
        mutant, orig = generated.get(name), generated.get(f"{function}__mutmut_orig")
        diff = _difference(orig, mutant) if mutant and orig else None
        if diff is None:
            found[key] = Mutant(key, "", "behaviour", module, "(not found in the mutated copy)")
            continue
        before, after, trail = diff
        line = getattr(before, "lineno", None) or getattr(trail[-1], "lineno", orig.lineno)
        source_def = original.get(function)
        if source_def is not None:
            line = line - orig.lineno + source_def.lineno
        kind = "text" if _is_text(before, trail) else "behaviour"
        found[key] = Mutant(key, "", kind, f"{module}:{line}", _change(before, after))
    return found


def status_name(exit_code: int | None) -> str:
    if exit_code in CAUGHT:
        return CAUGHT[exit_code]
    if exit_code in MISSED:
        return MISSED[exit_code]
    return "not checked" if exit_code is None else f"exit {exit_code}"


def read_results(modules: list[str], mutants_dir: Path, root: Path = ROOT) -> list[ModuleReport]:
    """Each module's mutants with their status and kind, from mutants/<module>.meta."""
    reports = []
    for module in modules:
        meta_path = mutants_dir / f"{module}.meta"
        report = ModuleReport(module)
        if meta_path.exists():
            codes = json.loads(meta_path.read_text())["exit_code_by_key"]
            mutated = (mutants_dir / module).read_text()
            described = classify(module, mutated, (root / module).read_text(), list(codes))
            for key, code in codes.items():
                described[key].status = status_name(code)
                report.mutants.append(described[key])
        reports.append(report)
    return reports


# --------------------------------------------------------------------------- the report


def _ratio(killed: int, survived: int) -> float | None:
    return round(killed / (killed + survived), 4) if killed + survived else None


def summary(reports: list[ModuleReport]) -> dict:
    """The figures of the last line: per module and in total (behaviour mutants)."""
    killed = sum(r.killed for r in reports)
    survived = sum(r.survived for r in reports)
    modules = {
        r.path: {
            "killed": r.killed,
            "survived": r.survived,
            "score": r.score,
            "text_killed": r.count("text", True),
            "text_survived": r.count("text", False),
        }
        for r in reports
    }
    return {
        "modules": modules,
        "killed": killed,
        "survived": survived,
        "score": _ratio(killed, survived),
    }


def _score_text(score: float | None) -> str:
    return "-" if score is None else f"{score:.2f}"


def render(reports: list[ModuleReport]) -> str:
    """A table per module (statuses of its mutants), then every surviving behaviour mutant."""
    lines = []
    for r in reports:
        statuses = Counter(m.status for m in r.mutants if m.kind == "behaviour")
        text = Counter(m.caught for m in r.mutants if m.kind == "text")
        lines += [
            f"{r.path}",
            f"  {'mutants':<28}{len(r.mutants):>6}",
            *(f"  {'behaviour: ' + s:<28}{n:>6}" for s, n in sorted(statuses.items())),
            f"  {'text (not scored): caught':<28}{text[True]:>6}",
            f"  {'text (not scored): survived':<28}{text[False]:>6}",
            f"  {'score':<28}{_score_text(r.score):>6}",
            "",
        ]
    survivors = [m for r in reports for m in r.mutants if m.kind == "behaviour" and not m.caught]
    if survivors:
        lines.append(f"Surviving behaviour mutants ({len(survivors)}):")
        for m in survivors:
            lines.append(f"  {m.where}  {m.key.rpartition('.')[2]}  [{m.status}]  {m.change}")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- running


class Relay:
    """mutmut's output without its spinner: each step once, the progress once a minute."""

    def __init__(self, out: TextIO, every: float = 60.0):
        self.out, self.every = out, every
        self.title, self.progress, self.shown = "", "", -math.inf

    def line(self, text: str) -> None:
        text = text.rstrip()
        if not text.strip():
            return
        if not SPINNER.match(text):
            if self.progress:  # the last count before what follows it
                self._print(self.progress)
            self._print(text)
        elif text[2:3].isdigit():  # "⠋ 186/3743  🎉 100 ..."
            self.progress = text[2:]
            if time.monotonic() - self.shown >= self.every:
                self._print(self.progress)
        elif text[2:].strip() != self.title:
            self.title = text[2:].strip()
            self._print(self.title)

    def _print(self, text: str) -> None:
        if text == self.progress:
            self.shown, self.progress = time.monotonic(), ""
        print(text, file=self.out, flush=True)

    def relay(self, stream) -> None:
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        rest = ""
        for chunk in iter(lambda: stream.read1(4096), b""):
            *lines, rest = re.split(r"[\r\n]", rest + decode(chunk))
            for text in lines:
                self.line(text)
        self.line(rest + decode(b"", final=True))
        if self.progress:
            self._print(self.progress)


def run_mutmut(modules: list[str], tests: list[str], jobs: int) -> int:
    """mutmut on `modules` against `tests`, from a clean mutants/ (old verdicts go stale)."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    env = {**os.environ, "HYPOTHESIS_PROFILE": "ci", "DATABASE_URL": NO_DATABASE}
    env.pop("DEBUG", None)
    spec = {"modules": modules, "tests": tests, "pytest_args": PYTEST_ARGS, "jobs": jobs}
    command = [sys.executable, "-c", _BOOT, json.dumps(spec)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as process:
        Relay(sys.stdout).relay(process.stdout)
    return process.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev mutate", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module paths or dotted names")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants at once")
    args = parser.parse_args(argv)
    try:
        modules = [module_path(m) for m in args.modules or core_modules()]
        tests = sorted({test_folder(m) for m in modules})
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    modules = list(dict.fromkeys(modules))
    print(f"Mutating {len(modules)} module(s) against the fast tests in {', '.join(tests)}")
    status = run_mutmut(modules, tests, max(1, args.jobs))
    if status != 0:
        print(f"mutmut stopped with status {status}; see its output above.", file=sys.stderr)
        return 2
    reports = read_results(modules, ROOT / "mutants")
    figures = summary(reports)
    print()
    print(render(reports))
    score = figures["score"]
    verdict = "reaches" if score is not None and score >= GOAL else "is below"
    print(f"Score {_score_text(score)} {verdict} the goal of {GOAL:.2f} (behaviour mutants).")
    print(json.dumps(figures))
    return 0 if verdict == "reaches" else 1


if __name__ == "__main__":
    sys.exit(main())
