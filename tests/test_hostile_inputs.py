"""Hostile inputs: YAML bombs, deep nesting, duplicate keys, overflow, located parse errors,
the certificate envelope, and a seeded fuzz run (tests/fuzz_event.py)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from carbonexpo.calc.allocation import largest_remainder
from tests.conftest import EXAMPLE, run_cli
from tests.fuzz_event import run_case


def example_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "ev"
    shutil.copytree(EXAMPLE, folder)
    return folder


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def refused(folder: Path, tmp_path: Path, command: str = "calc") -> list[str]:
    out = tmp_path / "o.json"
    args = [command, str(folder)] + (["--json", str(out)] if command == "calc" else [])
    r = run_cli(*args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    return r.stderr.splitlines()


# 1. deep nesting
@pytest.mark.parametrize("command", ["calc", "validate"])
def test_deeply_nested_yaml_is_refused_at_its_line(tmp_path, command) -> None:
    folder = example_copy(tmp_path)
    append(folder / "event.yaml", "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    lines = refused(folder, tmp_path, command)
    line = next_line(folder / "event.yaml") - 1  # the appended line
    assert lines[0] == f"event.yaml:{line}:deep: nested deeper than 20 levels"


# 2. overflow
def test_absurd_quantities_are_refused_per_column(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "refrigerants.csv", "R-410A,1e10,kg,open\n")
    lines = refused(folder, tmp_path, "validate")
    assert lines[0].startswith("refrigerants.csv:5:quantity: value above 1e+06")


def test_allocation_is_exact_for_any_total() -> None:
    total = 10**25  # far beyond int64 (9.2e18)
    weights = np.array([9.0, 36.0, 54.5, 1e6])
    shares = largest_remainder(total, weights)
    assert sum(int(s) for s in shares) == total and all(s >= 0 for s in shares)


def test_the_largest_accepted_quantities_calculate(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "refrigerants.csv", "SF6,1e6,kg,open\n")  # the bound, the largest GWP
    r = run_cli("calc", str(folder), "--json", str(tmp_path / "o.json"))
    assert r.returncode == 0, r.stderr
    result = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
    assert result["by_category"]["refrigerants"] > 2e7  # 1e6 kg × GWP ≈ 23,500, in tonnes


# 3. billion laughs
def test_yaml_aliases_are_refused_quickly(tmp_path) -> None:
    folder = example_copy(tmp_path)
    laughs = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    laughs += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        "\n".join(laughs) + "\n" + text.replace("factor_sets: [", "factor_sets: *a8\nx: ["),
        encoding="utf-8",
    )
    start = time.perf_counter()
    lines = refused(folder, tmp_path)
    assert time.perf_counter() - start < 20
    assert lines[0].startswith("event.yaml:2:a1: YAML alias *a0 is not accepted")


def test_oversized_yaml_is_refused(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "event.yaml", "# " + "x" * 300_000 + "\n")
    assert "larger than the 256 KiB" in refused(folder, tmp_path)[0]


# 4. duplicate keys
def test_duplicate_keys_name_both_lines(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "event.yaml", "id: other-id\n")
    lines = refused(folder, tmp_path)
    line = next_line(folder / "event.yaml") - 1
    assert lines[0] == (
        f"event.yaml:{line}:id: duplicate key 'id': lines 3 and {line} both set it; keep one"
    )


def test_duplicate_nested_keys_too(tmp_path) -> None:
    folder = example_copy(tmp_path)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("  basis: market\n", "  basis: market\n  basis: location\n"),
        encoding="utf-8",
    )
    assert "claim.basis: duplicate key 'basis'" in refused(folder, tmp_path)[0]


# 5. located parse errors, printable messages
def test_short_and_long_rows_name_their_row(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "credits.csv", "CCER,x,2020\n")
    assert refused(folder, tmp_path)[0] == (
        "credits.csv:8:: 3 cells where the header has 9 columns: the row is left out until "
        "it is fixed (a comma inside a value needs quotes)"
    )
    shutil.copy(EXAMPLE / "credits.csv", folder / "credits.csv")
    append(folder / "catering.csv", "standard,10,,extra,cells\n")
    assert refused(folder, tmp_path)[0].startswith("catering.csv:6:: 5 cells where the header")


def test_an_unclosed_quote_is_located(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "catering.csv", 'standard,"10\n' + "vegan,5\n" * 3)
    assert refused(folder, tmp_path)[0].startswith("catering.csv:")


def test_non_utf8_names_the_line_of_the_first_bad_byte(tmp_path) -> None:
    folder = example_copy(tmp_path)
    (folder / "materials.csv").write_bytes(
        (EXAMPLE / "materials.csv").read_bytes() + "timber,5,virgin,北京展商\n".encode("gbk")
    )
    rows = len((EXAMPLE / "materials.csv").read_bytes().splitlines())
    assert refused(folder, tmp_path)[0].startswith(f"materials.csv:{rows + 1}:: not UTF-8 text")


def test_utf16_gives_a_printable_message(tmp_path) -> None:
    folder = example_copy(tmp_path)
    text = (EXAMPLE / "catering.csv").read_text(encoding="utf-8")
    (folder / "catering.csv").write_bytes(text.encode("utf-16"))
    lines = refused(folder, tmp_path)
    assert lines[0].startswith("catering.csv:1:: UTF-16 or binary")
    assert "\x00" not in "\n".join(lines)


def test_control_characters_in_cells_are_escaped(tmp_path) -> None:
    folder = example_copy(tmp_path)
    append(folder / "catering.csv", "st\x1b[31mandard,10,\n")
    lines = refused(folder, tmp_path)
    assert "\\x1b[31m" in lines[0] and "\x1b" not in "\n".join(lines)


def test_yaml_syntax_errors_name_the_key(tmp_path) -> None:
    folder = example_copy(tmp_path)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(
        text.replace("  basis: market", "  basis: [market"), encoding="utf-8"
    )
    first = refused(folder, tmp_path)[0]
    assert first.startswith("event.yaml:") and ":claim.basis: not valid YAML" in first


def test_an_impossible_yaml_date_is_located(tmp_path) -> None:
    folder = example_copy(tmp_path)
    text = (folder / "event.yaml").read_text(encoding="utf-8")
    (folder / "event.yaml").write_text(text.replace("2024-11-26", "2024-13-40"), "utf-8")
    assert refused(folder, tmp_path)[0].startswith("event.yaml:16:phases.open: '2024-13-40'")


def test_missing_event_yaml_is_located(tmp_path) -> None:
    folder = example_copy(tmp_path)
    (folder / "event.yaml").unlink()
    assert refused(folder, tmp_path)[0].startswith("event.yaml:1:: missing")


# 6. the certificate envelope
@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    d = tmp_path_factory.mktemp("cert")
    assert run_cli("keys", "generate", "--out", str(d / "k.key")).returncode == 0
    r = run_cli("certificate", str(EXAMPLE), "--key", str(d / "k.key"), "-o", str(d / "c.pdf"))
    assert r.returncode == 0, r.stderr
    return d


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(algorithm="none"), "unsupported algorithm 'none'"),
        (lambda c: c.update(extra="x"), "unknown key 'extra'"),
        (lambda c: c.update(canonicalization="xml"), "unsupported canonicalization"),
        (lambda c: c.pop("algorithm"), "no 'algorithm'"),
        (lambda c: c.update(signature=5), "'signature' is not a str"),
    ],
)
def test_the_envelope_is_parsed_strictly(issued, tmp_path, change, message) -> None:
    cert = json.loads((issued / "c.json").read_text(encoding="utf-8"))
    change(cert)
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cert), encoding="utf-8")
    r = run_cli("verify", str(path), "--public-key", str(issued / "k.key.pub"))
    assert r.returncode == 1 and message in r.stderr


def test_reserialising_the_json_still_verifies(issued, tmp_path) -> None:
    cert = json.loads((issued / "c.json").read_text(encoding="utf-8"))
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cert, sort_keys=True, indent=7), encoding="utf-8")
    r = run_cli("verify", str(path), "--public-key", str(issued / "k.key.pub"))
    assert r.returncode == 0, r.stderr


# the fuzz run
@pytest.mark.parametrize("case", range(48))
def test_fuzzed_folders_get_an_answer_not_a_crash(tmp_path, case) -> None:
    outcome = run_case(case, seed=20261124, work=tmp_path)
    assert not outcome.failure, (outcome.mutations, outcome.failure)


def next_line(path: Path) -> int:
    """The number the next line appended to a text file would have."""
    return len(path.read_text(encoding="utf-8").splitlines()) + 1
