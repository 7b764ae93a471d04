"""Episode pages and an index (``site``): ``out/episodes/<slug>/index.html`` and ``out/index.html``.

An episode page has the title, date and duration, the guests with their profile links, the
show notes, an HTML5 ``<audio>`` player on the enclosure, the chapters and the transcript by
section, speaker and paragraph; the index lists the episodes newest first with their dates,
durations, guests and a show notes excerpt. Both are self-contained: small inline CSS and
JavaScript, no CDN, no framework.

* **Transcript.** Sections are the transcript's headers; a speaker's name opens each turn;
  a paragraph is a transcript line, made of one ``<span class="seg">`` per caption-sized
  segment (the cues of the ``json`` transcript: :func:`castline.timing.cues.episode_cues` under
  the SubRip captions' default policy, from the stamp timeline the captions use). Every
  paragraph starts with its time as a link, ``#t=M:SS``, and every chapter is one.
* **With JavaScript** (``site.js.j2``): the segment being played is highlighted and kept in
  view (a checkbox stops the scrolling); a click on a segment, a time or a chapter seeks; the
  fragment ``#t=M:SS`` (or ``#t=SECONDS``, after W3C Media Fragments,
  https://www.w3.org/TR/media-frags/#naming-time) seeks on load. **Without it** everything is
  readable and every time is a link.
* **Search engines and previews**: Open Graph (https://ogp.me/) and ``twitter:`` meta tags, and
  schema.org ``PodcastEpisode`` JSON-LD (https://schema.org/PodcastEpisode).
* **Escaping.** Jinja2 autoescapes every value; show notes are the HTML of
  :func:`castline.feed.notes.notes_html` (the episode body, else its ``intro``), the one place
  show notes become HTML; JSON-LD goes through Jinja's ``tojson`` (``<``, ``>``, ``&`` and
  ``'`` escaped).

**Templates** are Jinja2 (https://jinja.palletsprojects.com/): ``base.html.j2``,
``episode.html.j2``, ``index.html.j2``, ``site.css.j2`` and ``site.js.j2``, shipped in
``castline/data/site/``. A show overrides any of them by a file of the same name in its
``templates`` folder (option ``templates``, relative to the content folder, default
``templates``); an override can extend the shipped one as ``castline/<name>``
(``{% extends "castline/episode.html.j2" %}``). The build fingerprints the override files
(:meth:`SiteExporter.published_files`), so changing one rebuilds the pages; being published
files, they are also copied to the output folder. A template that does not compile or fails
while rendering is an error at its ``path:line``, and the last good pages are kept.

Each page is rendered with its episode (in parallel, and only for the episodes that
changed); the index is rendered in the show step from each episode's record (its page data
without the transcript). The override templates are inputs of every page
(:meth:`SiteExporter.episode_inputs`): changing one renders every page again. Besides its
``segments`` (``start_ms``, ``end_ms``, ``text``), each transcript paragraph has
``segments_html``: their ``<span class="seg">`` markup, made once in Python (a page has a span
per caption cue, thousands of them, and a Jinja2 loop over them is several times slower), and
``html``: the whole ``<p>``, speaker, time link and segments, made in Python too (a paragraph
per line, hundreds a page). Each section has ``paragraphs_html``, its paragraphs' ``html``
each followed by a line end. The shipped ``episode.html.j2`` prints ``paragraphs_html``, and
its header gives the markup each stands for; an override that wants other markup loops over
``paragraphs``, prints the paragraph's parts and loops over ``segments``. (A show without
override templates gets pages printed by the shipped ones alone, so its sections hold only
their title and ``paragraphs_html``.) Relative links
join the pages; with show.yaml's ``base_url``, pages also get canonical and ``og:url`` URLs.
Output is deterministic: UTF-8, ``\\n`` line ends.
"""

from __future__ import annotations

import importlib
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from castline.diagnostics import Diagnostic, rule
from castline.exporter import (
    Artifact,
    BuildContext,
    EpisodeExport,
    EpisodeRecord,
    ShowExport,
    episode_path,
)
from castline.feed.notes import load_renderers, notes_html
from castline.load.people import PROFILE_LINKS, profile_url
from castline.model import Episode, Header, Person, Show, SourceRef
from castline.paths import asset_url, display_path, media_url, public_url
from castline.text import one_line
from castline.timecode import format_clock, format_seconds
from castline.timing.chapters import resolve_chapters
from castline.timing.cues import Cue, CuePolicy, episode_cues, speaker_name
from castline.timing.cuetext import cue_columns, seconds_text
from castline.timing.sections import published_transcript

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

