"""The architecture holds: layers, no cycles, thin edges, small modules, one place for statuses, ruff clean.

The layers themselves are written once, as import-linter contracts in the root pyproject.toml (and
drawn in docs/architecture.md); these tests run them and the rules grep can check.
"""
import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGES = ("senko-app/senko", "senko-predict/senko_predict", "stack/senko_stack")
MAX_MODULE_LINES = 300


def python_files(root: Path, *folders: str):
    for folder in folders:
        yield from sorted((root / folder).rglob("*.py"))


def tool(name: str) -> str:
    """A console script of the project's venv (next to this interpreter)."""
    return str(Path(sys.executable).parent / name)


def test_import_contracts_hold(repo_root):
    """import-linter: senko-app's layers (no upward import), no cycles in any package, senko-predict apart."""
    result = subprocess.run([tool("lint-imports"), "--no-cache"], cwd=repo_root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "KEPT" in result.stdout


def test_every_senko_module_sits_in_a_layer(repo_root):
    """Each top-level module of senko is named in the layers contract (a new module must be placed)."""
    import tomllib

    config = tomllib.loads((repo_root / "pyproject.toml").read_text())
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "senko-layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {p.stem if p.is_file() else p.name for p in (repo_root / "senko-app/senko").iterdir()
               if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert modules == placed


def test_ruff_is_clean(repo_root):
    """ruff (configured in pyproject.toml) finds nothing in the whole repository."""
    result = subprocess.run([tool("ruff"), "check", "--no-cache", "."], cwd=repo_root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_over_300_lines(repo_root):
    """Small modules named after what they hold: none of the three packages has one over ~300 lines."""
    long = {str(p.relative_to(repo_root)): n for p in python_files(repo_root, *PACKAGES)
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_nothing_patches_the_import_path(repo_root):
    """Packages are installed (editable), so no code, test or benchmark inserts into sys.path or sets PYTHONPATH."""
    offenders = []
    setting = re.compile(r"sys\.path\.(insert|append)|\[[\"']PYTHONPATH[\"']\]\s*=(?!=)|[\"']PYTHONPATH[\"']\s*:")
    for path in python_files(repo_root, *PACKAGES, "tests", "bench", "docs"):
        if path != Path(__file__) and setting.search(path.read_text()):
            offenders.append(str(path.relative_to(repo_root)))
    for path in [repo_root / "Makefile", *repo_root.glob("*/Dockerfile"), *repo_root.glob("*/*.sh"), *repo_root.glob("*/*.ini")]:
        code = [line for line in path.read_text().splitlines() if not line.lstrip().startswith(("#", ";", "@#"))]
        if any("PYTHONPATH" in line for line in code):
            offenders.append(str(path.relative_to(repo_root)))
    assert offenders == []


def test_api_error_is_raised_only_at_the_http_edge(repo_root):
    """ApiError appears only in senko/errors.py (its definition) and senko/resources/ (the HTTP edge)."""
    senko = repo_root / "senko-app/senko"
    users = {str(p.relative_to(senko)) for p in senko.rglob("*.py") if "ApiError" in p.read_text()}
    assert "errors.py" in users and {u for u in users if not u.startswith("resources/")} == {"errors.py"}


def test_applicant_status_is_assigned_in_one_place(repo_root):
    """Only the transition methods of models/applicant.py assign Applicant.status (and no status literal lives elsewhere).

    Two modules assign the status of other things: the model registry (MlModel) and the source runner
    (SourceRun, whose "failed" is its own word, so that word is not checked).
    """
    senko = repo_root / "senko-app/senko"
    statuses = ("no_resume", "queued", "processing", "scored", "unscored")
    assigning, literals = set(), set()
    for path in senko.rglob("*.py"):
        rel = str(path.relative_to(senko))
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" and getattr(t.value, "id", "") != "self"
                       for t in targets):
                    assigning.add(rel)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Applicant" \
                    and any(k.arg == "status" for k in node.keywords):
                assigning.add(rel)
            if isinstance(node, ast.Constant) and node.value in statuses and rel != "models/applicant.py":
                literals.add(rel)
    assert assigning <= {"training/registry.py", "sources/runner.py"}, assigning
    assert literals == set(), literals


@pytest.mark.parametrize("package", ["senko", "senko_predict", "senko_stack"])
def test_importing_a_package_has_no_side_effects(package):
    """Importing the packages opens no connection and builds no app (only wsgi/worker modules do)."""
    code = (f"import sys, socket; socket.socket.connect = lambda *a: sys.exit('connects at import'); "
            f"import {package}, pkgutil, importlib; "
            f"[importlib.import_module(m.name) for m in pkgutil.walk_packages({package}.__path__, '{package}.') "
            f"if not m.name.endswith(('.wsgi', '.worker', '.__main__'))]")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_tests_share_code_only_through_fixtures(repo_root):
    """No test module imports conftest, another test module or a helper module by name (importlib mode)."""
    offenders = []
    for path in (repo_root / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            if any(n.split(".")[0] in ("conftest", "tests") or n.startswith("test_") or n.endswith("_helpers")
                   for n in names):
                offenders.append(str(path.relative_to(repo_root)))
    assert offenders == []
