"""Which passwords an account may have: NIST SP 800-63B §5.1.1.2 (memorized secrets).

The policy, checked whenever a password is set (`egov user add`, `egov user passwd`, the admin
page), never on sign-in, so accounts made before it keep working:

1. at least `MIN_PASSWORD` (8) and at most `MAX_PASSWORD` (1024) characters; no composition
   rules (no "one digit, one capital"), as SP 800-63B asks;
2. not the account name, and not containing it (compared case-insensitively after Unicode NFKC
   normalisation; a name shorter than `NAME_IN_PASSWORD` characters is only refused as the
   whole password, since two letters occur inside many good passwords);
3. not a common or breached password: the whole password, case-insensitively, is not in
   zxcvbn's list of the 30,000 most common passwords (compiled from leaked-password corpora;
   the `zxcvbn` package's `frequency_lists`, maintained with the library);
4. not otherwise easy to guess: zxcvbn's estimate must be at least 10^6 guesses (its score 2),
   which refuses a common password with a digit added, a keyboard walk (qwertyui), a sequence
   (abcd1234), a repeat (aaaaaaaa), a date, or a few common words and names. The account name
   is given to zxcvbn as a word an attacker knows.

Refusals say why in Chinese and English, naming each weakness zxcvbn found.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
NAME_IN_PASSWORD = 3
MIN_GUESSES_LOG10 = 6
# zxcvbn's matching grows quickly with length and the library refuses past 72 characters: the
# estimate looks at the first 64. A longer password is at least as hard as its first 64
# characters, so this can only refuse more, never let a weak password through.
ESTIMATED_PREFIX = 64

# zxcvbn's match patterns → why, in Chinese and English.
_WHY = {
    "passwords": ("是常见或已泄露的密码", "is a common or breached password"),
    "user_inputs": ("包含账户名", "contains the account name"),
    "words": ("由常见单词或人名构成", "is made of common words or names"),
    "spatial": ("是键盘上相邻的键", "follows adjacent keys on the keyboard"),
    "repeat": ("由重复的字符组成", "repeats characters"),
    "sequence": ("是连续的字母或数字(如 abcd、1234)", "is a run such as abcd or 1234"),
    "date": ("含日期或年份", "contains a date or year"),
}


class WeakPassword(ValueError):
    """A password the policy refuses; the message is in Chinese and English."""


def fold(text: str) -> str:
    """Text as compared for names and passwords: NFKC, case-folded, NFKC again (so full-width
    letters, ligatures and case do not make a different name)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(text)).casefold())


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common passwords (leaked-password corpora), case-folded."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(fold(p) for p in FREQUENCY_LISTS["passwords"])


def _refuse(zh: str, en: str) -> WeakPassword:
    """`zh` says what the password 是/包含; `en` is one or more verb phrases ("is …")."""
    return WeakPassword(f"密码不可用:{zh}。请换一个更长、不常见的密码(例如几个不相干的词)。 / "
                        f"Password refused: it {en}. Choose a longer, uncommon one (for example "
                        "several unrelated words).")


def check_password(password: str, name: str | None = None) -> str:
    """`password` if the policy above allows it for the account `name`; else WeakPassword
    saying why (in Chinese and English)."""
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise WeakPassword(f"密码应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符 / a password has "
                           f"{MIN_PASSWORD} to {MAX_PASSWORD} characters (at least "
                           f"{MIN_PASSWORD})")
    folded = fold(password)
    account = fold(name).strip() if name else ""
    if account and (folded == account
                    or (len(account) >= NAME_IN_PASSWORD and account in folded)):
        raise _refuse("与账户名相同或包含账户名", "is or contains the account name")
    if folded in common_passwords():
        raise _refuse(*_WHY["passwords"])
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:ESTIMATED_PREFIX], user_inputs=[name] if name else [])
    if result["guesses_log10"] >= MIN_GUESSES_LOG10:
        return password
    reasons: list[tuple[str, str]] = []
    for match in result["sequence"]:
        pattern = match["pattern"]
        if pattern == "dictionary":
            kind = match.get("dictionary_name")
            kind = kind if kind in ("passwords", "user_inputs") else "words"
        elif pattern == "regex":  # zxcvbn's only regex is a recent year
            kind = "date"
        else:
            kind = pattern
        why = _WHY.get(kind)
        if why and why not in reasons:
            reasons.append(why)
    if not reasons:
        reasons.append(("太容易猜到", "is too easy to guess"))
    raise _refuse(";".join(zh for zh, _ in reasons), "; it ".join(en for _, en in reasons))
