"""show.yaml: problems reported at their show.yaml line."""

from __future__ import annotations

import pytest

from castline.errors import ContentError
from castline.load import load_content
from tests.conftest import ContentTree


def test_unreadable_show_yaml_stops_the_build(content_tree: ContentTree) -> None:
    root = content_tree({"show.yaml": "title: [unclosed\n", "episodes/a.md": "---\n---\n"})
    with pytest.raises(ContentError) as raised:
        load_content(root)
    assert str(raised.value).startswith(f"{root}/show.yaml:2: error: invalid YAML")


def test_bad_explicit_in_show_yaml_is_an_error(content_tree: ContentTree) -> None:
    root = content_tree({"show.yaml": "title: T\nexplicit: maybe\n", "episodes/.keep": ""})
    result = load_content(root)
    assert [str(d) for d in result.diagnostics] == [
        f"{root}/show.yaml:2: error: 'explicit' must be true or false, not 'maybe'"
    ]
