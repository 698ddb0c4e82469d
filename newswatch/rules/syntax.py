"""The query language of a rule, parsed with lark into a small tree.

    CHINA AND (WEAPONS OR "dual-use goods") AND NOT title:quiz
    SENTENCE(CHINA NEAR/8 SUPPLY) AND RUSSIA
    PARAGRAPH(sanction* AND (CHINA OR "Hong Kong"))

- ``CHINA`` (upper case) names an entity group; any other word or ``"quoted phrase"`` is a
  term. A trailing ``*`` is a prefix wildcard (``санкци*``).
- Precedence, tightest first: ``field:``, ``NEAR/n``, ``NOT``, ``AND``, ``OR``; parentheses
  group. ``a NEAR/n b``: a match of each with at most *n* words between them, in either
  order (two CJK characters count as one word); ``a BEFORE/n b`` the same with ``a`` first
  ("Beijing said", not "said Beijing"). Both bind alike, left to right.
- ``SENTENCE(…)`` / ``PARAGRAPH(…)``: the inside must hold within one sentence / paragraph.
- ``title:X`` / ``text:X``: X is looked for in the headline / the body only.
- Parentheses, and operators inside operators, nest at most ``MAX_DEPTH`` (50) levels deep.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Literal

from lark import Lark, Token, Tree, UnexpectedEOF, UnexpectedInput
from lark.visitors import Transformer_NonRecursive

from newswatch.errors import NewswatchError

Scope = Literal["sentence", "paragraph", "document"]
#: Levels of parentheses, and of operators within operators, a query may nest.
MAX_DEPTH = 50
Field = Literal["title", "text"]

GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*        -> or_
?and_expr: not_expr (_AND not_expr)*      -> and_
?not_expr: _NOT not_expr                  -> not_
         | near_expr
?near_expr: field_expr (NEAR field_expr)* -> near_
?field_expr: FIELD ":" atom               -> field
           | atom
?atom: "(" or_expr ")"
     | SCOPE "(" or_expr ")"              -> scope
     | GROUP                              -> group
     | PHRASE                             -> phrase
     | WORD                               -> word

_OR.3: "OR"
_AND.3: "AND"
_NOT.3: "NOT"
NEAR.3: /(?:NEAR|BEFORE)\/\d+/
SCOPE.3: /(SENTENCE|PARAGRAPH)(?=\s*\()/
FIELD.3: /(title|text)(?=:)/
GROUP.2: /(?!(?:AND|OR|NOT)(?![^\s()":]))[A-Z][A-Z0-9_]*(?![^\s()":])/
PHRASE: /"[^"]+"/
WORD: /(?!(?:AND|OR|NOT|NEAR|BEFORE|SENTENCE|PARAGRAPH)(?![^\s()":]))[^\s()":]+/

%import common.WS
%ignore WS
"""


