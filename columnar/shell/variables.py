"""The shell's variables (``-v NAME=VALUE``, ``\\set``, ``\\unset``), as in psql.

Role: a small name → text table the shell consults for its behaviour flags.
The one that changes behaviour is psql's ``ON_ERROR_STOP``: when on, a script
(``-c``, ``-f``, ``\\i``, piped input) stops at its first failing statement and
the program exits with status 3. Other names are kept and listed, so scripts
written for psql that ``\\set`` their own variables do not fail.

Booleans read as psql reads them (``ParseVariableBool``): any unambiguous
prefix of ``true``/``false``/``yes``/``no``, ``on``/``off``, and ``1``/``0``,
case-insensitively.

Simplified versus psql: no ``:name`` interpolation into SQL text.

Example:
    >>> v = Variables()
    >>> v.set("ON_ERROR_STOP", "1"); v.on_error_stop
    True
    >>> parse_bool("of"), parse_bool("Yes"), parse_bool("o")
    (False, True, None)
"""

from __future__ import annotations

from columnar.core.errors import ProgrammingError

ON_ERROR_STOP = "ON_ERROR_STOP"
_BOOLEAN = (ON_ERROR_STOP,)


def parse_bool(value: str) -> bool | None:
    """``True``/``False`` for psql's boolean spellings, None when it is none of them."""
    v = value.strip().lower()
    if not v:
        return None
    if v in ("1", "0"):
        return v == "1"
    if v == "on":
        return True
    if len(v) >= 2 and "off".startswith(v):  # "o" alone is ambiguous
        return False
    for word, meaning in (("true", True), ("false", False), ("yes", True), ("no", False)):
        if word.startswith(v):
            return meaning
    return None


class Variables:
    """Named text values; booleans are checked when set."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def set(self, name: str, value: str) -> None:
        """Set ``name``; a boolean variable must get a boolean spelling."""
        if name in _BOOLEAN and parse_bool(value) is None:
            raise ProgrammingError(f'unrecognized value "{value}" for "{name}": Boolean expected')
        self._values[name] = value

    def unset(self, name: str) -> None:
        self._values.pop(name, None)

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def items(self) -> list[tuple[str, str]]:
        return sorted(self._values.items())

    @property
    def on_error_stop(self) -> bool:
        value = self._values.get(ON_ERROR_STOP)
        return bool(value is not None and parse_bool(value))
