"""notices/settings.yaml checked like a scheme file (issue 22, item 2): YAML aliases bounded, a
schema whose errors name the file, line and key, control characters refused with the key named;
exit 1 and nothing written from the command line."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.notice.render import NOTICES_DIR
from pipelines.notice.settings import SettingsRejected, load_settings, load_settings_text

# 9 levels of 9 aliases each: 9^9 (387 million) nodes once expanded, from 1 KB of text
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
) + "default:\n  office: *a9\n"


def own_settings(tmp_path: Path, text: str) -> Path:
    own = tmp_path / "notices"
    shutil.copytree(NOTICES_DIR, own)
    (own / "settings.yaml").write_text(text, encoding="utf-8")
    return own


def run_notice(db: Path, tmp_path: Path, own: Path):
    out = tmp_path / "n.docx"
    result = CliRunner().invoke(main, ["notice", "--db", str(db), "--scheme", "jintan-2013",
                                       "--year", "2013", "--out", str(out), "--templates",
                                       str(own)])
    return result, out


CASES = [
    # (name, settings.yaml, line, key, words in the report)
    ("list-for-mapping", "default:\n  - office\n  - recipients\n", 1, "default", "映射"),
    ("text-for-mapping", "default:\n  office: 甲\nschemes: 各单位\n", 3, "schemes", "映射"),
    ("list-for-text", "schemes:\n  jintan-2013:\n    office: [甲, 乙]\n", 3,
     "schemes.jintan-2013.office", "应为文字"),
    ("control-character", 'default:\n  office: "甲\\e[31m乙"\n', 2, "default.office",
     "U+001B"),
    ("bidi-override", 'default:\n  signature: "甲\\u202e乙"\n', 2, "default.signature",
     "U+202E"),
    ("unknown-top-key", "defualt:\n  office: 甲\n", 1, "defualt", "未知字段"),
    ("bad-key", "default:\n  of-fice: 甲\n", 2, "default.of-fice", "键名"),
]


@pytest.mark.parametrize(("text", "line", "key", "word"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_settings_errors_name_the_file_line_and_key(demo_db, tmp_path, text, line, key, word):
    own = own_settings(tmp_path, text)
    result, out = run_notice(demo_db, tmp_path, own)
    assert result.exit_code == 1, result.output
    report = result.output
    assert "通报设置文件未通过检查" in report and "Notice settings rejected" in report, report
    assert f"{own / 'settings.yaml'}, 第{line}行 row {line}, 列 column「{key}」" in report, report
    assert word in report
    assert "内部错误" not in report and "internal error" not in report
    assert "Traceback" not in report and "\x1b" not in report
    assert not out.exists()


def test_an_alias_bomb_is_refused_before_it_grows(demo_db, tmp_path):
    own = own_settings(tmp_path, ALIAS_BOMB)
    start = time.perf_counter()
    result, out = run_notice(demo_db, tmp_path, own)
    assert result.exit_code == 1, result.output
    assert "节点过多" in result.output and "EGOV_MAX_YAML_NODES" in result.output
    assert "通报设置文件不需要这样的结构" in result.output
    assert time.perf_counter() - start < 30
    assert not out.exists()


def test_a_folder_without_settings_is_refused(tmp_path):
    own = tmp_path / "notices"
    own.mkdir()
    with pytest.raises(SettingsRejected, match="settings.yaml"):
        load_settings(own)


def test_every_problem_is_listed_at_once():
    with pytest.raises(SettingsRejected) as caught:
        load_settings_text('default:\n  office: [甲]\n  signature: "\\x07"\n', "s.yaml")
    assert {p.column for p in caught.value.problems} == {"default.office", "default.signature"}


def test_scheme_values_over_defaults_and_further_keys_as_text():
    settings = load_settings_text(
        "default:\n  office: 甲办\n  phone: 12345\nschemes:\n  jintan-2013:\n"
        "    office: 金坛办\n  yueyang-2017:\n", "s.yaml")
    assert settings.for_scheme("jintan-2013") == {
        "office": "金坛办", "recipients": "", "signature": "", "phone": "12345"}
    assert settings.for_scheme("yueyang-2017")["office"] == "甲办"


def test_the_builtin_settings_pass():
    settings = load_settings(NOTICES_DIR)
    assert settings.for_scheme("jintan-2013")["office"] == "金坛市电子政务绩效考核领导小组办公室"
