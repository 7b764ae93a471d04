"""Hostile content made from real files: the mutation engine shared by the fuzz tests and
``benchmarks/fuzz.py``.

Every choice goes through a :class:`Chooser`, so one engine serves two drivers:
:class:`RandomChooser` (``random.Random``, deterministic per seed, for large campaigns) and the
Hypothesis adapter in :mod:`tests.fuzz.strategies` (draws that Hypothesis shrinks and prints).

Three levels of mutation, each of one file inside an otherwise intact copy of a content folder:

* **bytes**: bit flips, random or hostile byte insertions, deletions, truncation, NUL bytes,
  invalid UTF-8, BOMs, UTF-16/32 and Latin-1 re-encodings, CRLF/CR line ends, tabs;
* **yaml**: the front matter (or show.yaml) is parsed, one field anywhere in it (a top-level key,
  a transcript item's ``sec``, ``exporters.txt.width``...) gets a hostile value written as a YAML
  fragment (``.nan``, ``1e400``, 10**30, a 100,000-character string, ``"\\ud800"``, deep nesting,
  wrong types, tags, merge keys, a bounded "billion laughs" alias expansion), or a key is
  duplicated;
* **fs**: the file becomes a dangling symlink, a symlink loop, a FIFO, a directory, a link to a
  device or to a file outside the folder, or is made unreadable.
"""

from __future__ import annotations

import codecs
import os
import random
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

T = TypeVar("T")

#: Size bound of the alias expansions the tests build (the campaign allows larger ones).
TEST_ALIAS_BOUND = 2_000
#: The placeholder dumped where a hostile fragment goes.
PLACEHOLDER = "CASTLINEFUZZPLACEHOLDER"


class Chooser(Protocol):
    """The source of every decision a mutation makes."""

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (simpler values towards ``low``)."""
        ...

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (simpler values first)."""
        ...

    def raw(self, size: int) -> bytes:
        """``size`` arbitrary bytes."""
        ...


