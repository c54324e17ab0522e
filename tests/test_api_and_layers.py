"""The public API, the result schema, and the direction of imports between layers."""

from __future__ import annotations

import ast
import doctest
import os
from pathlib import Path

import pytest

import carbonexpo
from carbonexpo import api
from carbonexpo.result import Result, json_schema
from tests.conftest import EXAMPLE, ROOT

PACKAGE = ROOT / "carbonexpo"

# lower layers first; a module may import its own layer and the ones below, never above
LAYERS = [
    {
        "errors",
        "words",
        "constants",
        "numbers",
        "json_tree",
        "notes",
        "units",
        "unit_table",
        "resources",
        "config",
        "result",
        "result_dump",
        "codes",
        "hashes",
        "memory",
        "identifiers",
        "rules",
        "version",
    },
    {"geo", "factors"},
    {"io"},
    {"calc"},
    {"report", "certificate", "ledger", "booth", "access", "planning", "mailer", "evidence"},
    {"api"},
    {"web"},  # the web face: an edge over the API, like the CLI
    {"cli", "__main__"},
]
LAYER_OF = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def imports_of(path: Path) -> set[str]:
    """carbonexpo.* modules a file imports (at top level or inside functions)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("carbonexpo")
        ):
            if node.module == "carbonexpo":
                out |= {f"carbonexpo.{a.name}" for a in node.names}
            else:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("carbonexpo")}
    return out


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_imports_point_down() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.name == "__init__.py" and len(rel.parts) == 1:
            continue  # the package re-exports the API lazily
        here = rel.parts[0].removesuffix(".py")
        for target in imports_of(path):
            there = top(target)
            if there in ("", "__version__") or there == here:
                continue
            if LAYER_OF[there] > LAYER_OF[here]:
                wrong.append(f"{rel} imports {target} (layer {there} is above {here})")
    assert wrong == []


def test_the_cli_goes_through_the_api() -> None:
    """The CLI calls the library's API; `serve` starts the web face (the other edge)."""
    allowed = {"carbonexpo.api", "carbonexpo.errors", "carbonexpo.__version__", "carbonexpo.web"}
    wrong = [
        f"{p.name} imports {m}"
        for p in sorted((PACKAGE / "cli").glob("*.py"))
        for m in imports_of(p)
        if m not in allowed and not m.startswith("carbonexpo.cli")
    ]
    assert wrong == []


def test_the_web_goes_through_the_api() -> None:
    """The web face is an edge like the CLI: it reaches the library through the API (plus the
    errors it answers and the catalog's words)."""
    allowed = {"carbonexpo.api", "carbonexpo.errors", "carbonexpo.words", "carbonexpo"}
    wrong = [
        f"{p.name} imports {m}"
        for p in sorted((PACKAGE / "web").glob("*.py"))
        for m in imports_of(p)
        if m not in allowed and not m.startswith("carbonexpo.web")
    ]
    assert wrong == []


def test_web_handlers_are_plain_functions_of_the_request() -> None:
    """Every route's handler is a module-level function (testable alone), not a closure."""
    import inspect

    from carbonexpo.web import app as web_app

    for route in web_app.ROUTES:
        handler = route.endpoint
        assert inspect.getmodule(handler) is web_app and "<locals>" not in handler.__qualname__
        assert len(inspect.getsource(handler).splitlines()) <= 40, handler.__name__
    assert web_app.certificate_link("c1", "A" * 64) == {"id": "c1", "sha256": "a" * 64}
    assert web_app.certificate_link("c1", "xyz") is None


