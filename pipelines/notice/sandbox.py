"""The 通报 templates are data, never code: rendered in Jinja2's immutable sandbox, in a child
process bounded in time, memory and output.

An office may be handed another office's `notices/` folder and pass it with `--templates`; a
template in it must not be able to run commands, read Python's internals, loop for ever, fill the
disk or the memory, or include itself until the interpreter gives up. So:

- the environment is `ImmutableSandboxedEnvironment` (no attribute starting with `_`, no method
  that changes a list or dict), without the `lipsum` helper, with `range` capped at MAX_RANGE
  items and `*` / `**` refused where the result would be huge (`'x' * 10**9`, `10**10**10`);
- the loader reads only files inside the templates folder (a symlink out of it is refused), each
  at most MAX_TEMPLATE_BYTES;
- before anything is rendered, every template reachable through include / import / extends is
  parsed: a name that is not written out literally, or a template that reaches itself again, is
  refused at the line of its include;
- the rendering runs in a child process (`python -I` this file: it imports nothing from the
  project) whose address space is capped at CHILD_MEMORY_BYTES and whose time is cut by an alarm
  after the configured seconds (the parent kills it a few seconds later if it does not answer);
  the output is counted as it is produced and cut past the configured size.

Every refusal names the template file and the line (from the traceback Jinja2 rewrites onto the
template's lines), in Chinese and English. The child answers in JSON, never pickle: what it
sends back is treated as data.
"""

from __future__ import annotations

import json
import math
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_RANGE = 10_000  # items of one range(); a 6,000-unit notice loops over lists, not ranges
MAX_TEMPLATE_BYTES = 1024 * 1024  # one template file (the built-in ones are under 10 KB)
MAX_POWER_BITS = 4096  # a ** b whose result would need more bits is refused
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024  # the rendering child's address space
KILL_GRACE_SECONDS = 5  # the parent waits this much past the time limit, then kills the child
CN_DIGITS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for (一) headings)."""
    if n <= 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


class Refusal(Exception):
    """A template refused: which file, which line, and why in Chinese and English."""

    def __init__(self, file: str | None, line: int | None, zh: str, en: str):
        self.file, self.line, self.zh, self.en = file, line, zh, en
        super().__init__(f"{file}:{line}: {zh} / {en}")


class _Bounded(Exception):
    """A bound crossed while the template ran (raised inside the template, so the traceback
    carries its line). `zh` and `en` say which bound."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(en)


