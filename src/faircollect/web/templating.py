"""The Jinja2 environment of the web faces and ``render``: one call that gives a page its locale and helpers.

Templates live under ``web/templates/`` (``base.html`` is the shared layout; ``portal/`` and ``console/`` hold
each face's pages). Autoescaping is on. Inside a template:

- ``{% trans %}…{% endtrans %}`` and ``_("…")`` / ``gettext`` / ``ngettext`` translate through the request's
  catalogs (``%(name)s`` placeholders, new-style: ``_("Due %(d)s", d=…)``);
- ``fmt.money(minor, currency)``, ``fmt.date(d)``, ``fmt.datetime(t)``, ``fmt.percent(rate)`` format for the locale;
- ``static_url("css/base.css")`` and ``vendor_url("plotly.min.js")`` give asset addresses;
- ``locale``, ``locales`` (for the switch), ``request``, ``csrf_token`` (when the page has one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from faircollect.web import i18n

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("faircollect.web", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = (
        True  # {% trans %} blocks collapse their whitespace, as in the catalogs
    )
    env.globals["static_url"] = static_url
    env.globals["vendor_url"] = vendor_url
    env.globals["locales"] = i18n.LOCALES
    return env


def static_url(path: str) -> str:
    return "/static/" + path.lstrip("/")


def vendor_url(name: str) -> str:
    return "/static/vendor/" + name


def _gettext_for(t: Any) -> tuple[Callable[..., str], Callable[..., str]]:
    """New-style gettext/ngettext over one ``Translations``: escaped, ``%(name)s`` filled from keywords."""

    def gettext(message: str, **variables: Any) -> str:
        # %-formatted only when given variables: a msgid with placeholders writes a literal percent sign as %%.
        rv = Markup(t.gettext(message))
        return rv % variables if variables else rv

    def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return Markup(t.ngettext(singular, plural, num)) % variables

    return gettext, ngettext


def request_locale(request: Request) -> str:
    """The locale chosen for this request (set by ``LocaleMiddleware``; negotiated if it did not run)."""
    found = getattr(request.state, "locale", None)
    if found:
        return str(found)
    return i18n.supported(request.cookies.get(i18n.LANG_COOKIE)) or i18n.negotiate(
        request.headers.get("accept-language")
    )


def translator(request: Request, *, markup: bool = True) -> Callable[..., str]:
    """``_`` for Python code that builds text for a page (flash messages, errors). ``markup=False``: plain text
    (PDFs, e-mails), placeholders filled without HTML escaping."""
    t = i18n.translations(request_locale(request))
    if markup:
        return _gettext_for(t)[0]

    def plain(message: str, **variables: Any) -> str:
        rv = str(t.gettext(message))
        return rv % variables if variables else rv

    return plain


def formatter(request: Request) -> i18n.Formatter:
    settings = request.app.state.settings
    return i18n.Formatter(request_locale(request), settings.business_timezone)


def page_context(request: Request) -> dict[str, Any]:
    """What every page gets: the request, its locale, the translation functions and the formatter."""
    locale = request_locale(request)
    gettext, ngettext = _gettext_for(i18n.translations(locale))
    here = request.url.path + (("?" + request.url.query) if request.url.query else "")
    return {
        "request": request,
        "locale": locale,
        "html_lang": locale.replace("_", "-"),
        "gettext": gettext,
        "_": gettext,
        "ngettext": ngettext,
        "fmt": formatter(request),
        "here": quote(here, safe="/"),
        "lender_name": request.app.state.settings.lender_name,
        "csrf_token": getattr(request.state, "csrf_token", None),
    }


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render ``template`` for this request's locale. Pages are private by default (``Cache-Control: no-store``)."""
    ctx = page_context(request)
    ctx.update(context or {})
    html = environment().get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = ctx["html_lang"]
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
