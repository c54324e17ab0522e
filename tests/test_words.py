"""The one message catalog (carbonexpo/words): every key in every language with the same
placeholders, no rule constant written into a text, every problem code titled."""

from __future__ import annotations

import re

import pytest

from carbonexpo import words
from carbonexpo.words import LANGS, TEXTS, placeholders, rule_params, say


def test_every_key_has_every_language_and_no_text_is_empty() -> None:
    keys = {lang: set(TEXTS[lang]) for lang in LANGS}
    for lang in LANGS:
        assert keys[lang] == keys["en"], (lang, keys[lang] ^ keys["en"])
        assert all(t.strip() for t in TEXTS[lang].values()), lang


def test_languages_fill_the_same_placeholders() -> None:
    for key, text in TEXTS["en"].items():
        for lang in LANGS:
            assert placeholders(TEXTS[lang][key]) == placeholders(text), (key, lang)


def _literals(value: object) -> list[str]:
    """How a rule constant would look written into a sentence."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, float) and not value.is_integer():
        return [f"{value:g}"]
    if isinstance(value, (int, float)) and value >= 100 and int(value) not in range(1900, 2101):
        return [f"{value:g}", f"{value:,.0f}"]
    return []  # 1.0, 2 (years), 2024: too common to be told from other numbers


def test_no_rule_constant_is_written_as_a_literal() -> None:
    checked = {name: _literals(v) for name, v in rule_params().items()}
    assert sum(map(len, checked.values())) >= 8  # the check is not empty
    for lang in LANGS:
        for key, text in TEXTS[lang].items():
            for name, shapes in checked.items():
                for shape in shapes:
                    found = re.search(rf"(?<![\d.,]){re.escape(shape)}(?![\d,]|\.\d)", text)
                    assert found is None, f"{key} ({lang}) states {name} as {shape!r}: {text}"


def test_a_changed_constant_changes_every_sentence_stating_it(monkeypatch) -> None:
    from carbonexpo import constants

    assert "3,700 km" in say("note.air_bands")
    monkeypatch.setattr(constants, "LONG_HAUL_KM", 4000.0)
    monkeypatch.setattr(constants, "DETOUR", {**constants.DETOUR, "rail": 1.25})
    rule_params.cache_clear()
    try:
        assert "4,000 km" in say("note.air_bands") and "4,000 公里" in say("note.air_bands", "zh")
        assert "rail 1.2" in say("note.booth_staff")  # .1f: shown to one decimal
        assert "铁路 1.2" in say("note.travel_distance_computed", "zh", rows=1)
    finally:
        monkeypatch.undo()
        rule_params.cache_clear()
    assert "3,700 km" in say("note.air_bands")


def test_say_falls_back_to_english_and_refuses_unknown_keys() -> None:
    assert say("problem.negative", "fr") == say("problem.negative", "en")
    with pytest.raises(KeyError):
        say("note.no_such_thing")
    assert words.section("problem")["zh"]["negative"] == "数量为负"


def test_every_problem_code_has_an_english_and_a_chinese_title() -> None:
    from carbonexpo.errors import Problem

    p = Problem("energy.csv", 7, "quantity", "negative value: '-3'", "negative")
    assert (p.title("en"), p.title("zh")) == ("negative quantity", "数量为负")
    with pytest.raises(KeyError, match="no title"):  # a new code cannot skip the catalog
        Problem("energy.csv", 7, "quantity", "odd", "something_new")


def test_words_live_in_one_home() -> None:
    """No module outside words/ holds a per-language dict of sentences."""
    from pathlib import Path

    import carbonexpo

    root = Path(carbonexpo.__file__).parent
    homes = []
    for path in root.rglob("*.py"):
        if path.parent.name == "words":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r'^\s*"zh": \{\s*$', text, flags=re.MULTILINE):
            homes.append(path.relative_to(root).as_posix())
    assert homes == []


def test_a_problem_detail_reads_in_the_readers_language(tmp_path) -> None:
    """The reader of a table problem gets title and detail in one language; the place and the
    quoted value stay as written."""
    from carbonexpo.io.schema import SCHEMAS
    from carbonexpo.io.tables import read_table_rows

    path = tmp_path / "travel.csv"
    path.write_text(
        "origin,mode,travellers,group\nShanghai,rocket,2,visitor\nBeijing,rail,-5,visitor\n"
        'Wuhan,rail,"1,5",visitor\n',
        encoding="utf-8",
    )
    _, problems = read_table_rows(path, SCHEMAS["travel"], "travel.csv")
    shown = {p.code: (p.title("zh"), p.text("zh"), p.text("en")) for p in problems}
    assert shown["negative"] == ("数量为负", "数值为负: '-5'", "negative value: '-5'")
    assert shown["not_numeric"][1].startswith("'1,5' 不是数字——请写作 1.5")
    assert shown["unknown_value"][1].startswith("未知取值 'rocket'（可选：walk, bike")
    assert all(not re.search(r"[a-z]{4,} [a-z]{4,}", zh) for _, zh, _ in shown.values())


def _all_catalog_texts(problems) -> None:
    for p in problems:
        assert p.detail is not None, f"{p.code}: {p.message} has no catalog text"
        zh = p.text("zh")
        assert not re.search(r"[a-z]{4,} [a-z]{4,}", zh), zh
        assert p.text("en") == p.message


def test_whole_file_and_cross_table_details_read_in_the_readers_language(event) -> None:
    """Overlapping meter intervals, a serial block twice, a date outside the reporting period,
    a missing file, a duplicate YAML key: whole-file and cross-table details are catalog texts
    too, so a Chinese reader gets no English sentence (identifiers stay as written)."""
    from carbonexpo.errors import InputError
    from carbonexpo.io.event import read_event as load_event

    folder = event(
        {
            "energy": """\
                meter,carrier,start,end,quantity,unit
                M1,electricity,2024-11-21T00:00,2024-11-21T02:00,10,kWh
                M1,electricity,2024-11-21T01:00,2024-11-21T03:00,10,kWh
                M2,electricity,2024-11-01T00:00,2024-11-01T01:00,10,kWh
                M3,electricity,2024-11-21T00:00,2024-11-21T01:00,10,kg
            """,
            "credits": """\
                registry,project_id,vintage,serial_prefix,first,last,retired_on,beneficiary
                CCER,P1,2024,CCER-P1,1,100,2024-12-20,test-expo
                CCER,P1,2024,CCER-P1,50,150,2024-12-20,test-expo
                CCER,P1,2024,CCER-P1,1,100,2024-12-20,test-expo
            """,
        }
    )
    with pytest.raises(InputError) as caught:
        load_event(folder)
    problems = caught.value.problems
    assert {"meter_overlap", "serial_overlap", "outside_period", "wrong_dimension"} <= {
        p.code for p in problems
    }
    _all_catalog_texts(problems)
    zh = {p.code: p.text("zh") for p in problems}
    assert zh["meter_overlap"] == "时段与电表 M1 的第 2 行重叠"
    assert "（能量单位" not in zh["wrong_dimension"] and "应为能量单位" in zh["wrong_dimension"]


def test_file_and_yaml_details_read_in_the_readers_language(event) -> None:
    from carbonexpo.errors import InputError
    from carbonexpo.io.event import read_event as load_event
    from tests.conftest import EVENT_YAML

    folder = event({"energy": "meter,carrier,start,end,quantity,unit,colour\n"},
                   EVENT_YAML + "visits: 2000\n")  # fmt: skip
    with pytest.raises(InputError) as caught:
        load_event(folder)
    problems = caught.value.problems
    assert {"duplicate_key", "unknown_column"} <= {p.code for p in problems}
    _all_catalog_texts(problems)
    (folder / "event.yaml").unlink()
    with pytest.raises(InputError) as caught:
        load_event(folder)
    _all_catalog_texts(caught.value.problems)
    missing = [p for p in caught.value.problems if p.code == "missing_file"]
    assert missing[0].text("zh").startswith("缺少每个活动文件夹都需要的 event.yaml")