def capped_range(*args: int) -> range:
    """range() for templates: at most MAX_RANGE items."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise _Bounded(f"range 共 {len(rng):,} 项,超过上限 {MAX_RANGE:,} 项",
                       f"range of {len(rng):,} items, over the limit of {MAX_RANGE:,}")
    return rng


class FolderLoader(jinja2.FileSystemLoader):
    """FileSystemLoader confined to one folder: a path that resolves outside it (a symlink, an
    absolute name) is not found, and a file larger than MAX_TEMPLATE_BYTES is refused."""

    def __init__(self, directory: Path):
        self.root = Path(directory).resolve()
        self.served: set[str] = set()  # the file names handed out (to find template lines)
        super().__init__(str(self.root))

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        self.served.add(filename)
        path = Path(filename).resolve()
        if not path.is_relative_to(self.root):
            raise jinja2.TemplateNotFound(template)
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise Refusal(filename, None,
                          f"模板文件过大:上限为 {MAX_TEMPLATE_BYTES // 1024} KB",
                          f"the template file is too large: the limit is "
                          f"{MAX_TEMPLATE_BYTES // 1024} KB")
        return source, filename, uptodate


class NoticeSandbox(ImmutableSandboxedEnvironment):
    """The notice templates' environment: plain text (no escaping), strict about undefined
    names, sandboxed and immutable, `range` capped, huge `*` and `**` refused."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, directory: Path, max_chars: int = 5 * 1024 * 1024):
        super().__init__(loader=FolderLoader(directory), trim_blocks=True, lstrip_blocks=True,
                         undefined=jinja2.StrictUndefined, autoescape=False,
                         keep_trailing_newline=True)
        self.max_chars = max_chars
        # Trees parsed by check_references, each handed once to the compiler instead of parsing
        # the same source again (parsing is a third of the child's work on the built-in templates)
        self.parsed: dict[tuple[str | None, str | None, str], nodes.Template] = {}
        self.globals.pop("lipsum", None)  # generates text of any size on request; not needed
        self.globals["range"] = capped_range
        self.filters["cn"] = cn_number

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = self.parsed.pop((name, filename, source), None)
        return tree if tree is not None else super()._parse(source, name, filename)

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and abs(left) > 1 and right > 0 \
                and right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise _Bounded(f"乘方 {left} ** {right} 的结果过大",
                               f"the power {left} ** {right} is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > self.max_chars:
                    raise _Bounded(f"重复后的长度超过上限 {self.max_chars:,}",
                                   f"the repeated value is longer than the limit of "
                                   f"{self.max_chars:,}")
        return super().call_binop(context, operator, left, right)


def check_references(env: NoticeSandbox, name: str) -> None:
    """Parse `name` and every template it reaches (include, import, from, extends): refuse a
    name not written out literally, a template that is not there, or one that reaches itself."""
    done: set[str] = set()

    def visit(current: str, chain: tuple[str, ...]) -> None:
        source, filename, _ = env.loader.get_source(env, current)
        try:
            tree = env.parse(source, current, filename)
        except jinja2.TemplateSyntaxError as err:
            raise Refusal(filename, err.lineno, f"语法错误: {err.message}",
                          f"syntax error: {err.message}") from None
        # the same loader gives the compiler the same (name, filename, source): parsed once
        env.parsed[(current, filename, source)] = tree
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                   nodes.Extends)):
            target = node.template
            if not (isinstance(target, nodes.Const) and isinstance(target.value, str)):
                raise Refusal(filename, node.lineno,
                              "include / import / extends 须写明一个模板文件名(带引号)",
                              "include / import / extends must name one template file in "
                              "quotes")
            child = target.value
            if child in chain or child == current:
                loop = " → ".join((*chain, current, child))
                raise Refusal(filename, node.lineno, f"模板循环包含自身: {loop}",
                              f"the template includes itself: {loop}")
            try:
                env.loader.get_source(env, child)
            except jinja2.TemplateNotFound:
                raise Refusal(filename, node.lineno, f"找不到模板「{child}」",
                              f"template '{child}' not found in the templates folder") from None
            if child not in done:
                visit(child, (*chain, current))
        done.add(current)

    visit(name, ())


