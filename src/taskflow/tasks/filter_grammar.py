"""The filter language's grammar (lark): `parse(text)` gives the expression as the tree of
`filter_language` or raises `FilterSyntaxError` naming the position of what it could not read.

Not imported at start: its one caller, `filter_sql.compile_query`, imports it at the first
expression a worker reads. lark (with `regex`, which it loads when installed) would add ~8 MB
to every worker's RSS (issue 22).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from lark import Lark, Token, Transformer, Tree, UnexpectedCharacters, UnexpectedInput, v_args

from taskflow.tasks.filter_language import (
    MAX_DAYS,
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    PRIORITIES,
    STATUSES,
    And,
    Expression,
    FilterSyntaxError,
    Not,
    Or,
    Term,
)

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("|" and_expr)*
?and_expr: not_expr ("&" not_expr)*
?not_expr: NOT not_expr -> not_
         | atom
?atom: "(" or_expr ")"
     | term

term: TODAY                      -> today
    | TOMORROW                   -> tomorrow
    | OVERDUE                    -> overdue
    | NO_DATE                    -> no_date
    | NEXT INT DAYS              -> next_days
    | DUE_BEFORE VALUE           -> due_before
    | DUE_AFTER VALUE            -> due_after
    | "#" name                   -> project
    | "@" name                   -> label
    | PRIORITY                   -> priority
    | ASSIGNED_TO VALUE          -> assigned_to
    | ASSIGNED                   -> assigned
    | UNASSIGNED                 -> unassigned
    | CREATED_BY VALUE           -> created_by
    | STATUS VALUE               -> status
    | RECURRING                  -> recurring
    | SUBTASK                    -> subtask
    | SEARCH VALUE               -> search
    | SECTION VALUE              -> section

name: QUOTED | WORD

NOT: "!"
TODAY.2: /today\b/i
TOMORROW.2: /tomorrow\b/i
OVERDUE.2: /overdue\b/i
NO_DATE.2: /no\s+date\b/i
NEXT.2: /next\b/i
DAYS.2: /days?\b/i
DUE_BEFORE.3: /due\s+before\s*:/i
DUE_AFTER.3: /due\s+after\s*:/i
PRIORITY.2: /p[1-4]\b/i
ASSIGNED_TO.3: /assigned\s+to\s*:/i
ASSIGNED.2: /assigned\b/i
UNASSIGNED.2: /unassigned\b/i
CREATED_BY.3: /created\s+by\s*:/i
STATUS.3: /status\s*:/i
RECURRING.2: /recurring\b/i
SUBTASK.2: /subtasks?\b/i
SEARCH.3: /search\s*:/i
SECTION.3: /section\s*:/i
INT: /[0-9]{1,5}/
QUOTED: /"[^"\n]{1,200}"/
WORD: /[^\s&|!()"#@]{1,200}/
VALUE: /[^&|!()]{1,1000}/

%import common.WS
%ignore WS
"""

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _value(token: Token) -> str:
    return " ".join(str(token).split())


def _fail(token: Token, message: str) -> FilterSyntaxError:
    return FilterSyntaxError(_start(token), message)


def _start(token: Token) -> int:
    """Where the token's text starts (a VALUE token includes the blanks before it)."""
    text = str(token)
    return (token.start_pos or 0) + len(text) - len(text.lstrip())


def _date(token: Token) -> date:
    text = _value(token)
    match = _ISO_DATE.match(text)
    if match is None:
        raise _fail(token, f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise _fail(token, f"no such date: {text!r}") from None


@v_args(inline=True)
class _ToTree(Transformer[Token, Expression]):
    def or_expr(self, *items: Expression) -> Expression:
        return Or(tuple(items))

    def and_expr(self, *items: Expression) -> Expression:
        return And(tuple(items))

    def not_(self, _: Token, item: Expression) -> Expression:
        return Not(item)

    def today(self, _: Token) -> Term:
        return Term("today")

    def tomorrow(self, _: Token) -> Term:
        return Term("tomorrow")

    def overdue(self, _: Token) -> Term:
        return Term("overdue")

    def no_date(self, _: Token) -> Term:
        return Term("no_date")

    def next_days(self, _: Token, days: Token, __: Token) -> Term:
        number = int(days)
        if not 1 <= number <= MAX_DAYS:
            raise _fail(days, f"the number of days must be 1 to {MAX_DAYS}")
        return Term("next_days", number)

    def due_before(self, _: Token, value: Token) -> Term:
        return Term("due_before", _date(value))

    def due_after(self, _: Token, value: Token) -> Term:
        return Term("due_after", _date(value))

    def name(self, token: Token) -> str:
        text = str(token)
        return text[1:-1].strip() if token.type == "QUOTED" else text

    def project(self, name: str) -> Term:
        return Term("project", name)

    def label(self, name: str) -> Term:
        return Term("label", name)

    def priority(self, token: Token) -> Term:
        return Term("priority", PRIORITIES[str(token).lower()])

    def assigned_to(self, _: Token, value: Token) -> Term:
        return Term("assigned_to", _person(value))

    def assigned(self, _: Token) -> Term:
        return Term("assigned")

    def unassigned(self, _: Token) -> Term:
        return Term("unassigned")

    def created_by(self, _: Token, value: Token) -> Term:
        return Term("created_by", _person(value))

    def status(self, _: Token, value: Token) -> Term:
        status = STATUSES.get(_value(value).lower())
        if status is None:
            raise _fail(value, "status is one of: todo, in progress, done")
        return Term("status", status)

    def recurring(self, _: Token) -> Term:
        return Term("recurring")

    def subtask(self, _: Token) -> Term:
        return Term("subtask")

    def search(self, _: Token, value: Token) -> Term:
        return Term("search", _value(value))

    def section(self, _: Token, value: Token) -> Term:
        return Term("section", _value(value))


def _person(token: Token) -> str:
    text = _value(token)
    if " " in text:
        raise _fail(token, f"expected `me` or a username, got {text!r}")
    return text.removeprefix("@").lower()


def _depth(tree: Tree[Token]) -> int:
    """How deep the tree is, counted without recursion (the input may be deep on purpose)."""
    deepest = 0
    pending: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return deepest


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=False)


def _describe(error: UnexpectedInput, text: str) -> FilterSyntaxError:
    position = error.pos_in_stream if error.pos_in_stream is not None else len(text)
    if isinstance(error, UnexpectedCharacters):
        return FilterSyntaxError(position, f"unexpected {text[position]!r}")
    token = getattr(error, "token", None)
    if token is None or token.type == "$END":
        return FilterSyntaxError(len(text), "the expression ends too soon")
    return FilterSyntaxError(position, f"unexpected {str(token).strip()!r}")


@lru_cache(maxsize=512)
def parse(text: str) -> Expression:
    """The expression as a tree; FilterSyntaxError (with its position) if it is malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise FilterSyntaxError(MAX_QUERY_LENGTH, f"at most {MAX_QUERY_LENGTH} characters")
    if "\x00" in text:
        raise FilterSyntaxError(text.index("\x00"), "unexpected NUL character")
    if not text.strip():
        raise FilterSyntaxError(0, "the expression is empty")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _describe(error, text) from None
    except FilterSyntaxError:
        raise
    if _depth(tree) > MAX_DEPTH:
        raise FilterSyntaxError(0, f"nested more than {MAX_DEPTH} levels deep")
    try:
        return _ToTree().transform(tree)
    except Exception as error:  # lark wraps errors raised in a transformer
        cause = getattr(error, "orig_exc", None)
        if isinstance(cause, FilterSyntaxError):
            raise cause from None
        raise
