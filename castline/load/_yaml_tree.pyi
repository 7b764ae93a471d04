"""The native front matter reader (castline/load/_yaml_tree.c): libyaml's events to values."""

from collections.abc import Callable
from typing import Any

def tree(
    text: str, max_nodes: int, firsts: str, typed: Callable[[str], object], stop: object, /
) -> tuple[Any, Any, list[tuple[str, int, int]]] | None: ...