class QuerySyntaxError(NewswatchError, ValueError):
    """A query that does not parse; ``offset`` is the 0-based position of the problem."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as written, without quotes; may end with '*'


@dataclass(frozen=True, slots=True)
class GroupRef:
    name: str


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class Near:
    left: Node
    right: Node
    distance: int
    ordered: bool = False  # BEFORE/n: the left side's match comes first


@dataclass(frozen=True, slots=True)
class InScope:
    scope: Scope
    item: Node


@dataclass(frozen=True, slots=True)
class InField:
    field: Field
    item: Node


Node = Term | GroupRef | And | Or | Not | Near | InScope | InField


class _ToTree(Transformer_NonRecursive):  # no recursion: a deep tree is reported, not a crash
    def or_(self, items: list[Node]) -> Node:
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self, items: list[Node]) -> Node:
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self, items: list[Node]) -> Node:
        return Not(items[0])

    def near_(self, items: list[Node | Token]) -> Node:
        node = items[0]
        for i in range(1, len(items), 2):
            op, right = items[i], items[i + 1]
            word, distance = str(op).split("/")
            node = Near(node, right, int(distance), ordered=word == "BEFORE")  # type: ignore[arg-type]
        return node  # type: ignore[return-value]

    def field(self, items: list[Token | Node]) -> Node:
        return InField(str(items[0]), items[1])  # type: ignore[arg-type]

    def scope(self, items: list[Token | Node]) -> Node:
        return InScope(str(items[0]).lower(), items[1])  # type: ignore[arg-type]

    def group(self, items: list[Token]) -> Node:
        return GroupRef(str(items[0]))

    def phrase(self, items: list[Token]) -> Node:
        return Term(str(items[0])[1:-1].strip())

    def word(self, items: list[Token]) -> Node:
        return Term(str(items[0]))


@cache
def _parser() -> Lark:
    """The query parser, built on first use (about 15 ms): a process that parses no query,
    or imports the rules only for their matching, does without it."""
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=False, propagate_positions=True)


_TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"


def _check_parentheses(text: str) -> None:
    """Parentheses (outside quoted phrases) nested at most MAX_DEPTH deep."""
    depth, quoted = 0, False
    for offset, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QuerySyntaxError(f"parentheses {_TOO_DEEP}", offset)
        elif char == ")":
            depth = max(0, depth - 1)


def _check_depth(tree: Tree[Token]) -> None:
    """Operators within operators at most MAX_DEPTH levels deep, counted as the query's
    tree will have them (``a NEAR/1 b NEAR/1 c`` is two levels); walked without recursion."""
    pending: list[tuple[Tree[Token] | Token, int]] = [(tree, 0)]
    while pending:
        node, depth = pending.pop()
        if not isinstance(node, Tree):
            continue
        kids = [k for k in node.children if isinstance(k, Tree)]
        if node.data == "near_":
            levels = [depth + len(kids) - 1 - max(0, i - 1) for i in range(len(kids))]
        else:
            levels = [depth + (node.data not in ("or_", "and_") or len(kids) > 1)] * len(kids)
        for kid, level in zip(kids, levels, strict=True):
            if level > MAX_DEPTH:  # where the level past the limit starts
                raise QuerySyntaxError(_TOO_DEEP, getattr(kid.meta, "start_pos", 0))
            pending.append((kid, level))


def parse_query(text: str) -> Node:
    """The tree of a query; QuerySyntaxError names the column of the problem."""
    if not text.strip():
        raise QuerySyntaxError("empty query", 0)
    _check_parentheses(text)
    try:
        tree = _parser().parse(text)
    except UnexpectedEOF:
        raise QuerySyntaxError("query ends too early (missing term or ')')", len(text.rstrip())) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if token is not None and token.type == "$END":
            raise QuerySyntaxError("query ends too early (missing term or ')')", len(text.rstrip())) from None
        offset = int(getattr(exc, "pos_in_stream", 0) or 0)
        found = text[offset : offset + 12].split("\n")[0] or "end of query"
        raise QuerySyntaxError(f"unexpected {found!r}", offset) from None
    _check_depth(tree)
    node = _ToTree().transform(tree)
    if isinstance(node, Token):  # a bare token left untransformed
        raise QuerySyntaxError(f"unexpected {str(node)!r}", 0)
    return node


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or)):
        return tuple(node.items)
    if isinstance(node, Near):
        return (node.left, node.right)
    if isinstance(node, (Not, InScope, InField)):
        return (node.item,)
    return ()


def walk(node: Node) -> Iterator[tuple[Node, int]]:
    """Every node of a tree with its depth (the root: 0), in document order, without
    recursion (a tree built by hand may be deeper than Python's stack)."""
    pending = [(node, 0)]
    while pending:
        item, depth = pending.pop()
        yield item, depth
        pending.extend((child, depth + 1) for child in reversed(_children(item)))


def node_depth(node: Node) -> int:
    """Levels of operators in a tree (a term alone: 0)."""
    return max(depth for _, depth in walk(node))


def leaves(node: Node) -> Iterator[Term | GroupRef]:
    """The terms and group references of a tree, in document order."""
    return (item for item, _ in walk(node) if isinstance(item, (Term, GroupRef)))


def groups_in(node: Node) -> set[str]:
    return {leaf.name for leaf in leaves(node) if isinstance(leaf, GroupRef)}


def terms_in(node: Node) -> set[str]:
    return {leaf.text for leaf in leaves(node) if isinstance(leaf, Term)}
