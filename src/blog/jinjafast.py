"""Jinja with less work per template call and per escaped value: the same templates, output.

A site renders a couple of thousand templates, each a few dozen calls and a hundred or so
``{{ … }}``: Jinja's machinery around them, not the theme's own work, was most of the time.
Nothing here changes what a template may do or what it makes.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.utils import internalcode
from markupsafe import Markup, escape

_escape_inner: Callable[[str], str] | None
try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # no compiled speedups: markupsafe's own escape is as fast
    _escape_inner = None

_PLAIN_CALLABLES = frozenset({FunctionType, BuiltinFunctionType, MethodType})
_new_str = str.__new__


def _escape(value: Any, /) -> Markup:
    """Return what ``markupsafe.escape`` does, without its Python-level ``Markup()``.

    (A ``Markup`` comes back as itself rather than as an equal copy.)
    """
    kind = value.__class__
    if kind is str and _escape_inner is not None:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    return escape(value)


class FastContext(jinja2.runtime.Context):
    """Jinja's context, with a shorter way through a template's call of a plain function.

    Every call in a template (``rel_url(…)``, ``page.date.isoformat()``) goes through
    ``call``, which looks for ``pass_context`` and its kin twice; a function, a bound method
    or a builtin without the mark is just called (as Jinja would, ``StopIteration`` too).
    """

    @internalcode
    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call ``obj`` as Jinja's ``Context.call`` does."""
        if type(obj) not in _PLAIN_CALLABLES or hasattr(obj, "jinja_pass_arg"):
            return super().call(obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class FastTemplate(jinja2.Template):
    """A template whose ``{{ … }}`` escape with ``_escape`` (the only use of ``escape``)."""

    @classmethod
    def _from_namespace(
        cls,
        environment: jinja2.Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> jinja2.Template:
        if _escape_inner is not None and namespace.get("escape") is escape:
            namespace["escape"] = _escape
        return super()._from_namespace(environment, namespace, globals)


class PageMemo:
    """``once_per_page(macro, page)``: ``macro(page)``, made once per page and site.

    A list entry is the same on every list that shows its page (the home page, its section,
    each of its terms, paginated) and a related post's line on every page that names it: the
    theme renders each once. Only for a macro whose output depends on nothing but its page
    and the site's settings, never on the page being rendered (``url``, ``kind``, …).
    ``start`` is told the site of each render: another site (the next build's, or another
    language's) empties the memo. It holds ``LIMIT`` entries at most, and starts over when
    full: a big site's lists come out as fast as without it, in bounded memory (unbounded,
    the memo of 10,000 posts cost 40 MiB over the two rendering processes; 2,048 entries,
    10 MiB; 1,024 keep the whole gain at 1,000 posts and cost 5 MiB).
    """

    LIMIT = 1024
    """Entries (macro and page) held at most; as many plain texts, besides."""

    def __init__(self) -> None:
        self._site: Any = None
        self._done: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
        self._plain: dict[str, str] = {}

    def start(self, site: Any) -> None:
        """Begin a render of ``site``'s (another site than the last one empties the memo)."""
        if site is not self._site:
            self._done.clear()
            self._plain.clear()
            self._site = site

    def plainify(self, html: str) -> str:
        """Return ``html`` as text: a page's summary is made plain for its head, its entry."""
        try:
            plain = self._plain.get(html)
        except TypeError:  # unhashable: not text, and seldom
            return Markup(html).striptags()
        if plain is None:
            if len(self._plain) >= self.LIMIT:
                self._plain.clear()
            plain = self._plain[html] = Markup(html).striptags()
        return plain

    def once_per_page(self, macro: Callable[[Any], Any], page: Any) -> Any:
        """Return ``macro(page)``, made at its first call for this macro and page."""
        # A macro is made anew at each render of its template, from the same code.
        code = getattr(getattr(macro, "_func", None), "__code__", macro)
        key = (id(code), id(page))
        found = self._done.get(key)
        if found is not None and found[0] is code and found[1] is page:
            return found[2]
        made = macro(page)
        if len(self._done) >= self.LIMIT:
            self._done.clear()
        self._done[key] = (code, page, made)  # held: neither id can be another object's
        return made


class FastEnvironment(jinja2.Environment):
    """The template environment (so other stages need not import jinja2).

    Each template's globals are one plain dict, not Jinja's ``ChainMap`` over the
    environment's: every include and import iterated that chain. (The globals are all set
    before any template loads.)
    """

    context_class = FastContext
    template_class = FastTemplate
    page_memo: PageMemo | None = None
    """Set by ``make_environment``; each render tells it its site."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Return a template's globals: the environment's, then its own."""
        return {**self.globals, **d} if d else dict(self.globals)