def _template_line(tb, files: set[str]) -> tuple[str | None, int | None]:
    """The innermost frame of the traceback that is a template line: (file, line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(tb):
        if frame.filename in files:
            found = (frame.filename, frame.lineno)
    return found


def _explain(err: BaseException) -> tuple[str, str]:
    if isinstance(err, _Bounded):
        return err.zh, err.en
    if isinstance(err, SecurityError):
        return (f"模板只能读取通报的数据,不能访问程序内部: {err}",
                f"templates are data, not code: {err}")
    if isinstance(err, RecursionError):
        return ("宏或区块递归过深(调用自身)", "a macro or block calls itself too deeply")
    if isinstance(err, MemoryError):
        return (f"渲染所需内存超过上限 {CHILD_MEMORY_BYTES // (1024 * 1024)} MB",
                f"rendering needs more than {CHILD_MEMORY_BYTES // (1024 * 1024)} MB of memory")
    if isinstance(err, jinja2.UndefinedError):
        return f"未定义的名称: {err}", f"undefined: {err}"
    if isinstance(err, jinja2.TemplateError):
        return f"{err}", f"{err}"
    return f"{type(err).__name__}: {err}", f"{type(err).__name__}: {err}"


def render_bounded(directory: Path, name: str, context: dict[str, Any], *, max_seconds: int,
                   max_bytes: int) -> str:
    """Render `name` from `directory` with `context` in this process, bounded by an alarm after
    `max_seconds` (main thread only: the child calls this) and `max_bytes` of UTF-8 output.
    Raises Refusal."""
    import signal

    env = NoticeSandbox(directory, max_chars=max_bytes)
    def alarm(signum, frame):
        raise _Bounded(f"渲染超过 {max_seconds} 秒 (设置 setting EGOV_MAX_NOTICE_SECONDS)",
                       f"rendering took longer than {max_seconds} s (setting "
                       "EGOV_MAX_NOTICE_SECONDS)")

    parts: list[str] = []
    size = 0
    try:
        check_references(env, name)
        template = env.get_template(name)
        # The alarm times the template's own running, so that its refusal names the line it was
        # on; start-up and compiling are bounded by the parent, which kills the child at
        # max_seconds + KILL_GRACE_SECONDS (on a loaded machine compiling alone took past 1 s).
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, max_seconds)
        stream = template.generate(**context)
        for chunk in stream:
            parts.append(chunk)
            size += len(chunk.encode("utf-8"))
            if size > max_bytes:
                # thrown into the template where it stands, so the traceback names its line
                stream.throw(_Bounded(
                    f"生成的文字超过上限 {max_bytes // (1024 * 1024)} MB (设置 setting "
                    "EGOV_MAX_NOTICE_MB)",
                    f"the text grows past the limit of {max_bytes // (1024 * 1024)} MB "
                    "(setting EGOV_MAX_NOTICE_MB)"))
    except Refusal:
        raise
    except jinja2.TemplateSyntaxError as err:
        raise Refusal(err.filename or name, err.lineno, f"语法错误: {err.message}",
                      f"syntax error: {err.message}") from None
    except (Exception, RecursionError, MemoryError) as err:  # noqa: BLE001 - the template's
        parts.clear()  # free the text before describing the error (a MemoryError may be why)
        file, line = _template_line(err.__traceback__, env.loader.served)
        zh, en = _explain(err)
        raise Refusal(file or str(Path(directory) / name), line, zh, en) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return "".join(parts)


def _child() -> None:
    """The child's side: a request on stdin, {"text"} or {"refused"} on stdout."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    request = json.loads(sys.stdin.buffer.read())
    try:
        text = render_bounded(Path(request["directory"]), request["template"],
                              request["context"], max_seconds=request["max_seconds"],
                              max_bytes=request["max_bytes"])
        answer: dict[str, Any] = {"text": text}
    except Refusal as err:
        answer = {"refused": {"file": err.file, "line": err.line, "zh": err.zh, "en": err.en}}
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    sys.stdout.flush()


def _plain(value: Any) -> Any:
    """JSON for what a context holds besides JSON's own types (dates, paths, sets, the
    dataclasses of facts such as an annex table)."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"a notice context holds only plain values, not {type(value).__name__}")


def render_isolated(directory: Path, name: str, context: dict[str, Any], *, max_seconds: int,
                    max_bytes: int) -> str:
    """Render in a child process (see the module docstring). Raises Refusal."""
    import subprocess

    request = json.dumps({"directory": str(directory), "template": name, "context": context,
                          "max_seconds": max_seconds, "max_bytes": max_bytes},
                         ensure_ascii=False, default=_plain).encode("utf-8")
    where = str(Path(directory) / name)
    try:
        done = subprocess.run([sys.executable, "-I", str(Path(__file__).resolve())],
                              input=request, capture_output=True,
                              timeout=max_seconds + KILL_GRACE_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise Refusal(where, None,
                      f"渲染超过 {max_seconds} 秒,已终止 (设置 setting EGOV_MAX_NOTICE_SECONDS)",
                      f"rendering took longer than {max_seconds} s and was stopped (setting "
                      "EGOV_MAX_NOTICE_SECONDS)") from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not (isinstance(answer.get("text"), str)
                                            or isinstance(answer.get("refused"), dict)):
        raise Refusal(where, None,
                      f"渲染进程异常结束(退出码 {done.returncode}),可能超出内存上限 "
                      f"{CHILD_MEMORY_BYTES // (1024 * 1024)} MB",
                      f"the rendering process ended abnormally (exit code {done.returncode}), "
                      f"perhaps past the memory limit of {CHILD_MEMORY_BYTES // (1024 * 1024)} "
                      "MB")
    if "refused" in answer:
        r = answer["refused"]
        line = r.get("line") if isinstance(r.get("line"), int) else None
        raise Refusal(str(r.get("file") or where), line, str(r.get("zh")), str(r.get("en")))
    return answer["text"]


if __name__ == "__main__":
    _child()