UNREADABLE_TEMPLATE = rule("X001", "unreadable-template", "a site template cannot be read")
TEMPLATE_ERROR = rule(
    "X002", "template-error", "a site template fails to render; pages not written"
)

#: The templates a show may override, by file name.
TEMPLATE_NAMES = ("base.html.j2", "episode.html.j2", "index.html.j2", "site.css.j2", "site.js.j2")
#: Names that always mean the shipped template (for ``{% extends %}`` in an override).
SHIPPED_PREFIX = "castline/"
#: The cue policy segments are cut with: the SubRip captions' default, as the JSON transcript.
SEGMENT_POLICY = CuePolicy(speaker_labels="change")
#: How the pages name each kind of profile link.
LINK_LABELS = {
    "web": "Website",
    "linkedin": "LinkedIn",
    "twitter": "X (Twitter)",
    "github": "GitHub",
    "mastodon": "Mastodon",
    "youtube": "YouTube",
}
#: The attributes of a plain ``dict`` (which templates reach before its keys, as in Jinja2).
DICT_ATTRIBUTES = frozenset(dir(dict))
#: The index page's path in the output folder.
INDEX_PATH = PurePosixPath("index.html")
#: The characters HTML escaping (``markupsafe.escape``) replaces.
_ESCAPED = "&<>\"'"


