"""The layout rules of docs/architecture.md hold, and the check would see them broken."""

from pathlib import Path

from scripts import layout_check


def test_the_project_keeps_its_layout():
    assert [str(problem) for problem in layout_check.check()] == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in ("icp_site", "portfolio", "profiles"):
        init = root / package / "__init__.py"
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text(f'"""The {package} package."""\n')
    return root


def _rules(problems) -> list[str]:
    return sorted(problem.rule for problem in problems)


def test_a_cycle_through_an_import_inside_a_function_is_a_cycle(tmp_path):
    root = _tree(
        tmp_path,
        {
            "portfolio/a.py": "from portfolio import b\n",
            "portfolio/b.py": "def later():\n    from portfolio.a import thing\n",
        },
    )
    problems = layout_check.check(root)
    assert _rules(problems) == ["import cycle"]
    assert "portfolio.a -> portfolio.b" in str(problems[0])


def test_a_package_importing_its_own_modules_is_no_cycle(tmp_path):
    root = _tree(
        tmp_path,
        {
            "portfolio/analysis/__init__.py": '"""Pure."""\nfrom portfolio.analysis.abc import x\n',
            "portfolio/analysis/abc.py": "from portfolio.analysis import common\n",
            "portfolio/analysis/common.py": "",
        },
    )
    assert layout_check.check(root) == []


def test_the_shell_may_not_import_an_app_and_portfolio_may_not_import_profiles(tmp_path):
    root = _tree(
        tmp_path,
        {
            "icp_site/views.py": "from portfolio.models import Customer\n",
            "portfolio/models.py": "from profiles.models import Workshop\n",
            "profiles/models.py": "from portfolio.analysis import sizes\n",
            "portfolio/analysis.py": "",
            "icp_site/urls.py": "from profiles import urls\n",  # root URLs may include apps
        },
    )
    problems = layout_check.check(root)
    assert _rules(problems) == ["import points up", "import points up"]
    assert {p.where for p in problems} == {"icp_site.views", "portfolio.models"}


def test_long_modules_full_folders_and_silent_packages_are_reported(tmp_path):
    files = {f"portfolio/m{i}.py": "" for i in range(layout_check.MAX_MODULES + 1)}
    files["portfolio/long.py"] = "x = 1\n" * (layout_check.MAX_LINES + 1)
    files["profiles/quiet/__init__.py"] = ""
    problems = layout_check.check(_tree(tmp_path, files))
    assert _rules(problems) == ["folder too full", "module too long", "package without docstring"]


def test_a_module_of_exactly_the_limit_passes(tmp_path):
    files = {f"portfolio/m{i}.py": "" for i in range(layout_check.MAX_MODULES)}
    files["portfolio/m0.py"] = "x = 1\n" * layout_check.MAX_LINES
    assert layout_check.check(_tree(tmp_path, files)) == []
