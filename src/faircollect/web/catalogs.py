"""Keep the message catalogs in step with the code: ``python -m faircollect.web.catalogs update [DOMAIN…]``.

Each domain (``web``, ``portal``, ``console``) has its templates and Python modules (``DOMAINS``). ``update``
extracts every translatable string (Babel's extractors: Jinja2 ``{% trans %}`` / ``_()`` and Python ``_()``),
adds new ones to ``locale/<locale>/LC_MESSAGES/<domain>.po`` for every locale, marks vanished ones obsolete, and
fills an empty zh-TW entry from its zh-CN translation through OpenCC (``s2twp``: Taiwan vocabulary) so that a
translator reviews rather than types it. ``missing`` lists the strings without a zh-CN or zh-TW translation (a
test fails on any). English is the source language: its catalog stays empty and falls back to the ``msgid``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

WEB_DIR: Final = Path(__file__).parent
LOCALE_DIR: Final = WEB_DIR / "locale"
TRANSLATED_LOCALES: Final = ("zh_CN", "zh_TW")
ALL_LOCALES: Final = ("zh_CN", "zh_TW", "en")

#: domain → (template globs, python globs), relative to web/.
DOMAINS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "web": (("templates/*.html",), ("app.py", "templating.py")),
    "portal": (("templates/portal/**/*.html",), ("portal/**/*.py",)),
    "console": (("templates/console/**/*.html",), ("console/**/*.py",)),
}
KEYWORDS: Final = {"_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS: Final = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"}


def _files(globs: tuple[str, ...]) -> Iterator[Path]:
    for pattern in globs:
        yield from sorted(WEB_DIR.glob(pattern))


def extract(domain: str) -> Catalog:
    """Every translatable string of one domain, with the places it is used."""
    templates, modules = DOMAINS[domain]
    catalog = Catalog(domain=domain, project="faircollect")
    sources = [(p, "jinja2.ext:babel_extract") for p in _files(templates)]
    sources += [(p, "python") for p in _files(modules)]
    for path, method in sources:
        options = JINJA_OPTIONS if method != "python" else {}
        for lineno, message, comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            catalog.add(message, None, [(str(path.relative_to(WEB_DIR)), lineno)], auto_comments=comments)
    return catalog


def po_path(locale: str, domain: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"


def read(locale: str, domain: str) -> Catalog:
    path = po_path(locale, domain)
    if not path.exists():
        return Catalog(locale=locale, domain=domain, project="faircollect")
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, domain=domain)


def write(catalog: Catalog, locale: str, domain: str) -> None:
    path = po_path(locale, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True, include_lineno=False)


def update(domain: str) -> dict[str, int]:
    """Bring every locale's catalog of ``domain`` in step with the code; returns the count of new strings."""
    template = extract(domain)
    added: dict[str, int] = {}
    for locale in ALL_LOCALES:
        catalog = read(locale, domain)
        before = {m.id for m in catalog if m.id}
        catalog.update(template, no_fuzzy_matching=True)
        added[locale] = len({m.id for m in catalog if m.id} - before)
        write(catalog, locale, domain)
    fill_traditional(domain)
    return added


def fill_traditional(domain: str) -> int:
    """Fill empty zh-TW translations from zh-CN through OpenCC (simplified → Taiwan standard with phrases)."""
    from opencc import OpenCC

    convert = OpenCC("s2twp").convert
    simplified = read("zh_CN", domain)
    traditional = read("zh_TW", domain)
    filled = 0
    for message in traditional:
        if not message.id or message.string:
            continue
        source = simplified.get(message.id)
        if source is not None and source.string:
            text = source.string
            message.string = tuple(convert(s) for s in text) if not isinstance(text, str) else convert(text)
            filled += 1
    write(traditional, "zh_TW", domain)
    return filled


def missing(domain: str) -> dict[str, list[str]]:
    """Strings used in the code that a translated locale lacks (id → locales)."""
    template = extract(domain)
    gaps: dict[str, list[str]] = {}
    for locale in TRANSLATED_LOCALES:
        catalog = read(locale, domain)
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            strings = found.string if found is not None else None
            if not strings or (isinstance(strings, tuple) and not all(strings)):
                gaps.setdefault(str(message.id), []).append(locale)
    return gaps


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "missing"):
        print("usage: python -m faircollect.web.catalogs update|missing [DOMAIN …]", file=sys.stderr)
        return 2
    domains = argv[1:] or list(DOMAINS)
    status = 0
    for domain in domains:
        if argv[0] == "update":
            print(domain, update(domain))
        else:
            gaps = missing(domain)
            for msgid, locales in gaps.items():
                print(f"{domain}: {','.join(locales)}: {msgid}")
            status |= 1 if gaps else 0
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
