"""notices/settings.yaml, checked like a scheme file: the issuing office, 主送 and 落款 of each
scheme's 通报.

The file comes from the office (or from another office, with a copied notices/ folder), so it is
read with the scheme files' machinery (`pipelines/schemes/yaml_files.py`: size limit, UTF-8, YAML
aliases bounded by max_yaml_nodes, problems naming file and line) and validated by a pydantic
schema whose every error names the file, the line and the key, in Chinese and English:

    default:                 # every scheme's values unless the scheme has its own
      office: 发文机关
      recipients: 主送
      signature: 落款
      any_name: 其他文字     # any further key is a variable the office's templates may use
    schemes:
      <scheme id>:           # the same keys, for one scheme
        office: ...

Keys are names (letters, digits, `_`); values are one line of text (a number is read as text);
control and invisible format characters (an escape, a bidi override, a zero-width space) are
refused, since Word cannot hold the first and a reader cannot see the second.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from pipelines.inputs.problems import InputRejected, Problem
from pipelines.schemes.yaml_files import parse_yaml_checked, read_yaml_file, yaml_line

SETTINGS_FILE = ("通报设置文件", "a notice settings file")
KEYS = ("office", "recipients", "signature")
MAX_TEXT = 500  # characters of one value (the longest built-in 主送 has 60)
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


class SettingsRejected(InputRejected):
    """A notices/settings.yaml with problems."""

    def head(self) -> str:
        n = len(self.problems)
        return (f"通报设置文件未通过检查,共 {n} 个问题,未生成通报。 / "
                f"Notice settings rejected: {n} problem(s); no notice was written.")


def _text(value: Any) -> Any:
    """A value as text: a number is read as text, nothing (`key:`) as empty; text is checked
    for control characters; anything else is left for pydantic to refuse as not text."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        for ch in value:
            if unicodedata.category(ch) in _REFUSED_CATEGORIES:
                raise PydanticCustomError(
                    "control_character", "control character U+{code}",
                    {"code": f"{ord(ch):04X}"})
    return value


Text = Annotated[str, BeforeValidator(_text), StringConstraints(max_length=MAX_TEXT)]
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]
Values = dict[Key, Text]


class NoticeSettings(BaseModel):
    """The whole file: `default` values and each scheme's own."""

    model_config = ConfigDict(extra="forbid")

    default: Values | None = None
    schemes: dict[str, Values | None] | None = None

    def for_scheme(self, scheme: str) -> dict[str, str]:
        """The scheme's values over the defaults; office, recipients and signature always set."""
        merged = {key: "" for key in KEYS}
        merged.update(self.default or {})
        merged.update((self.schemes or {}).get(scheme) or {})
        return merged


def _explain(error: dict) -> tuple[str, str]:
    kind = error["type"]
    if kind == "control_character":
        code = error["ctx"]["code"]
        return (f"含有控制字符或不可见字符 U+{code},请删除",
                f"holds the control or invisible character U+{code}; remove it")
    if kind == "string_pattern_mismatch":
        return ("键名只能用字母、数字和下划线,且不以数字开头",
                "a key may use only letters, digits and '_', not starting with a digit")
    if kind == "string_too_long":
        return (f"文字过长:上限为 {MAX_TEXT} 个字符", f"text too long: the limit is {MAX_TEXT}")
    from pipelines.schemes import checks  # the scheme models, only to explain an error

    return checks.explain_error(error)


def _problem(file: str, root, error: dict) -> Problem:
    loc = tuple(error["loc"])
    if loc and loc[-1] == "[key]":  # a bad key: pydantic puts the key itself before "[key]"
        loc = loc[:-1]
    from pipelines.schemes import checks

    value = checks.error_value(error)
    zh, en = _explain(error)
    return Problem(file, None, yaml_line(root, loc), ".".join(map(str, loc)) or None,
                   value, zh, en)


def load_settings_text(text: str, file: str) -> NoticeSettings:
    """Parse and check settings YAML; raise SettingsRejected listing every problem."""
    root, data = parse_yaml_checked(text, file, SettingsRejected, SETTINGS_FILE)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsRejected([Problem(
            file, None, 1, None, None, "通报设置文件应为一个映射(default: 与 schemes:)",
            "a notice settings file must be a mapping (default: and schemes:)")])
    try:
        return NoticeSettings.model_validate(data)
    except ValidationError as err:
        raise SettingsRejected([_problem(file, root, e)
                                for e in err.errors(include_url=False)]) from None


def load_settings(directory: Path) -> NoticeSettings:
    """settings.yaml of a templates folder, checked; raise SettingsRejected."""
    path = directory / "settings.yaml"
    if not path.is_file():
        raise SettingsRejected([Problem(
            str(path), None, None, None, None,
            "模板文件夹中没有 settings.yaml(发文机关、主送与落款);可从 notices/ 复制",
            "the templates folder has no settings.yaml (office, 主送, 落款); copy notices/'s")])
    return load_settings_text(read_yaml_file(path, SettingsRejected, SETTINGS_FILE),
                              str(path))
