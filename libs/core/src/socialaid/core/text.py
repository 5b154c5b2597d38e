"""Human text as the platform accepts it: one normaliser, applied by the schema types.

Every free-text field of a request (names, notes, reasons, descriptions) is declared with one of
the annotated types below, so the same rules hold everywhere:

* the text is NFC-normalised (a composed and a decomposed "é" are stored alike);
* NUL, the other C0 and C1 control characters and DEL are refused (``MultilineText`` keeps tab,
  line feed and carriage return), as are ANSI escape sequences, bidirectional embeddings,
  overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), zero-width
  characters (U+200B–U+200D, U+2060, U+FEFF), line/paragraph separators and unpaired surrogates;
* a refusal is a ``ValueError`` naming the offending character, so FastAPI answers 422
  ``validation_failed`` with the field in ``errors``.

The length bound sits next to the field (``Field(max_length=…)``) or in the ready-made aliases
(:data:`Name`, :data:`Label`, :data:`Note`, …), so it appears as ``maxLength`` in the OpenAPI
documents. Identifiers and codes are not human text: they use :data:`Code` (a closed alphabet).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_ANSI = re.compile(r"\x1b[\[\]()#;?0-9A-Za-z]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_SEPARATORS = frozenset("\u2028\u2029")
_MULTILINE_ALLOWED = frozenset("\t\n\r")
# Everything that may be refused, as one class: most text has none, and one search finds out.
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` is not acceptable human text, or None. ``value`` should be NFC already."""
    found = _SUSPECT.search(value)
    while found is not None:
        ch = found.group()
        if multiline and ch in _MULTILINE_ALLOWED:
            found = _SUSPECT.search(value, found.end())
            continue
        where = f"U+{ord(ch):04X} at position {found.start()}"
        if ch == "\x00":
            return f"must not contain a NUL character ({where})"
        if ch == "\x1b" and _ANSI.match(value, found.start()):
            return f"must not contain an ANSI escape sequence ({where})"
        if ch in _BIDI:
            return f"must not contain a bidirectional control character ({where})"
        if ch in _ZERO_WIDTH:
            return f"must not contain a zero-width character ({where})"
        if ch in _SEPARATORS:
            return f"must not contain a line or paragraph separator ({where})"
        if "\ud800" <= ch <= "\udfff":
            return f"must not contain an unpaired surrogate ({where})"
        if ch in _MULTILINE_ALLOWED:
            return f"must be a single line ({where})"
        return f"must not contain a control character ({where})"
    return None


def normalise_text(value: str, *, multiline: bool = False) -> str:
    """NFC form of ``value``; ``ValueError`` if it holds a character human text never needs."""
    try:
        value = unicodedata.normalize("NFC", value)
    except UnicodeError as exc:  # pragma: no cover - normalize does not raise on str
        raise ValueError("text is not valid Unicode") from exc
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise ValueError(f"text {problem}")
    return value


def _single_line(value: str) -> str:
    return normalise_text(value, multiline=False)


def _multi_line(value: str) -> str:
    return normalise_text(value, multiline=True)


Text = Annotated[str, AfterValidator(_single_line)]
"""One line of human text (bound it with ``Field(max_length=…)`` where it is used)."""

MultilineText = Annotated[str, AfterValidator(_multi_line)]
"""Human text that may span lines (tab, LF and CR kept)."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=100), AfterValidator(_single_line)]
"""A person's or an actor's name: one line, 1–100 characters."""

Label = Annotated[
    str, StringConstraints(min_length=1, max_length=200), AfterValidator(_single_line)
]
"""A title, a department or document name: one line, 1–200 characters."""

Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_multi_line)
]
"""A written reason: 1–2,000 characters."""

Note = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_multi_line)]
"""A note or remark: up to 2,000 characters."""

LongText = Annotated[str, StringConstraints(max_length=4000), AfterValidator(_multi_line)]
"""A description: up to 4,000 characters."""

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]
"""An identifier or a code (ids, keys, categories): ASCII letters, digits and ``_.:-``,
1–64 characters."""

ShortCode = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=CODE_PATTERN)]
"""A short code (categories, kinds, programme names): 1–40 characters of :data:`Code`'s
alphabet."""
