"""``python -m castline``: the command-line interface."""

from castline.cli import main

if __name__ == "__main__":
    main()
