"""Notice templates are data, never code (issue 22, item 1): each attack an office could be sent in
someone else's notices/ folder ends in a clean refusal naming the template file and line, exit 1,
nothing written; and the office's own harmless edits still render."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from egov.cli import main
from pipelines.notice import render, sandbox
from pipelines.notice.render import NOTICES_DIR

ATTACK_LINE = 3  # each attack is put on this line of yearend.j2


def folder_with(tmp_path: Path, body: str, name: str = "yearend.j2") -> Path:
    """A copy of notices/ whose `name` holds the built-in text with `body` on ATTACK_LINE."""
    own = tmp_path / "notices"
    shutil.copytree(NOTICES_DIR, own)
    lines = (own / name).read_text(encoding="utf-8").split("\n")
    # the built-in yearend.j2 opens with a comment of 4 lines; put the attack before it
    (own / name).write_text("\n".join(["# 标题", "", body, *lines]), encoding="utf-8")
    return own


def run_notice(db: Path, out: Path, own: Path, **env: str):
    return CliRunner().invoke(main, ["notice", "--db", str(db), "--scheme", "yueyang-2017",
                                     "--year", "2017", "--out", str(out), "--templates",
                                     str(own)], env=env or None)


def assert_refused(result, out: Path, own: Path, *words: str, line: int | None = ATTACK_LINE):
    assert result.exit_code == 1, result.output
    text = result.output
    assert "通报模板有误" in text and "notice template error" in text, text
    assert str(own / "yearend.j2") in text, text
    if line is not None:
        assert f"第{line}行 line {line}" in text, text
    for word in words:
        assert word in text, text
    assert "Traceback" not in text
    assert not out.exists()


def test_a_template_cannot_run_a_command(demo_db, tmp_path):
    marker = tmp_path / "ran"
    command = f"touch {marker}"
    own = folder_with(tmp_path, "{{ cycler.__init__.__globals__.os.popen('" + command
                      + "').read() }}")
    out = tmp_path / "n.docx"
    result = run_notice(demo_db, out, own)
    assert_refused(result, out, own, "__init__", "templates are data")
    assert not marker.exists()  # the command did not run


def test_the_issues_id_command_is_refused(demo_db, tmp_path):
    own = folder_with(tmp_path, "{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    out = tmp_path / "n.docx"
    result = run_notice(demo_db, out, own)
    assert_refused(result, out, own)
    assert "uid=" not in result.output


def test_python_classes_are_not_reachable(demo_db, tmp_path):
    own = folder_with(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    out = tmp_path / "n.docx"
    result = run_notice(demo_db, out, own)
    assert_refused(result, out, own, "__class__")
    assert "<class" not in result.output


def test_a_huge_range_is_refused_at_once(demo_db, tmp_path):
    own = folder_with(tmp_path, "{% for i in range(10**9) %}x{% endfor %}")
    out = tmp_path / "n.docx"
    start = time.perf_counter()
    result = run_notice(demo_db, out, own)
    assert_refused(result, out, own, "range", f"{sandbox.MAX_RANGE:,}")
    assert time.perf_counter() - start < 30


def test_a_template_that_includes_itself_is_refused(demo_db, tmp_path):
    own = folder_with(tmp_path, '{% include "yearend.j2" %}')
    out = tmp_path / "n.docx"
    result = run_notice(demo_db, out, own)
    assert_refused(result, out, own, "循环包含", "includes itself")
    assert "RecursionError" not in result.output and "internal error" not in result.output


@pytest.fixture(scope="module")
def context(demo_db):
    """The facts of one year-end notice, gathered once (the checks below render only text)."""
    from pipelines.notice import facts

    gathered = facts.gather(demo_db, "yueyang-2017", 2017)
    return {**render.settings("yueyang-2017"), **gathered}


def refusal(context, own: Path, **env: str) -> str:
    """The TemplateProblem message of rendering yearend.j2 from `own` (which must refuse)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        with pytest.raises(render.TemplateProblem) as caught:
            render.render_text(context, own)
    text = str(caught.value)
    assert "通报模板有误" in text and "notice template error" in text
    return text


def test_an_include_loop_through_another_file_is_refused(context, tmp_path):
    own = folder_with(tmp_path, '{% include "_loop.j2" %}')
    (own / "_loop.j2").write_text('a\n{% include "yearend.j2" %}\n', encoding="utf-8")
    text = refusal(context, own)
    assert f"{own / '_loop.j2'}, 第2行 line 2" in text
    assert "yearend.j2 → _loop.j2 → yearend.j2" in text


def where(own: Path, line: int = ATTACK_LINE) -> str:
    return f"{own / 'yearend.j2'}, 第{line}行 line {line}"