class SiteExporter:
    """Episode pages with a synced transcript player, and an index of the episodes.

    Args:
        templates: the folder, relative to the content folder, whose template files replace
            the shipped ones of the same name.
        excerpt_chars: the index's show notes excerpts are cut to about this many characters.
    """

    name: ClassVar[str] = "site"
    media_type: ClassVar[str] = "text/html"
    #: Each page is ``episodes/<slug>/index.html``, at the URL ``episodes/<slug>/``.
    suffix: ClassVar[str] = "/"
    #: The feed links each item to its page (the item's ``<link>``).
    feed_link: ClassVar[str | None] = "page"
    cache_version: ClassVar[int] = 1

    def __init__(self, *, templates: str = "templates", excerpt_chars: int = 200) -> None:
        if not isinstance(templates, str) or not templates.strip():
            raise ValueError(f"'templates' must be a folder name, not {templates!r}")
        if PurePosixPath(templates).is_absolute() or ".." in PurePosixPath(templates).parts:
            raise ValueError(
                f"'templates' must be a folder inside the content folder, not {templates!r}"
            )
        if isinstance(excerpt_chars, bool) or not isinstance(excerpt_chars, int):
            raise ValueError(
                f"'excerpt_chars' must be a number of characters, not {excerpt_chars!r}"
            )
        if excerpt_chars < 20:
            raise ValueError(f"'excerpt_chars' must be at least 20, not {excerpt_chars}")
        self.templates = PurePosixPath(templates)
        self.excerpt_chars = excerpt_chars
        #: The templates' environment, the override texts and their problems: read once.
        self._environment: (
            tuple[jinja2.Environment, dict[str, tuple[str, str]], tuple[Diagnostic, ...]] | None
        ) = None

    def published_files(self, show: Show) -> tuple[PurePosixPath, ...]:
        """The template override paths: published with the pages."""
        return tuple(self.templates / name for name in TEMPLATE_NAMES)

    def episode_inputs(self, show: Show) -> tuple[PurePosixPath, ...]:
        """The template override paths: changing one renders every page again."""
        return self.published_files(show)

    def warm_up(self, show: Show) -> None:
        """Load what the pages load on first use: the notes' renderers, lxml's HTML parser,
        then the templates, compiled (:class:`castline.exporter.Exporter`)."""
        load_renderers()
        importlib.import_module("lxml.html")
        environment, _, problems = self._templates(show)
        if not problems:
            for name in ("episode.html.j2", "index.html.j2"):
                environment.get_template(name)

    def export_episode(self, context: BuildContext, episode: Episode) -> EpisodeExport:
        """The episode's page, and its index entry as its record (the page data without the
        transcript). A broken template gives its ``path:line`` error and no page.

        Without override templates the page is printed by the shipped ones, which read only
        each section's title and ``paragraphs_html``: its paragraphs' data is not made."""
        cues, diagnostics = episode_cues(episode, SEGMENT_POLICY)
        _, overrides, _ = self._templates(context.show)
        page = page_record(context.show, episode, cues, self.excerpt_chars, parts=bool(overrides))
        faults = published_transcript(episode).diagnostics
        rendered = self._render(
            context.show,
            "episode.html.j2",
            episode_values(context.show, page, transcript_files(context)),
        )
        if isinstance(rendered, tuple):
            return EpisodeExport(diagnostics=(*diagnostics, *faults, *rendered))
        record = {key: value for key, value in page.items() if key != "sections"}
        artifact = Artifact(PurePosixPath(page["path"]), rendered)
        return EpisodeExport(
            artifacts=(artifact,), record=record, diagnostics=(*diagnostics, *faults)
        )

    def export_show(self, context: BuildContext, records: Sequence[EpisodeRecord]) -> ShowExport:
        """The index of every episode, newest first; a broken template gives its ``path:line``
        error and no index."""
        pages = sorted((record.data for record in records), key=lambda data: data["slug"])
        pages.sort(key=newest_first)
        rendered = self._render(context.show, "index.html.j2", index_values(context.show, pages))
        if isinstance(rendered, tuple):
            return ShowExport(diagnostics=rendered)
        return ShowExport(artifacts=(Artifact(INDEX_PATH, rendered),))

    def _render(
        self, show: Show, name: str, values: Mapping[str, Any]
    ) -> str | tuple[Diagnostic, ...]:
        """Template ``name`` rendered with ``values``, or the errors that stopped it."""
        environment, overrides, problems = self._templates(show)
        if problems:
            return problems
        try:
            return environment.get_template(name).render(values)
        except Exception as error:  # a template's mistake, reported at its line
            return (template_error(error, overrides, show.source),)

    def _templates(
        self, show: Show
    ) -> tuple[jinja2.Environment, dict[str, tuple[str, str]], tuple[Diagnostic, ...]]:
        """The templates' environment, the override texts and their problems, read once."""
        if self._environment is None:
            found, unreadable = self._overrides(show)
            self._environment = (make_environment(found), found, tuple(unreadable))
        return self._environment

    def _overrides(self, show: Show) -> tuple[dict[str, tuple[str, str]], list[Diagnostic]]:
        """The show's template files: name to (text, display path); unreadable ones as errors."""
        root = Path(show.root)
        found: dict[str, tuple[str, str]] = {}
        problems: list[Diagnostic] = []
        for name in TEMPLATE_NAMES:
            path = root / self.templates / name
            if not path.is_file():
                continue
            shown = display_path(root, path)
            try:
                found[name] = (path.read_text(encoding="utf-8"), shown)
            except (OSError, UnicodeDecodeError) as error:
                problems.append(
                    UNREADABLE_TEMPLATE.error(SourceRef(shown, 1), f"cannot read template: {error}")
                )
        return found, problems


# --- the templates ---------------------------------------------------------------------------


