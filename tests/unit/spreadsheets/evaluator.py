"""A tiny evaluator for the formulas the export writes.

openpyxl writes formulas but never computes them, so :class:`Evaluator` computes the few
formula shapes the export emits (SUM, SUMIFS, COUNT, COUNTA, COUNTIF(S), SUMPRODUCT over
arrays, ISNUMBER, IF, IFERROR, arithmetic, comparisons, ``&``) straight from the cells of
the workbook as written."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from typing import Any

import openpyxl

# --- a tiny evaluator for the formulas the export writes ---------------------------------


class XlError(Exception):
    """An Excel error value (#DIV/0!, #VALUE!); IFERROR catches it."""


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
    |(?P<ref>(?:'(?:[^']|'')+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
    |(?P<func>[A-Z][A-Z0-9.]*)\(
    |(?P<number>\d+(?:\.\d+)?)
    |(?P<op><>|>=|<=|[-+*/&=<>(),])
    )""",
    re.VERBOSE,
)
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _tokens(formula: str) -> list[tuple[str, str]]:
    result, position = [], 0
    while position < len(formula):
        match = _TOKEN.match(formula, position)
        assert match is not None and match.end() > position, formula[position:]
        kind = match.lastgroup
        assert kind is not None
        result.append((kind, match.group(kind)))
        position = match.end()
    return result


class Evaluator:
    """Computes cells of a workbook loaded with formulas (``data_only=False``)."""

    def __init__(self, workbook: openpyxl.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str], Any] = {}

    def cell(self, sheet: str, coordinate: str) -> Any:
        key = (sheet, coordinate.replace("$", ""))
        if key not in self.cache:
            value = self.workbook[sheet][key[1]].value
            if isinstance(value, str) and value.startswith("="):
                try:
                    value = self.formula(sheet, value[1:])
                except XlError as error:
                    value = error
            self.cache[key] = value
        value = self.cache[key]
        if isinstance(value, XlError):
            raise value
        return value

    def formula(self, sheet: str, text: str) -> Any:
        self.tokens, self.position, self.sheet = _tokens(text), 0, sheet
        tree = self._comparison()
        assert self.position == len(self.tokens), text
        return self._eval(tree)

    # parser: comparison < & < +- < */ < unary < primary
    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _binary(self, operators: set[str], lower: Callable[[], Any]) -> Any:
        left = lower()
        while (token := self._peek()) is not None and token[0] == "op" and token[1] in operators:
            self._take()
            left = ("op", token[1], left, lower())
        return left

    def _comparison(self) -> Any:
        return self._binary(set(_COMPARE), self._concat)

    def _concat(self) -> Any:
        return self._binary({"&"}, self._additive)

    def _additive(self) -> Any:
        return self._binary({"+", "-"}, self._term)

    def _term(self) -> Any:
        return self._binary({"*", "/"}, self._unary)

    def _unary(self) -> Any:
        if self._peek() == ("op", "-"):
            self._take()
            return ("neg", self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "number":
            return ("value", float(text))
        if kind == "string":
            return ("value", text[1:-1].replace('""', '"'))
        if kind == "ref":
            return ("ref", text)
        if kind == "func":
            args = []
            if self._peek() != ("op", ")"):
                args.append(self._comparison())
                while self._peek() == ("op", ","):
                    self._take()
                    args.append(self._comparison())
            assert self._take() == ("op", ")")
            return ("call", text, args)
        assert (kind, text) == ("op", "("), text
        inner = self._comparison()
        assert self._take() == ("op", ")")
        return inner

    # evaluation
    def _range(self, reference: str) -> list[Any]:
        sheet, _bang, cells = reference.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet else self.sheet
        start, _colon, end = cells.replace("$", "").partition(":")
        rows = self.workbook[sheet][f"{start}:{end or start}"]
        if not isinstance(rows, tuple):
            rows = ((rows,),)
        return [self.cell(sheet, c.coordinate) for row in rows for c in row]

    def _eval(self, node: Any) -> Any:
        kind = node[0]
        if kind == "value":
            return node[1]
        if kind == "ref":
            values = self._range(node[1])
            assert len(values) == 1, "a range used as one value"
            return values[0]
        if kind == "neg":
            return -_number(self._eval(node[1]))
        if kind == "op":
            return _apply(node[1], self._eval(node[2]), self._eval(node[3]))
        return self._call(node[1], node[2])

    def _values(self, node: Any) -> list[Any]:
        return self._range(node[1]) if node[0] == "ref" else [self._eval(node)]

    def _call(self, name: str, args: list[Any]) -> Any:
        if name == "IF":
            return self._eval(args[1] if _truth(self._eval(args[0])) else args[2])
        if name == "IFERROR":
            try:
                return self._eval(args[0])
            except XlError:
                return self._eval(args[1])
        if name == "SUM":
            return sum(v for a in args for v in self._values(a) if _is_number(v))
        if name == "COUNT":
            return sum(1 for a in args for v in self._values(a) if _is_number(v))
        if name == "COUNTA":
            return sum(1 for a in args for v in self._values(a) if v is not None)
        if name in ("COUNTIF", "COUNTIFS"):
            return sum(self._matching_rows(args))
        if name == "INT":
            return float(math.floor(_number(self._eval(args[0]))))
        if name == "SUMPRODUCT":
            return sum(_number(_as_number(v)) for v in self._array(args[0]))
        if name == "SUMIFS":
            amounts = self._range(args[0][1])
            rows = self._matching_rows(args[1:])
            return sum(a for a, keep in zip(amounts, rows, strict=True) if keep and _is_number(a))
        raise AssertionError(f"the export should not use {name}")

    def _array(self, node: Any) -> list[Any]:
        """``node`` evaluated element by element over its ranges (SUMPRODUCT's arguments)."""
        kind = node[0]
        if kind == "ref":
            return self._range(node[1])
        if kind == "value":
            return [node[1]]
        if kind == "neg":
            return [-_number(_as_number(v)) for v in self._array(node[1])]
        if kind == "op":
            left, right = self._array(node[2]), self._array(node[3])
            size = max(len(left), len(right))
            left = left * size if len(left) == 1 else left
            right = right * size if len(right) == 1 else right
            if node[1] in _COMPARE:
                return [_apply(node[1], a, b) for a, b in zip(left, right, strict=True)]
            return [
                _apply(node[1], _as_number(a), _as_number(b))
                for a, b in zip(left, right, strict=True)
            ]
        if kind == "call" and node[1] == "ISNUMBER":
            return [_is_number(v) for v in self._array(node[2][0])]
        return [self._eval(node)]

    def _matching_rows(self, args: list[Any]) -> list[bool]:
        keep: list[bool] | None = None
        for index in range(0, len(args), 2):
            cells = self._range(args[index][1])
            criterion = self._eval(args[index + 1])
            matches = [_matches(v, criterion) for v in cells]
            keep = (
                matches if keep is None else [a and b for a, b in zip(keep, matches, strict=True)]
            )
        assert keep is not None
        return keep


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_number(value: Any) -> Any:
    """TRUE/FALSE as 1/0 in array arithmetic, as a spreadsheet does."""
    return int(value) if isinstance(value, bool) else value


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not _is_number(value):
        raise XlError("#VALUE!")
    return float(value)


def _truth(value: Any) -> bool:
    if isinstance(value, str):
        raise XlError("#VALUE!")
    return bool(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _apply(symbol: str, left: Any, right: Any) -> Any:
    if symbol == "&":
        return _text(left) + _text(right)
    if symbol in _COMPARE:
        if left is None:
            left = "" if isinstance(right, str) else 0.0
        if right is None:
            right = "" if isinstance(left, str) else 0.0
        if isinstance(left, str) != isinstance(right, str):  # text sorts after numbers
            left, right = (1, 0) if isinstance(left, str) else (0, 1)
        elif isinstance(left, str):
            left, right = left.lower(), right.lower()
        return _COMPARE[symbol](left, right)
    a, b = _number(left), _number(right)
    if symbol == "/":
        if b == 0:
            raise XlError("#DIV/0!")
        return a / b
    return {"+": a + b, "-": a - b, "*": a * b}[symbol]


def _matches(value: Any, criterion: Any) -> bool:
    """COUNTIF's criterion: a number, "text", "<>" (not blank) or "<op>number"."""
    if _is_number(criterion):
        return _is_number(value) and value == criterion
    text = str(criterion)
    symbol = next((s for s in ("<>", ">=", "<=", "=", ">", "<") if text.startswith(s)), "")
    rest = text[len(symbol) :]
    if symbol == "<>" and rest == "":
        return value is not None
    try:
        number = float(rest)
    except ValueError:
        equal = isinstance(value, str) and value.lower() == rest.lower()
        return not equal if symbol == "<>" else equal
    return _is_number(value) and _COMPARE[symbol or "="](value, number)