def test_a_macro_that_calls_itself_is_refused(context, tmp_path):
    own = folder_with(tmp_path, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")
    text = refusal(context, own)
    assert where(own) in text and "递归" in text and "RecursionError" not in text


def test_output_is_bounded(context, tmp_path):
    # 10,000 x 10,000 x 10 characters would be a gigabyte of text
    own = folder_with(tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}"
                                "xxxxxxxxxx{% endfor %}{% endfor %}")
    text = refusal(context, own, EGOV_MAX_NOTICE_MB="1")
    assert where(own) in text and "EGOV_MAX_NOTICE_MB" in text


def test_time_is_bounded(context, tmp_path):
    # 10^8 empty iterations: a minute or more of CPU, and no output to count
    own = folder_with(tmp_path, "{% for i in range(10000) %}{% for j in range(10000) %}"
                                "{% endfor %}{% endfor %}")
    start = time.perf_counter()
    text = refusal(context, own, EGOV_MAX_NOTICE_SECONDS="1")
    assert where(own) in text and "EGOV_MAX_NOTICE_SECONDS" in text
    assert time.perf_counter() - start < 1 + sandbox.KILL_GRACE_SECONDS + 5


@pytest.mark.parametrize("body", ["{{ 'x' * 10**9 }}", "{{ 2 ** 100000000 }}",
                                  "{{ [1] * 10**9 }}"])
def test_huge_products_are_refused(context, tmp_path, body):
    own = folder_with(tmp_path, body)
    start = time.perf_counter()
    text = refusal(context, own)
    assert where(own) in text
    assert time.perf_counter() - start < 10


def test_memory_is_bounded(context, tmp_path):
    own = folder_with(tmp_path, "{{ 'x' | center(1500000000) }}")
    text = refusal(context, own)
    assert where(own) in text and f"{sandbox.CHILD_MEMORY_BYTES // 2**20} MB" in text


def test_a_symlink_out_of_the_folder_is_not_read(context, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密 secret-content", encoding="utf-8")
    own = folder_with(tmp_path, '{% include "leak.j2" %}')
    (own / "leak.j2").symlink_to(secret)
    text = refusal(context, own)
    assert where(own) in text and "leak.j2" in text and "secret-content" not in text


def test_an_include_by_variable_is_refused(context, tmp_path):
    own = folder_with(tmp_path, "{% include office %}")
    text = refusal(context, own)
    assert where(own) in text and "须写明" in text


def test_the_builtin_templates_pass_the_reference_check():
    """The built-in wording uses nothing the sandbox refuses (its rendering from the warehouse is
    tested in test_notice.py)."""
    env = render.environment()
    for name in ("yearend.j2", "monthly.j2", "_macros.j2", "warnings.j2"):
        sandbox.check_references(env, name)
    assert isinstance(env, sandbox.NoticeSandbox)
    assert "lipsum" not in env.globals and env.globals["range"] is sandbox.capped_range


def test_each_template_is_parsed_once(tmp_path, monkeypatch):
    """The reference check's parse of each template is the one the compiler uses (the child
    parsed every template twice before, a third of its work on the built-in templates)."""
    import jinja2.parser

    (tmp_path / "main.j2").write_text('{% import "m.j2" as m %}{% include "part.j2" %}{{ m.x() }}',
                                      encoding="utf-8")
    (tmp_path / "part.j2").write_text("part ", encoding="utf-8")
    (tmp_path / "m.j2").write_text("{% macro x() %}macro{% endmacro %}", encoding="utf-8")
    parsed: list[str] = []
    real = jinja2.parser.Parser.parse

    def counting(self):
        parsed.append(self.name)
        return real(self)

    monkeypatch.setattr(jinja2.parser.Parser, "parse", counting)
    text = sandbox.render_bounded(tmp_path, "main.j2", {}, max_seconds=10, max_bytes=1000)
    assert text == "part macro"
    assert sorted(parsed) == ["m.j2", "main.j2", "part.j2"]


def test_the_rendering_child_imports_jinja2_alone(tmp_path):
    """The child is a fresh `python -I` of sandbox.py: it must stay off the project and the data
    libraries (importing DuckDB and Polars there would double the notice's start-up; a guard,
    issue 21 goal 4)."""
    import json
    import subprocess
    import sys

    (tmp_path / "t.j2").write_text("{{ n }}", encoding="utf-8")
    probe = ("import json, runpy, sys; path = sys.argv[1]; "
             "runpy.run_path(path, run_name='__main__'); "
             "sys.stderr.write(json.dumps(sorted(sys.modules)))")
    request = json.dumps({"directory": str(tmp_path), "template": "t.j2", "context": {"n": 7},
                          "max_seconds": 10, "max_bytes": 1000})
    done = subprocess.run([sys.executable, "-I", "-c", probe, sandbox.__file__],
                          input=request.encode(), capture_output=True, timeout=60, check=True)
    assert json.loads(done.stdout) == {"text": "7"}
    loaded = set(json.loads(done.stderr))
    assert "jinja2" in loaded
    assert not {m for m in loaded if m.split(".")[0] in
                ("duckdb", "polars", "numpy", "pyarrow", "pydantic", "docx", "pipelines",
                 "warehouse", "egov")}