def make_environment(overrides: Mapping[str, tuple[str, str]]) -> jinja2.Environment:
    """A Jinja2 environment: autoescaped, strict about undefined names, with the filters
    ``clock`` (``1:02:05``), ``seconds`` (``92.25``) and ``iso_duration`` (``PT92S``) of
    milliseconds. Jinja2 is imported here, when pages are rendered: a build that renders none
    (a no-change rebuild) does not load it."""
    import jinja2

    class FastEnvironment(jinja2.Environment):
        """Jinja2's environment, with ``value.name`` on a plain ``dict`` looked up as
        ``value["name"]`` at once (the page data is dicts); Jinja2 tries the attribute first
        and so raises and catches an exception on every use."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            """``obj.attribute``: the same result as Jinja2's, faster on dicts."""
            # A plain dict has no attributes but its type's, so Jinja2 would end up here.
            if type(obj) is dict and attribute not in DICT_ATTRIBUTES and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    class TemplateLoader(jinja2.BaseLoader):
        """The show's override templates first, then the shipped ones (``castline/<name>`` is
        always the shipped one)."""

        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str | None, Callable[[], bool]]:
            """The template's text and file name (the display path of an override)."""
            if template in overrides:
                text, shown = overrides[template]
                return text, shown, lambda: True
            name = template.removeprefix(SHIPPED_PREFIX)
            shipped = resources.files("castline.data") / "site" / name
            if name not in TEMPLATE_NAMES or not shipped.is_file():
                raise jinja2.TemplateNotFound(template)
            return shipped.read_text(encoding="utf-8"), f"{SHIPPED_PREFIX}{name}", lambda: True

    environment = FastEnvironment(
        loader=TemplateLoader(),
        auto_reload=False,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["clock"] = format_clock
    environment.filters["seconds"] = format_seconds
    environment.filters["iso_duration"] = iso_duration
    return environment


def template_error(
    error: Exception, overrides: Mapping[str, tuple[str, str]], fallback: SourceRef
) -> Diagnostic:
    """A template's failure as an error at the template line it happened on.

    A syntax error names its file and line; an error while rendering is placed at the last
    template frame of its traceback (Jinja2 gives template frames the template's file name).
    """
    import jinja2

    shown = {name for _, name in overrides.values()} | {
        SHIPPED_PREFIX + name for name in TEMPLATE_NAMES
    }
    where = fallback
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename and error.lineno:
        where = SourceRef(error.filename, error.lineno)
        message = error.message or str(error)
    else:
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename in shown and frame.lineno is not None:
                where = SourceRef(frame.filename, frame.lineno)
        message = (
            str(error)
            if isinstance(error, jinja2.TemplateError)
            else (f"{type(error).__name__}: {error}")
        )
    return TEMPLATE_ERROR.error(where, f"template error: {message}; pages not written")


# --- the page data (records) -----------------------------------------------------------------


def page_record(
    show: Show, episode: Episode, cues: Sequence[Cue], excerpt_chars: int, *, parts: bool = True
) -> dict[str, Any]:
    """Everything an episode's page and its index entry show, as JSON-serialisable data
    (``parts``: whether the transcript sections hold their paragraphs'
    data, :func:`transcript_sections`)."""
    notes = notes_html(episode.notes_markdown) or (
        notes_html(episode.intro) if episode.intro else None
    )
    audio_url = episode.audio.url if episode.audio else media_url(show, episode.slug)
    chapters, _ = resolve_chapters(episode)
    published = episode.published
    image = episode.image or show.image
    return {
        "slug": episode.slug,
        "path": (PurePosixPath("episodes") / episode.slug / "index.html").as_posix(),
        "title": one_line(episode.title),
        "date": published.date().isoformat() if published else None,
        "sort_key": published.timestamp() if published else None,
        "duration_ms": episode.duration_ms,
        "season": episode.season,
        "number": episode.number,
        "description": one_line(episode.description) if episode.description else None,
        "excerpt": excerpt(episode.description or html_text(notes), excerpt_chars),
        "notes_html": notes,
        "audio": {
            "url": audio_url,
            "type": episode.audio.media_type if episode.audio else None,
        }
        if audio_url
        else None,
        "image": asset_url(show, image) if image else None,
        "guests": [guest(person) for person in episode.guests],
        "chapters": [
            {"start_ms": chapter.start_ms, "title": one_line(chapter.title)}
            for chapter in chapters.chapters
        ],
        "sections": transcript_sections(episode, cues, parts=parts),
    }


def newest_first(page: Mapping[str, Any]) -> tuple[bool, float]:
    """Sort key of pages, newest first, those without a date last."""
    stamp = page["sort_key"]
    return (stamp is None, -(stamp or 0.0))


def transcript_sections(
    episode: Episode, cues: Sequence[Cue], *, parts: bool = True
) -> list[dict[str, Any]]:
    """The transcript as sections (one per header; a first one without a title when lines come
    before any header) of paragraphs (one per line that has words) of segments (its cues) and
    their markup (``segments_html``, what :func:`segments_html` makes of the segments, and
    ``html``, :func:`paragraph_html`); a section's ``paragraphs_html`` is its paragraphs'
    ``html``, each with a line end. A paragraph's start is also given as its ``clock``,
    ``seconds`` and ``iso_duration`` filters print it (``start_clock``, ``start_seconds``,
    ``start_iso``).

    A paragraph opens a turn (``"turn": true``) at a change of speaker and at the start of a
    section. Cues are matched to lines in order, by the line they came from. Headers are
    those :func:`castline.timing.sections.published_transcript` publishes.

    The segments and their markup are made for the whole transcript at once, then sliced
    by paragraph. With ``parts=False`` a section holds only its ``title`` and
    ``paragraphs_html`` (the same markup), all the shipped templates print: no paragraph or
    segment data is made.
    """
    import markupsafe

    columns = cue_columns(cues)  # shared with the JSON transcript
    segments = (
        [
            {"start_ms": start, "end_ms": end, "text": text}
            for start, end, text in zip(columns.starts, columns.ends, columns.texts, strict=True)
        ]
        if parts
        else []
    )
    spans = _spans(columns.start_seconds, columns.end_seconds, columns.texts)
    sections: list[dict[str, Any]] = []
    paragraphs: list[Any] = []  # a section's paragraphs, or their markup without parts
    for title, opening, name, group in _paragraph_runs(episode, cues):
        if title is not None or not sections:
            paragraphs = []
            sections.append({"title": title, "paragraphs": paragraphs})
        if group is None:
            continue
        start = columns.starts[group.start]
        html = _paragraph_markup(opening, start, columns.start_seconds[group.start], spans[group])
        paragraphs.append(
            _paragraph(name, opening, segments[group], html, spans[group], markupsafe.Markup)
            if parts
            else html
        )
    for section in sections:
        found = section["paragraphs"] if parts else section.pop("paragraphs")
        lines = [f"{paragraph['html'] if parts else paragraph}\n" for paragraph in found]
        section["paragraphs_html"] = _new(markupsafe.Markup, "".join(lines))
    return sections


def _paragraph_runs(
    episode: Episode, cues: Sequence[Cue]
) -> Iterator[tuple[str | None, str | None, str | None, slice | None]]:
    """For each published header: its title (and no paragraph); for each line that has words
    and cues: ``None``, the markup opening its turn (``None`` if it opens none), its speaker's
    name and the slice of its cues."""
    groups = iter(_cue_groups(cues))
    openings: dict[str | None, tuple[str | None, str]] = {}  # by speaker: name, turn opening
    previous: str | None = None
    first = True  # of its section
    for item in published_transcript(episode).items:
        if isinstance(item, Header):
            first = True
            yield one_line(item.title), None, None, None
            continue
        if not item.text or item.text.isspace():
            continue
        group = next(groups, None)
        if group is None:
            continue
        if item.speaker not in openings:
            openings[item.speaker] = _opening(speaker_name(item.speaker))
        name, opening = openings[item.speaker]
        turn = first or name != previous
        previous, first = name, False
        yield None, opening if turn else None, name, group


def _opening(name: str | None) -> tuple[str | None, str]:
    """A speaker's name, and the markup that opens a paragraph of theirs that is a turn."""
    import markupsafe

    if name:
        return name, f'<p class="turn"><span class="speaker">{markupsafe.escape(name)}</span> '
    return name, '<p class="turn">'


def _paragraph_markup(opening: str | None, start: int, seconds: str, spans: list[str]) -> str:
    """A paragraph's ``<p>``, as :func:`paragraph_html` makes it: ``opening`` opens a turn
    (``None`` for a paragraph that is none), ``start`` is its start (ms), ``seconds`` that
    start as the ``seconds`` filter prints it, ``spans`` its segments' markup."""
    clock = format_clock(start)
    return (
        f'{opening or "<p>"}<a class="time" href="#t={clock}" data-start="{seconds}">'
        f'<time datetime="PT{start // 1000}S">{clock}</time></a>\n{"".join(spans)}</p>'
    )


def _paragraph(
    name: str | None,
    opening: str | None,
    segments: list[dict[str, Any]],
    html: str,
    spans: list[str],
    markup: type[Markup],
) -> dict[str, Any]:
    """A transcript paragraph of ``segments`` (``spans``, their markup): its speaker, turn
    (``opening`` is the markup that opens a turn, ``None`` if it is none), start, segments,
    and their markup, and ``html``, :func:`_paragraph_markup` of them (``markup`` is
    ``Markup``, made with ``str.__new__``: ``Markup(text)`` of a plain string, without its
    Python frame)."""
    start = segments[0]["start_ms"]
    # What the shipped template printed with the filters, made once here.
    return {
        "speaker": name,
        "turn": opening is not None,
        "start_ms": start,
        "segments": segments,
        "start_clock": format_clock(start),
        "start_seconds": format_seconds(start),
        "start_iso": f"PT{start // 1000}S",
        "segments_html": _new(markup, "".join(spans)),
        "html": _new(markup, html),
    }


#: ``_new(Markup, text)`` is ``Markup(text)`` of a plain string, without the Python frame
#: of ``Markup.__new__``.
_new = str.__new__


def paragraph_html(paragraph: Mapping[str, Any]) -> Markup:
    """The markup of a transcript paragraph, as the ``<p>`` in ``episode.html.j2``'s header
    prints it, made without Jinja2 (a page has a paragraph per transcript line).

    ``paragraph`` is one :func:`transcript_sections` makes: its ``start_clock``,
    ``start_seconds`` and ``start_iso`` are what the filters print (digits, ``:``, ``.``,
    ``PT``, ``S``: nothing to escape) and its ``segments_html`` is markup; the speaker is
    escaped.

    >>> html = paragraph_html({"speaker": "Ann & Bo", "turn": True, "start_clock": "0:01",
    ...     "start_seconds": "1.5", "start_iso": "PT1S", "segments_html": ""})
    >>> html.split(" <a ")[0]
    Markup('<p class="turn"><span class="speaker">Ann &amp; Bo</span>')
    """
    import markupsafe

    turn, speaker, clock = paragraph["turn"], paragraph["speaker"], paragraph["start_clock"]
    opening = '<p class="turn">' if turn else "<p>"
    if turn and speaker:
        opening += f'<span class="speaker">{markupsafe.escape(speaker)}</span> '
    return markupsafe.Markup(
        f'{opening}<a class="time" href="#t={clock}" data-start="{paragraph["start_seconds"]}">'
        f'<time datetime="{paragraph["start_iso"]}">{clock}</time></a>\n'
        f"{paragraph['segments_html']}</p>"
    )


def segments_html(segments: Sequence[Mapping[str, Any]]) -> Markup:
    """The markup of a paragraph's segments (``start_ms``, ``end_ms``, ``text``), as the loop
    in ``episode.html.j2``'s header prints them, made without Jinja2.

    >>> print(segments_html([{"start_ms": 0, "end_ms": 1500, "text": "Fish & chips"}]), end="")
    <span class="seg" data-start="0" data-end="1.5">Fish &amp; chips</span>
    """
    import markupsafe  # (not "from markupsafe import": that costs a call into importlib)

    starts = [seconds_text(segment["start_ms"]) for segment in segments]
    ends = [seconds_text(segment["end_ms"]) for segment in segments]
    return markupsafe.Markup("".join(_spans(starts, ends, [s["text"] for s in segments])))


def _spans(starts: Sequence[str], ends: Sequence[str], texts: Sequence[str]) -> list[str]:
    """The ``<span class="seg">`` markup of each segment, its line end included; ``starts``
    and ``ends`` are its times as the ``seconds`` filter prints them."""
    import markupsafe

    # One escape for them all: a segment is words and spaces, so no text holds a line
    # break (and one that did would only make this take the slow way); none at all when
    # no text holds a character to escape.
    joined = "\n".join(texts)
    escaped: Sequence[str] = texts
    if any(character in joined for character in _ESCAPED):
        escaped = str.split(markupsafe.escape(joined), "\n")
        if len(escaped) != len(texts):
            escaped = [str(markupsafe.escape(text)) for text in texts]
    return [
        f'<span class="seg" data-start="{start}" data-end="{end}">{text}</span>\n'
        for start, end, text in zip(starts, ends, escaped, strict=True)
    ]


def _cue_groups(cues: Sequence[Cue]) -> list[slice]:
    """Where the runs of consecutive cues of the same source line are, in order."""
    starts: list[int] = []
    last: SourceRef | None = None
    for index, cue in enumerate(cues):
        # The cues of one line share its SourceRef: ``is`` spares the dataclass's ``==``.
        if not starts or not (cue.source is last or cue.source == last):
            starts.append(index)
        last = cue.source
    ends = [*starts[1:], len(cues)] if starts else []
    return [slice(start, end) for start, end in zip(starts, ends, strict=True)]


def guest(person: Person) -> dict[str, Any]:
    """A guest's name and profile links (kind, label and URL, in :data:`PROFILE_LINKS` order)."""
    links = [
        {"kind": kind, "label": LINK_LABELS.get(kind, kind), "url": profile_url(kind, value)}
        for kind in PROFILE_LINKS
        for link_kind, value in person.links
        if link_kind == kind
    ]
    return {"name": one_line(person.name), "links": links}


def html_text(html: str | None) -> str:
    """The text of an HTML fragment, white space made single spaces.

    >>> html_text("<p>Two<br>lines &amp; more</p>")
    'Twolines & more'
    """
    if not html or not html.strip():
        return ""
    import lxml.html

    return one_line(lxml.html.fragment_fromstring(html, create_parent="div").text_content())


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters (``…`` last).

    >>> excerpt("one two three", 9)
    'one two…'
    """
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def iso_duration(ms: int) -> str:
    """Milliseconds as an ISO 8601 duration of whole seconds (``PT3725S``), as HTML's
    ``<time datetime>`` and schema.org's ``duration`` take it.

    >>> iso_duration(3_725_900)
    'PT3725S'
    """
    return f"PT{ms // 1000}S"


# --- what the templates get ------------------------------------------------------------------


def transcript_files(context: BuildContext) -> list[dict[str, str]]:
    """The transcript files of this build's exporters that the feed links (their suffixes and
    types), for the pages' download links."""
    return [
        {"suffix": info.suffix, "type": info.media_type}
        for info in context.linked("transcript")
        if not info.offset_ms
    ]


