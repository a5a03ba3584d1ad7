"""Every silenced type error says which error it is and why: ``# type: ignore[code]  # reason``.
mypy (``make lint``) checks app/, migrations/ and bench/, and flags an ignore that no longer
silences anything; this test flags one that does not explain itself."""

import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("app", "migrations", "bench")

IGNORE = re.compile(r"type:\s*ignore")
EXPLAINED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S")


def unexplained_ignores(source: str) -> list[tuple[int, str]]:
    """(line, comment) of each type-ignore comment without a code and a reason after it."""
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        and IGNORE.search(token.string)
        and not EXPLAINED.match(token.string)
    ]


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore\n",
        "x = f()  # type: ignore[arg-type]\n",
        "x = f()  # type: ignore[arg-type]  #\n",
        "x = f()  # type:ignore[arg-type]\n",
        "x = f()  # noqa: E501  # type: ignore[arg-type]\n",
    ],
)
def test_an_ignore_without_a_code_or_a_reason_is_found(line):
    assert unexplained_ignores(line) == [(1, line.split("  ", 1)[1].rstrip("\n"))]


@pytest.mark.parametrize(
    "line",
    [
        "x = f()  # type: ignore[arg-type]  # Starlette's handler type is too narrow\n",
        "x = f()  # type: ignore[attr-defined, union-attr]  # set by the library\n",
        'x = "# type: ignore"  # a string, not a comment\n',
    ],
)
def test_an_ignore_with_a_code_and_a_reason_passes(line):
    assert unexplained_ignores(line) == []


def test_no_type_ignore_in_the_checked_code_is_unexplained():
    files = [path for folder in CHECKED for path in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 50, "the checked folders moved"
    found = {
        f"{path.relative_to(ROOT)}:{line}": comment
        for path in files
        for line, comment in unexplained_ignores(path.read_text(encoding="utf-8"))
    }
    assert not found, "explain each: # type: ignore[code]  # why"