class RandomChooser:
    """A :class:`Chooser` over ``random.Random``: deterministic for a given seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def raw(self, size: int) -> bytes:
        return self.rng.randbytes(size)


@dataclass(frozen=True)
class Mutation:
    """One file of a content folder, changed.

    ``data`` is the file's new bytes; ``fs`` names a file-system change instead (see
    :data:`FS_KINDS`). ``description`` says what was done, for reports and replays.
    """

    target: str
    level: str
    kind: str
    description: str
    data: bytes | None = field(default=None, repr=False)
    fs: str | None = None

    @property
    def hang_prone(self) -> bool:
        """True when a build may block on this input (run it in a subprocess)."""
        return self.fs is not None

    def apply(self, root: Path) -> None:
        """Make the change under the content folder ``root``."""
        path = root / self.target
        if self.data is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.data)
            return
        assert self.fs is not None
        _apply_fs(path, self.fs)

    def __repr__(self) -> str:
        return f"Mutation({self.target}: {self.level}/{self.kind}: {self.description[:200]!r})"

    def preview(self, limit: int = 300) -> str:
        """The first ``limit`` characters of the mutated text (for ``note()`` and reports)."""
        if self.data is None:
            return f"<{self.fs}>"
        return repr(self.data[:limit].decode("utf-8", "replace"))


# --------------------------------------------------------------------------- byte level

#: Byte strings worth inserting: NUL, invalid or truncated UTF-8, encoded surrogates, BOMs,
#: line ends, YAML syntax, terminal escapes, U+2028, a non-character.
HOSTILE_BYTES: tuple[bytes, ...] = (
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\r",
    b"\r\n",
    b"\t",
    b"\n---\n",
    b"\n...\n",
    b"\x1b[31m",
    b"\xe2\x80\xa8",
    b"\xef\xbf\xbe",
    b"\x7f",
    b"\x0b\x0c",
    b": ",
    b"- ",
    b"&a ",
    b"*a",
    b"!!python/object/apply:os.system ",
    b"{",
    b"[",
    b"'",
    b'"',
    b"|",
    b">",
    b"%YAML 1.1\n",
    b"<<: ",
    b"? ",
    b"#",
)

BYTE_KINDS = (
    "flip",
    "insert-random",
    "insert-hostile",
    "delete",
    "truncate",
    "duplicate",
    "nul-run",
    "bom",
    "reencode",
    "line-ends",
    "tab-indent",
    "swap-lines",
    "replace-line",
    "empty",
)


def mutate_bytes(c: Chooser, data: bytes) -> tuple[str, str, bytes]:
    """One byte-level mutation of ``data``: ``(kind, description, new bytes)``."""
    kind = c.choice(BYTE_KINDS)
    size = len(data)

    def offset() -> int:
        return c.integer(0, size)

    if kind == "flip":
        out = bytearray(data)
        flips = []
        for _ in range(c.integer(1, 8)):
            if not out:
                break
            at = c.integer(0, len(out) - 1)
            bit = c.integer(0, 7)
            out[at] ^= 1 << bit
            flips.append(f"{at}^{1 << bit}")
        return kind, f"bit flips at {', '.join(flips)}", bytes(out)
    if kind == "insert-random":
        at, chunk = offset(), c.raw(c.integer(1, 16))
        return kind, f"insert {chunk!r} at {at}", data[:at] + chunk + data[at:]
    if kind == "insert-hostile":
        at, chunk = offset(), c.choice(HOSTILE_BYTES)
        return kind, f"insert {chunk!r} at {at}", data[:at] + chunk + data[at:]
    if kind == "delete":
        at = offset()
        end = min(size, at + c.integer(1, 64))
        return kind, f"delete bytes {at}:{end}", data[:at] + data[end:]
    if kind == "truncate":
        at = offset()
        return kind, f"truncate at {at} of {size}", data[:at]
    if kind == "duplicate":
        at = offset()
        end = min(size, at + c.integer(1, 200))
        to = offset()
        return kind, f"copy bytes {at}:{end} to {to}", data[:to] + data[at:end] + data[to:]
    if kind == "nul-run":
        at, count = offset(), c.integer(1, 4096)
        return kind, f"{count} NUL bytes at {at}", data[:at] + b"\x00" * count + data[at:]
    if kind == "bom":
        bom = c.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\xef\xbb"])
        doubled = c.integer(0, 1)
        return kind, f"prefix {bom!r} x{doubled + 1}", bom * (doubled + 1) + data
    if kind == "reencode":
        encoding = c.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"])
        text = data.decode("utf-8", "replace")
        return kind, f"re-encoded as {encoding}", text.encode(encoding, "replace")
    if kind == "line-ends":
        style = c.choice(["crlf", "cr", "mixed", "lfcr"])
        if style == "crlf":
            return kind, "CRLF line ends", data.replace(b"\n", b"\r\n")
        if style == "cr":
            return kind, "CR line ends", data.replace(b"\n", b"\r")
        if style == "lfcr":
            return kind, "LF CR line ends", data.replace(b"\n", b"\n\r")
        lines = data.split(b"\n")
        every = c.integer(2, 5)
        mixed = b"".join(
            line + (b"\r\n" if i % every == 0 else b"\n") for i, line in enumerate(lines)
        )
        return kind, f"CRLF on every {every}th line", mixed
    lines = data.split(b"\n")
    if kind == "tab-indent":
        at = c.integer(0, max(0, len(lines) - 1))
        lines[at] = b"\t" + lines[at]
        return kind, f"tab before line {at + 1}", b"\n".join(lines)
    if kind == "swap-lines":
        a, b = c.integer(0, len(lines) - 1), c.integer(0, len(lines) - 1)
        lines[a], lines[b] = lines[b], lines[a]
        return kind, f"swap lines {a + 1} and {b + 1}", b"\n".join(lines)
    if kind == "replace-line":
        at = c.integer(0, len(lines) - 1)
        lines[at] = c.choice([b"", b"---", b"...", b"\x00", c.raw(c.integer(1, 40))])
        return kind, f"line {at + 1} replaced by {lines[at]!r}", b"\n".join(lines)
    assert kind == "empty"
    shape = c.choice([b"", b"---\n", b"---\n---\n", b"---\n\n---\nbody\n", b"\n\n", b"---"])
    return kind, f"file replaced by {shape!r}", shape


# --------------------------------------------------------------------------- YAML level

#: Scalar fragments: numbers that break arithmetic, empty and null values, booleans, dates
#: (impossible ones too), clock and duration strings out of range, YAML 1.1 oddities
#: (sexagesimal ``1:30`` is the integer 90), hostile URLs and paths, markup.
HOSTILE_SCALARS: tuple[str, ...] = (
    ".nan",
    ".inf",
    "-.inf",
    "1e400",
    "-1e400",
    "1000000000000000000000000000000",
    "-1000000000000000000000000000000",
    "-1",
    "-0.0",
    "0",
    "0.0000001",
    "1.5",
    "2147483648",
    "9223372036854775808",
    "0x7fffffffffffffffff",
    "0o777",
    "0b1",
    "1_000",
    "190:20:30",
    "1:30",
    "''",
    '""',
    '" "',
    "~",
    "null",
    "true",
    "false",
    "2026-02-30",
    "2026-03-02",
    "2026-03-02 10:00:00",
    "2026-03-02T10:00:00+23:59",
    "9999-12-31T23:59:59Z",
    "0001-01-01",
    "'2026-13-45'",
    "'1:2:3:4'",
    "'99:99'",
    "'-0:01'",
    "'0:60'",
    "'1:05.5'",
    "'99999999999999999999:00'",
    "'\u0661:\u0660\u0665'",
    "'\uff11:\uff10\uff10'",
    "PT",
    "P1Y2M",
    "PT1.5S",
    "PT-5M",
    "'-PT1H'",
    "PT99999999999999999999H",
    "PT0S",
    "'http://[::1'",
    "'http://example.com:99999/'",
    "'https://ex ample.com/a b'",
    "'//evil.example/x'",
    "'javascript:alert(1)'",
    "'file:///etc/passwd'",
    "'../../../../etc/passwd'",
    "'/etc/passwd'",
    "'../../../../../../dev/zero'",
    "/dev/zero",
    "'/dev/stdin'",
    "'/proc/self/fd/0'",
    "'images/cover.png'",
    "'.'",
    "'..'",
    "'a/b\\\\c'",
    "'<script>alert(1)</script>]]>&amp;&#0;'",
    "'{{ page.title }}'",
    "'%s%n%x'",
    "'\u202e\u200b\ufeff'",
    "'\U0001f600\U0001f469\u200d\U0001f469\u200d\U0001f467'",
)

#: Double-quoted YAML escapes of control characters, non-characters and lone surrogates.
CONTROL_FRAGMENTS: tuple[str, ...] = (
    *(f'"a\\x{code:02x}b"' for code in (*range(0x20), 0x7F)),
    '"\\uFFFE"',
    '"\\uFFFF"',
    '"\\ud800"',
    '"\\udfff"',
    '"x\\ud83dx"',
    '"\\U0010FFFF"',
    '"\\u2028\\u2029"',
    '"\\x85"',
    '"\\0"',
    '"\\e[2J"',
)

#: Tags: binary (a bytes value), sets, ordered maps, Python objects (refused by the safe loader),
#: unknown tags and tags that contradict their value.
TAGGED_FRAGMENTS: tuple[str, ...] = (
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1, a: 2]",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!custom value",
    "!!int x",
    "!!float x",
    "!!bool maybe",
    "!!timestamp yesterday",
    "!!str 12",
    "!!null x",
    "!!map [1]",
    "!!seq {a: 1}",
)

#: Structural fragments: wrong types, merge keys, complex keys, duplicate keys in a map,
#: recursive anchors, transcript items of the wrong shape.
STRUCTURE_FRAGMENTS: tuple[str, ...] = (
    "[]",
    "{}",
    "[a, b]",
    "[[a]]",
    "{a: b}",
    "[{}]",
    "[null]",
    "[1, 2.5, true, null]",
    "{line: x, sec: 1}",
    "[{line: x, sec: .nan}]",
    "[{header: [x]}]",
    "{<<: {line: x}, sec: 3}",
    "{<<: 5}",
    "{<<: [1, 2]}",
    "{[a]: b}",
    "{{a: 1}: b}",
    "{a: 1, a: 2}",
    "{.nan: 1}",
    "{null: 1}",
    "&r [*r]",
    "&m {a: *m}",
    "*undefined",
    "&a x",
    "[&a x, *a, *a]",
    "? a",
)


def _long_string(c: Chooser, bound: int) -> str:
    size = c.choice([1_000, 10_000, 100_000])
    size = min(size, bound)
    style = c.choice(["word", "words", "multibyte", "newlines"])
    if style == "word":
        body = "x" * size
    elif style == "words":
        body = ("lorem ipsum " * (size // 12 + 1))[:size]
    elif style == "multibyte":
        body = "\u00e9\U0001f600" * (size // 2)
    else:
        body = "a\\n" * (size // 2)
    return f'"{body}"'


def _deep(c: Chooser, bound: int) -> str:
    depth = min(c.choice([10, 100, 1_000, 10_000]), bound)
    if c.integer(0, 1):
        return "[" * depth + "x" + "]" * depth
    return "{a: " * depth + "x" + "}" * depth


def _alias_bomb(c: Chooser, bound: int) -> str:
    """``[&l0 [lol, ...], &l1 [*l0, ...], ..., *lN]``: width**levels strings, from a short text.

    Self-contained in one flow sequence, so it can stand for any value. The expansion is
    bounded by ``bound`` (the tests keep it small; the campaign allows a million).
    """
    width = c.integer(2, 10)
    levels = 1
    while width ** (levels + 1) <= bound and c.integer(0, 3):
        levels += 1
    parts = [f"&l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        parts.append(f"&l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    parts.append(f"*l{levels - 1}")
    return "[" + ", ".join(parts) + "]"


def _random_structure(c: Chooser, depth: int = 0) -> str:
    shape = c.integer(0, 4 if depth < 3 else 0)
    if shape <= 2:
        return c.choice(HOSTILE_SCALARS + CONTROL_FRAGMENTS)
    items = [_random_structure(c, depth + 1) for _ in range(c.integer(0, 3))]
    if shape == 3:
        return "[" + ", ".join(items) + "]"
    keys = [c.choice([*SUB_KEYS, "x", "1", "true"]) for _ in items]
    return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, items, strict=True)) + "}"


FRAGMENT_KINDS = (
    "scalar",
    "control",
    "tagged",
    "structure",
    "long",
    "deep",
    "alias",
    "random",
)


def hostile_fragment(c: Chooser, bound: int = TEST_ALIAS_BOUND) -> tuple[str, str]:
    """A hostile YAML value, written as one line of flow YAML: ``(kind, fragment)``.

    ``bound`` limits the size of long strings, nesting and alias expansions.
    """
    kind = c.choice(FRAGMENT_KINDS)
    generators: dict[str, Callable[[], str]] = {
        "scalar": lambda: c.choice(HOSTILE_SCALARS),
        "control": lambda: c.choice(CONTROL_FRAGMENTS),
        "tagged": lambda: c.choice(TAGGED_FRAGMENTS),
        "structure": lambda: c.choice(STRUCTURE_FRAGMENTS),
        "long": lambda: _long_string(c, max(bound * 50, 1_000)),
        "deep": lambda: _deep(c, bound),
        "alias": lambda: _alias_bomb(c, bound),
        "random": lambda: _random_structure(c),
    }
    return kind, generators[kind]()


#: Episode fields (besides those in the file): every key the loader reads.
EPISODE_FIELDS = (
    "title",
    "short",
    "date",
    "dateadded",
    "duration",
    "season",
    "episode",
    "episodeType",
    "guests",
    "audio",
    "quotableClips",
    "chapters",
    "transcript",
    "links",
    "ids",
    "image",
    "guid",
    "explicit",
    "description",
    "intro",
    "topics",
)
SHOW_FIELDS = (
    "title",
    "description",
    "language",
    "base_url",
    "assets_url",
    "link",
    "author",
    "owner",
    "image",
    "categories",
    "explicit",
    "copyright",
    "type",
    "guid",
    "locked",
    "funding",
    "hosts",
    "medium",
    "timezone",
    "episodes",
    "people",
    "media",
    "exporters",
)
PROFILE_FIELDS = ("title", "name", "picture", "web", "linkedin", "twitter", "github", "mastodon")
#: Keys inside list items and mappings (transcript items, clips, audio, chapters, exporters).
SUB_KEYS = (
    "line",
    "who",
    "time",
    "sec",
    "header",
    "startOffset",
    "endOffset",
    "name",
    "url",
    "length",
    "type",
    "start",
    "title",
    "label",
    "email",
    "txt",
    "srt",
    "vtt",
    "rss",
    "chapters",
    "width",
    "timestamps",
    "offset_ms",
)

YAML_KINDS = ("replace", "replace", "replace", "replace", "duplicate-key", "alias-reuse")


def split_front_matter(text: str) -> tuple[str, str, str] | None:
    """``(opening, yaml, rest)`` of a front-matter file, or None when it has none."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        end = text.find("\n---", 3)
        if end < 0 or text[end + 4 :].strip():
            return None
    return "---\n", text[4 : end + 1], text[end + 1 :]


