"""Jinja with less work per template call and per escaped value: the same templates, output.

A site renders a couple of thousand templates, each a few dozen calls and a hundred or so
``{{ … }}``: Jinja's machinery around them, not the theme's own work, was most of the time.
Nothing here changes what a template may do or what it makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from html import unescape
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
import jinja2.runtime
from jinja2.nodes import EvalContext
from jinja2.runtime import Macro
from jinja2.utils import _PassArg, internalcode, missing
from markupsafe import Markup, escape

_escape_inner: Callable[[str], str] | None
try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # no compiled speedups: markupsafe's own escape is as fast
    _escape_inner = None

# Jinja calls a macro with the eval context (``Macro.__call__`` is marked ``pass_eval_context``).
_MACRO_TAKES_EVAL_CONTEXT = _PassArg.from_obj(Macro.__call__) is _PassArg.eval_context
# The macro machinery (``Macro._func``, its argument flags) as Jinja 3.1 has it: a plain call
# of a macro runs its function directly. (Other versions take Jinja's own way.)
_MACRO_FAST = str(getattr(jinja2, "__version__", "")).startswith("3.1.")
_new_str = str.__new__
_TAG = re.compile(r"<[^>]*>")


def _plain_call(macro: Macro, count: int) -> bool:
    """Whether a call of ``macro`` with ``count`` positional arguments just runs its body.

    That is, it takes that many (the missing ones take their defaults), and neither
    ``caller`` nor ``varargs`` nor ``kwargs``, in a synchronous environment.
    """
    return (
        count <= macro._argument_count
        and not (macro.caller or macro.explicit_caller)
        and not (macro.catch_kwargs or macro.catch_varargs)
        and not macro._environment.is_async
    )


def _striptags(html: str) -> str:
    """Return ``Markup(html).striptags()``; for text without a comment, in C.

    markupsafe removes each tag (``<`` to the next ``>``; an unclosed one ends the removal)
    and each comment (``<!--`` to ``-->``) in a Python loop, a step per tag: without a
    comment, ``<[^>]*>`` removes the same tags. (Whitespace then unescaping as it does.)
    """
    if html.__class__ is str and "<!--" not in html:
        return unescape(" ".join(_TAG.sub("", html).split()))
    return Markup(html).striptags()


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

    Every call in a template (``rel_url(…)``, ``page.date.isoformat()``, a macro) goes
    through ``call``, which looks for ``pass_context`` and its kin twice; a function, a bound
    method or a builtin without the mark is just called, and a macro given the eval context
    it asks for (as Jinja would, ``StopIteration`` too).
    """

    def __init__(
        self,
        environment: jinja2.Environment,
        parent: dict[str, Any],
        name: str | None,
        blocks: Mapping[str, Callable[[jinja2.runtime.Context], Iterator[str]]],
        globals: MutableMapping[str, Any] | None = None,
    ) -> None:
        """Set what Jinja's ``Context.__init__`` sets; ``globals_keys`` when first asked.

        Every include makes a context: the set of the globals' names (which only an import
        asks for) and a comprehension over no blocks were most of that work.
        """
        self.parent = parent
        self.vars: dict[str, Any] = {}
        self.environment = environment
        self.eval_ctx = EvalContext(environment, name)
        self.exported_vars: set[str] = set()
        self.name = name
        self._globals = globals
        self._globals_keys: set[str] | None = None
        self.blocks = {k: [v] for k, v in blocks.items()} if blocks else {}

    @property
    def globals_keys(self) -> set[str]:
        """The names of the template's globals, as Jinja's context holds them."""
        keys = self._globals_keys
        if keys is None:
            keys = self._globals_keys = set() if self._globals is None else set(self._globals)
        return keys

    @globals_keys.setter
    def globals_keys(self, keys: set[str]) -> None:
        self._globals_keys = keys

    @internalcode
    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Call ``obj`` as Jinja's ``Context.call`` does."""
        kind = type(obj)
        if kind is FunctionType:
            if "jinja_pass_arg" in obj.__dict__:
                return super().call(obj, *args, **kwargs)
        elif kind is MethodType:
            # hasattr() on a bound method asks its function, by way of an AttributeError.
            func = obj.__func__
            if type(func) is not FunctionType or "jinja_pass_arg" in func.__dict__:
                return super().call(obj, *args, **kwargs)
        elif kind is Macro and _MACRO_TAKES_EVAL_CONTEXT and "__call__" not in obj.__dict__:
            if kwargs:
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            if not kwargs and _MACRO_FAST and _plain_call(obj, len(args)):
                # What Macro.__call__ and _invoke do with positional arguments only.
                if len(args) < obj._argument_count:
                    args += (missing,) * (obj._argument_count - len(args))
                try:
                    made = obj._func(*args)
                except StopIteration:
                    return self.environment.undefined(
                        "value was undefined because a callable raised a StopIteration exception"
                    )
                if self.eval_ctx.autoescape:
                    return _new_str(Markup, made) if made.__class__ is str else Markup(made)
                return made
            args = (self.eval_ctx, *args)
        elif kind is not BuiltinFunctionType:  # a builtin holds no attributes
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
    language's) empties the memo.

    Memory is bounded: ``LIMIT`` entries per macro, ``2 * LIMIT`` in all, and as many plain
    texts. A full memo keeps what it holds and makes the rest anew: the lists show their
    pages in the same order (the home page's, then its section's, …), and a memo that
    started over when full dropped each entry just before the next list asked for it (with
    one memo for both of the theme's macros, the related lines filled it, and 1,000 posts'
    section pages were rendered in full). Each macro has its own ``LIMIT`` for the same
    reason. (1,024 list entries cost about 5 MiB over the two rendering processes.)
    """

    LIMIT = 1024
    """Entries (pages) held at most per macro; as many plain texts, besides."""

    def __init__(self) -> None:
        self._site: Any = None
        self._done: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
        self._held: dict[int, int] = {}  # id(code) -> its entries in _done
        self._plain: dict[str, str] = {}

    def start(self, site: Any) -> None:
        """Begin a render of ``site``'s (another site than the last one empties the memo)."""
        if site is not self._site:
            self._done.clear()
            self._held.clear()
            self._plain.clear()
            self._site = site

    def plainify(self, html: str) -> str:
        """Return ``html`` as text: a page's summary is made plain for its head, its entry."""
        try:
            plain = self._plain.get(html)
        except TypeError:  # unhashable: not text, and seldom
            return Markup(html).striptags()
        if plain is None:
            plain = _striptags(html)
            if len(self._plain) < self.LIMIT:
                self._plain[html] = plain
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
        held = self._held.get(key[0], 0)
        if held < self.LIMIT and len(self._done) < 2 * self.LIMIT:
            self._done[key] = (code, page, made)  # held: neither id can be another object's
            self._held[key[0]] = held + 1
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