def test_a_layer_check_can_fail(tmp_path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from carbonexpo.report.render import num\n", encoding="utf-8")
    assert imports_of(bad) == {"carbonexpo.report.render"}
    assert LAYER_OF[top("carbonexpo.report.render")] > LAYER_OF["calc"]


def test_result_schema_is_current() -> None:
    committed = (ROOT / "docs" / "result.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema(), "run: python -m carbonexpo.result > docs/result.schema.json"


def test_golden_result_validates_against_the_model() -> None:
    text = (ROOT / "tests" / "golden" / "cisce-2024.result.json").read_text(encoding="utf-8")
    result = Result.model_validate_json(text)
    assert result.totals.status == "neutral"
    with pytest.raises(ValueError, match="extra"):
        Result.model_validate({**result.model_dump(), "surprise": 1})


def test_the_facade_from_a_notebook(tmp_path) -> None:
    run = carbonexpo.calculate(EXAMPLE)
    assert run.result.totals.status == "neutral"
    assert round(run.result.totals.gross_tco2e) == 28597
    assert len(run.lines) == run.result.data_quality.lines
    carbonexpo.write_report(run, tmp_path / "r.md", lang="zh")
    assert "实现碳中和" in (tmp_path / "r.md").read_text(encoding="utf-8")
    key, pub = carbonexpo.generate_keys(tmp_path / "k.key")
    carbonexpo.issue_certificate(run, key=key, pdf=tmp_path / "c.pdf")
    assert carbonexpo.verify_certificate(tmp_path / "c.json", public_key=pub).ok
    assert not carbonexpo.verify_certificate(tmp_path / "c.json").ok
    assert set(api.__all__) <= set(dir(carbonexpo))


def test_api_docstring_examples_run(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    failures, tried = doctest.testmod(api, verbose=False)
    assert tried >= 3 and failures == 0


def test_import_carbonexpo_stays_light() -> None:
    import subprocess
    import sys

    code = "import sys, carbonexpo.cli; print('pandas' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
        check=True,
    ).stdout.split()
    assert out == ["False", "False"]


def test_the_library_loads_what_a_task_needs_only_when_it_needs_it() -> None:
    """Issue 36 (an evidence pack under 300 MB): the API loads Parquet's reader (9 MiB) on
    the first Parquet file, cryptography's bindings (7.6 MiB) on the first key, and a chart
    draws without pyplot (14 MiB). Each line below fails when its module is imported at the
    top of a module again."""
    import subprocess
    import sys

    code = (
        "import sys, carbonexpo.api as api\n"
        "heavy = ('pyarrow.parquet', 'cryptography.hazmat.bindings._rust', 'matplotlib')\n"
        "print(*[m in sys.modules for m in heavy])\n"
        "from carbonexpo.report import charts\n"
        "charts.bar_chart(['a', 'b'], [1.0, 2.0], 'title', 'tCO2e')\n"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    assert out == ["False", "False", "False", "False", "True"]


def test_every_public_function_of_the_api_is_exported() -> None:
    """`carbonexpo.compare` raised AttributeError: 11 public functions were missing from
    __all__ (issue 32). Every public function and class defined in api.py is exported, and
    the package says it is typed (py.typed)."""
    import inspect

    import carbonexpo
    from carbonexpo import api

    public = {
        name
        for name, value in vars(api).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == api.__name__
    }
    assert public - set(api.__all__) == set()
    for name in public:
        assert getattr(carbonexpo, name) is getattr(api, name)
    assert (Path(api.__file__).parent / "py.typed").exists()


def test_the_library_speaks_of_arguments_the_cli_of_options(tmp_path) -> None:
    """A notebook user is told about the argument they gave, a person at the command line
    about the option they typed (issue 32)."""
    import carbonexpo
    from carbonexpo.errors import ArgumentError
    from tests.conftest import EXAMPLE, run_cli

    with pytest.raises(ArgumentError) as caught:
        carbonexpo.calculate(EXAMPLE, uncertainty_runs=5)
    assert str(caught.value) == "uncertainty_runs: 5: between 10 and 1,000,000 runs"
    r = run_cli("calc", str(EXAMPLE), "--uncertainty", "--runs", "5")
    assert r.returncode == 2 and r.stderr == "--runs: 5: between 10 and 1,000,000 runs\n"
    run = carbonexpo.calculate(EXAMPLE)
    with pytest.raises(ArgumentError, match=r"^path: must end in \.html, \.md or \.pdf$"):
        carbonexpo.write_report(run, tmp_path / "report.docx")
    with pytest.raises(ArgumentError, match=r"^a/b: "):
        carbonexpo.compare(EXAMPLE, tmp_path / "nothing")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    r = run_cli("compare", str(EXAMPLE), str(tmp_path / "notes.txt"))
    assert r.returncode == 2 and r.stderr.startswith(
        "notes.txt:0:: not a carbonexpo result JSON: not JSON text"
    ), r.stderr


def test_the_facade_imports_eagerly_and_typed() -> None:
    """Issue 32: api.py imports what it hands out at module level (no TYPE_CHECKING block, no
    lazy __getattr__, no imports inside functions), so a type checker and a reader see each
    public name's origin. `carbonexpo --help` stays fast because the CLI imports api only in
    its commands (test_import_carbonexpo_stays_light)."""
    tree = ast.parse((PACKAGE / "api.py").read_text(encoding="utf-8"))
    inner = [
        f"line {n.lineno}"
        for fn in tree.body
        if isinstance(fn, (ast.FunctionDef, ast.ClassDef))
        for n in ast.walk(fn)
        if isinstance(n, (ast.Import, ast.ImportFrom))
    ]
    assert inner == []
    assert "TYPE_CHECKING" not in {
        getattr(n.test, "id", "") for n in tree.body if isinstance(n, ast.If)
    }
    assert not hasattr(api, "_LAZY") and "__getattr__" not in vars(api)
    for name in api.__all__:
        assert name in vars(api), name


def test_every_public_function_says_what_it_does() -> None:
    """Issue 32: each function of the façade has a docstring (parameters, returns, raises
    where there are any) a notebook user reads with help()."""
    import inspect

    bare = [
        name
        for name in api.__all__
        if callable(value := getattr(api, name))
        and not inspect.isclass(value)
        and len((value.__doc__ or "").strip()) < 30
    ]
    assert bare == []


IMPORT_EACH = """
import importlib, os, pkgutil, sys
import numpy, pandas, pyarrow, pydantic, yaml, jinja2  # third-party, shared by the children
import carbonexpo as _pkg
names = sys.argv[1:]
if names == ["all"]:  # __main__ runs the command line when imported
    names = [m.name for m in pkgutil.walk_packages(_pkg.__path__, "carbonexpo.")]
    names = [n for n in names if not n.endswith("__main__")]
for k in [k for k in sys.modules if k.startswith("carbonexpo")]:
    del sys.modules[k]
failed = []
for name in names:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    failed += [name] if status else []
print("FAILED", " ".join(failed))
"""


def _import_each(*names: str) -> str:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, *names],
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout  # fmt: skip
    return out


def test_a_lower_module_imports_first_without_a_cycle() -> None:
    """`from carbonexpo import geo` in io/event.py asked the package's lazy __getattr__,
    which imported the façade, which imported io/event.py again: a circular ImportError for
    anyone whose first import was a lower module (found when api.py became eager)."""
    out = _import_each("carbonexpo.io.event", "carbonexpo.calc.calculate", "carbonexpo.result")
    assert out.strip().splitlines()[-1] == "FAILED", out


def test_every_module_imports_first_without_a_cycle() -> None:  # slow: ~100 fresh imports
    out = _import_each("all")
    assert out.strip().splitlines()[-1] == "FAILED", out
