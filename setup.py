"""The native cue engine and front matter reader: optional C extensions (everything else is
in pyproject.toml).

``castline.timing._cue_engine`` is built when a C compiler and the Python headers are present,
``castline.load._yaml_tree`` when libyaml's headers are too; where they are not (or with
``CASTLINE_NATIVE_BUILD=0``) the build goes on without them and castline runs its Python cue
engine and reads front matter with PyYAML, the references the native ones reproduce.
"""

from __future__ import annotations

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class _BuildExt(build_ext):
    """Floating-point sums as written: the engine reproduces Python's, operation by operation,
    so a compiler that fuses a multiply and an add (on a machine with FMA) must not."""

    def build_extensions(self) -> None:
        if self.compiler.compiler_type == "unix":
            for extension in self.extensions:
                extension.extra_compile_args.append("-ffp-contract=off")
        super().build_extensions()


def _extensions() -> list[Extension]:
    if os.environ.get("CASTLINE_NATIVE_BUILD", "1") == "0":
        return []
    engine = Extension(
        "castline.timing._cue_engine", ["castline/timing/_cue_engine.c"], optional=True
    )
    # libyaml's event parser (PyYAML's own parser, https://pyyaml.org/wiki/LibYAML); without
    # its headers (Debian: libyaml-dev) this one is skipped and front matter is read by PyYAML.
    tree = Extension(
        "castline.load._yaml_tree",
        ["castline/load/_yaml_tree.c"],
        libraries=["yaml"],
        optional=True,
    )
    return [engine, tree]


setup(ext_modules=_extensions(), cmdclass={"build_ext": _BuildExt})
