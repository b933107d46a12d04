"""Check a PostgreSQL dump for personal data in clear: every sealed value the application can read (phones, e-mails,
ID numbers, names, addresses, message bodies, complaint texts, notes, reports — opened through the sealed fields)
is searched for in the output of ``pg_dump``, phones also in national form, and the dump is scanned for the shapes
of Chinese mobiles, e-mails and ID numbers.

``python -m faircollect.privacy.dumpcheck --database-url URL`` prints what it found and exits 1 if anything.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from faircollect.db import make_engine, session_factory

_CN_MOBILE = re.compile(r"(?<![0-9A-Za-z+/])1[3-9]\d{9}(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}")
_CN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


@dataclass
class DumpReport:
    dump_bytes: int
    values_checked: int
    found: list[str] = field(default_factory=list)  # known values found in clear
    pattern_hits: dict[str, list[str]] = field(default_factory=dict)  # shapes of personal data seen

    @property
    def clean(self) -> bool:
        return not self.found


def known_values(url: str) -> set[str]:
    """Every sealed value the application can read (opened), phones also in national form.

    Generic over every ``Sealed`` field of every model (``privacy.REGISTRY``): phones, e-mails, IDs, names,
    addresses, message bodies, complaint texts, notes, reports — so a copy of any of them left in clear anywhere
    in the database (another column, a JSON payload, the audit log) is found. Values shorter than 6 characters
    (a two-character name) are left out: they would match by chance.
    """
    from faircollect.db import import_all_models
    from faircollect.privacy.phones import national_digits
    from faircollect.privacy.sealed import REGISTRY

    import_all_models()
    engine = make_engine(url)
    out: set[str] = set()
    with session_factory(engine)() as s:
        for model, fields in REGISTRY.items():
            rows: list[Any] = list(s.execute(select(model)).scalars())
            for obj in rows:
                for name, f in fields.items():
                    v = getattr(obj, name)
                    if not isinstance(v, str) or not v:
                        continue
                    out.add(v)
                    if f.index == "phone" or (f.index == "address" and v.startswith("+")):
                        out.add(national_digits(v))
    engine.dispose()
    return {v for v in out if len(v) >= 6}


def pg_dump(url: str) -> str:
    """The plain-SQL dump of the database (the schema named by ``search_path`` in the URL, if any)."""
    u = make_url(url)
    args = [
        "pg_dump",
        "--no-owner",
        "-h",
        u.host or "127.0.0.1",
        "-p",
        str(u.port or 5432),
        "-U",
        u.username or "postgres",
    ]
    options = str(u.query.get("options", ""))
    m = re.search(r"search_path=([\w]+)", options)
    if m:
        args += ["-n", m.group(1)]
    args.append(u.database or "postgres")
    env = {"PGPASSWORD": u.password or "", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout


def _forms(value: str) -> set[str]:
    """How a value can appear in a plain-SQL dump: as it is, and as JSON writes it with ASCII escapes (an audit or
    event payload: ``\\u4ed6…``), which ``COPY`` output doubles (``\\\\u4ed6…``)."""
    escaped = json.dumps(value)[1:-1]
    return {value, escaped, escaped.replace("\\", "\\\\")}


def check(url: str) -> DumpReport:
    dump = pg_dump(url)
    values = known_values(url)
    report = DumpReport(len(dump.encode()), len(values))
    report.found = sorted(v for v in values if any(form in dump for form in _forms(v)))
    for name, rx in (("cn_mobile", _CN_MOBILE), ("email", _EMAIL), ("cn_id", _CN_ID)):
        hits = sorted(set(rx.findall(dump)))
        if hits:
            report.pattern_hits[name] = hits[:20]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    ns = parser.parse_args(argv)
    r = check(ns.database_url)
    print(
        f"pg_dump: {r.dump_bytes} bytes; {r.values_checked} personal values held; found in clear: {len(r.found)}"
    )
    for v in r.found:
        print(f"  CLEAR: {v[:3]}…")
    for name, hits in r.pattern_hits.items():
        print(f"  shapes of {name} (to review): {len(hits)} e.g. {hits[:3]}")
    return 0 if r.clean else 1


if __name__ == "__main__":
    sys.exit(main())