def _safe_load(text: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def _choose_path(c: Chooser, data: dict[Any, Any], fields: Sequence[str]) -> list[Any]:
    keys = sorted({*data, *fields}, key=str)
    path: list[Any] = [c.choice(keys)]
    node = data.get(path[0])
    while isinstance(node, dict | list) and c.integer(0, 2):
        if isinstance(node, list):
            if not node:
                break
            index = c.integer(0, len(node) - 1)
            path.append(index)
            node = node[index]
        else:
            key = c.choice(sorted({*node, *SUB_KEYS}, key=str))
            path.append(key)
            node = node.get(key)
    return path


def _set_path(data: Any, path: Sequence[Any], value: object) -> None:
    node = data
    for step in path[:-1]:
        node = node[step]
    if isinstance(node, dict | list):
        node[path[-1]] = value


def _dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1 << 30)
    return text


def mutate_yaml(
    c: Chooser, yaml_text: str, fields: Sequence[str], bound: int
) -> tuple[str, str, str] | None:
    """One YAML-level mutation of a mapping document: ``(kind, description, new YAML text)``,
    or None when the text is not a mapping that can be re-dumped."""
    try:
        data = _safe_load(yaml_text)
        if not isinstance(data, dict):
            return None
        _dump(data)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    kind = c.choice(YAML_KINDS)
    if kind == "duplicate-key":
        key = c.choice(sorted({*(str(k) for k in data), *fields}))
        _, fragment = hostile_fragment(c, bound)
        before = c.integer(0, 1)
        line = f"{key}: {fragment}\n"
        text = line + yaml_text if before else yaml_text.rstrip("\n") + "\n" + line
        where = "first" if before else "last"
        return kind, f"duplicate top-level key {key}: {fragment[:120]} ({where})", text
    if kind == "alias-reuse":
        # An anchor on a real value, aliased under another key (guests, transcript, links...).
        source = c.choice(sorted(data, key=str))
        target = c.choice(list(fields))
        copy = dict(data)
        copy[target] = [data[source], data[source]]
        try:
            text = _dump(copy)
        except yaml.YAMLError:
            return None
        return kind, f"{target}: [*{source}, *{source}] (aliases of {source})", text
    path = _choose_path(c, data, fields)
    fragment_kind, fragment = hostile_fragment(c, bound)
    try:
        _set_path(data, path, PLACEHOLDER)
        text = _dump(data)
    except (yaml.YAMLError, IndexError, KeyError, TypeError):
        return None
    if PLACEHOLDER not in text:
        return None
    text = text.replace(PLACEHOLDER, fragment, 1)
    dotted = ".".join(str(step) for step in path)
    return f"replace-{fragment_kind}", f"{dotted} = {fragment[:120]}", text