def show_values(show: Show) -> dict[str, Any]:
    """What every page shows of the show."""
    return {
        "title": one_line(show.title) if show.title else "Podcast",
        "description": one_line(show.description) if show.description else None,
        "language": show.language,
        "link": show.link or show.base_url,
        "image": asset_url(show, show.image) if show.image else None,
    }


def episode_values(
    show: Show, page: Mapping[str, Any], files: Sequence[Mapping[str, str]]
) -> dict[str, Any]:
    """The episode template's variables: ``show``, ``episode`` (the record), ``root`` (the
    relative URL of the index's folder), ``url`` (absolute, or ``None``), ``files`` (the
    episode's transcript files as ``{"url", "type"}``) and ``json_ld``."""
    shown = show_values(show)
    url = public_url(show.base_url, f"episodes/{page['slug']}/") if show.base_url else None
    sibling = [
        {
            "url": f"../{quote(episode_path(page['slug'], item['suffix']).name)}",
            "type": item["type"],
        }
        for item in files
    ]
    return {
        "show": shown,
        "episode": page,
        "root": "../../",
        "url": url,
        "files": sibling if page["sections"] else [],
        "json_ld": json_ld(shown, page, url),
    }


def json_ld(show: Mapping[str, Any], page: Mapping[str, Any], url: str | None) -> dict[str, Any]:
    """The page's schema.org ``PodcastEpisode`` (https://schema.org/PodcastEpisode)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "name": page["title"],
        "partOfSeries": {"@type": "PodcastSeries", "name": show["title"]},
    }
    if show["link"]:
        data["partOfSeries"]["url"] = show["link"]
    optional = {
        "url": url,
        "description": page["description"] or page["excerpt"] or None,
        "datePublished": page["date"],
        "duration": iso_duration(page["duration_ms"]) if page["duration_ms"] else None,
        "episodeNumber": page["number"],
        "image": page["image"],
    }
    data.update((key, value) for key, value in optional.items() if value is not None)
    if page["audio"]:
        media = {"@type": "AudioObject", "contentUrl": page["audio"]["url"]}
        if page["audio"]["type"]:
            media["encodingFormat"] = page["audio"]["type"]
        data["associatedMedia"] = media
    return data


def index_values(show: Show, pages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The index template's variables: ``show``, ``episodes`` (records, newest first, each
    with ``href``), ``root`` and ``url``."""
    episodes = [{**page, "href": f"episodes/{quote(page['slug'])}/"} for page in pages]
    url = public_url(show.base_url, "") if show.base_url else None
    return {"show": show_values(show), "episodes": episodes, "root": "", "url": url}
