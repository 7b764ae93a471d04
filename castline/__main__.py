"""``castline`` (the console script) and ``python -m castline``: the command line,
:mod:`castline.cli`.

``castline --version`` alone is answered here, before :mod:`castline.cli` loads the
command-line library: start-up is all that command costs. Like :mod:`castline.cli`, whose
entry point this is, it may print.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from castline.version import version_text

        sys.stdout.write(version_text() + "\n")
        return
    from castline.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