# --------------------------------------------------------------------------- file-system level

FS_KINDS = (
    "dangling-symlink",
    "symlink-loop",
    "fifo",
    "directory",
    "unreadable",
    "symlink-dev-zero",
    "symlink-outside",
    "symlink-to-folder",
)


def _apply_fs(path: Path, kind: str) -> None:
    if kind == "unreadable":
        path.chmod(0)
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "dangling-symlink":
        path.symlink_to(path.parent / "no-such-file.md")
    elif kind == "symlink-loop":
        other = path.with_name(path.name + ".loop")
        path.symlink_to(other.name)
        other.symlink_to(path.name)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
        (path / "inside.md").write_text("---\ntitle: inside\n---\n", encoding="utf-8")
    elif kind == "symlink-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "symlink-outside":
        path.symlink_to("/etc/passwd")
    elif kind == "symlink-to-folder":
        path.symlink_to(path.parent)
    else:
        raise ValueError(kind)


def unreadable_is_effective() -> bool:
    """chmod 000 stops reading only for users other than root."""
    return os.geteuid() != 0


# --------------------------------------------------------------------------- one file


def mutate_file(
    c: Chooser,
    target: str,
    original: bytes,
    *,
    role: str,
    levels: Sequence[str] = ("bytes", "yaml", "fs"),
    bound: int = TEST_ALIAS_BOUND,
) -> Mutation:
    """Mutate the file ``target`` (its bytes are ``original``) at one of ``levels``.

    ``role`` is ``episode``, ``profile`` or ``show`` (which fields to attack; show.yaml has no
    front matter delimiters). A YAML mutation that does not apply (no front matter) falls back
    to a byte mutation.
    """
    level = c.choice(list(levels))
    if level == "fs":
        kind = c.choice(FS_KINDS)
        return Mutation(target, "fs", kind, f"{target} made a {kind}", fs=kind)
    if level == "yaml":
        fields = {"episode": EPISODE_FIELDS, "profile": PROFILE_FIELDS, "show": SHOW_FIELDS}[role]
        text = original.decode("utf-8", "replace")
        if role == "show":
            mutated = mutate_yaml(c, text, fields, bound)
            if mutated is not None:
                kind, description, new = mutated
                return Mutation(target, "yaml", kind, description, new.encode("utf-8", "replace"))
        else:
            parts = split_front_matter(text)
            if parts is not None:
                opening, front, rest = parts
                mutated = mutate_yaml(c, front, fields, bound)
                if mutated is not None:
                    kind, description, new = mutated
                    data = (opening + new + rest).encode("utf-8", "surrogatepass")
                    return Mutation(target, "yaml", kind, description, data)
    kind, description, data = mutate_bytes(c, original)
    return Mutation(target, "bytes", kind, description, data)


def is_fifo(path: Path) -> bool:
    try:
        return stat.S_ISFIFO(path.lstat().st_mode)
    except OSError:
        return False
