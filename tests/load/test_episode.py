"""Episode fields: guests and their profiles."""

from __future__ import annotations

from castline.load import load_content
from tests.conftest import ContentTree


def test_a_guest_whose_profile_is_broken_is_not_called_unknown(content_tree: ContentTree) -> None:
    root = content_tree(
        {
            "episodes/a.md": "---\ntitle: A\nguests: [broken]\n---\n",
            "people/broken.md": "---\ntitle: [unclosed\n---\n",
        }
    )
    result = load_content(root)
    assert [str(d) for d in sorted(result.diagnostics)] == [
        f"{root}/episodes/a.md:3: warning: guest 'broken': profile people/broken.md could not "
        "be read",
        f"{root}/people/broken.md:3: error: invalid YAML: did not find expected ',' or ']' "
        "(the '[' opened on line 2)",
    ]
