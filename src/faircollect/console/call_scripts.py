"""Call scripts (话术) per jurisdiction and bucket, as data, checked by the message linter when loaded."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from faircollect.compliance.linter.engine import lint
from faircollect.kit.errors import ValidationError

FIELDS = frozenset({"agent", "lender", "amount", "due_date", "days"})
LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    text: dict[str, str]  # language → line
    note: dict[str, str]  # language → advice for the agent


@dataclass(frozen=True, slots=True)
class CallScript:
    id: str
    jurisdiction: str
    buckets: tuple[str, ...]
    title: dict[str, str]
    steps: tuple[Step, ...]

    def render(self, language: str, values: dict[str, str]) -> list[tuple[str, str, str]]:
        """(step key, line with the case's values, note) for ``language`` (zh or en)."""
        lang = language if language in LANGUAGES else "en"
        return [
            (
                s.key,
                s.text[lang].format_map({f: values.get(f, "{" + f + "}") for f in FIELDS}),
                s.note.get(lang, ""),
            )
            for s in self.steps
        ]


def _lang_map(raw: Any, where: str, *, required: bool = True) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if not isinstance(raw, dict) or any(
        not isinstance(raw.get(k), str) or not raw[k].strip() for k in LANGUAGES
    ):
        raise ValidationError(f"{where} needs a zh and an en text", field=where)
    return {k: raw[k] for k in LANGUAGES}


def _check_fields(text: str, where: str) -> None:
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in FIELDS:
            raise ValidationError(
                f"{where} uses unknown placeholder {{{name}}}; known: {', '.join(sorted(FIELDS))}",
                field=where,
            )


SAMPLE = {
    "agent": "王芳",
    "lender": "示例消费金融",
    "amount": "¥1,234.56",
    "due_date": "2026-05-01",
    "days": "12",
}


def parse_scripts(data: Any, *, file: str = "<call scripts>") -> tuple[CallScript, ...]:
    """Validate the scripts: texts in zh and en, known placeholders, and no line the linter blocks."""
    if not isinstance(data, dict) or not isinstance(data.get("scripts"), list):
        raise ValidationError(f"{file}: expected a mapping with a 'scripts' list", file=file)
    out = []
    for i, raw in enumerate(data["scripts"]):
        where = f"scripts[{i}]"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("jurisdiction"):
            raise ValidationError(f"{where} needs an id and a jurisdiction", file=file, field=where)
        steps = []
        for j, st in enumerate(raw.get("steps") or []):
            sw = f"{where}.steps[{j}]"
            text = _lang_map(st, sw)
            for lang, line in text.items():
                _check_fields(line, f"{sw}.{lang}")
                result = lint(line.format_map(SAMPLE), jurisdiction=str(raw["jurisdiction"]))
                if result.blocked:
                    f = next(f for f in result.findings if f.severity == "block")
                    raise ValidationError(
                        f"{sw}.{lang} is blocked by the linter ({f.rule}: {f.excerpt!r})", file=file, field=sw
                    )
            steps.append(
                Step(
                    key=str(st.get("key") or j),
                    text=text,
                    note=_lang_map(st.get("note"), sw + ".note", required=False),
                )
            )
        if not steps:
            raise ValidationError(f"{where} has no steps", file=file, field=where)
        out.append(
            CallScript(
                id=str(raw["id"]),
                jurisdiction=str(raw["jurisdiction"]).upper(),
                buckets=tuple(str(b) for b in raw.get("buckets") or ()),
                title=_lang_map(raw.get("title"), where + ".title"),
                steps=tuple(steps),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def default_scripts() -> tuple[CallScript, ...]:
    path = resources.files("faircollect.console").joinpath("data/call_scripts.yaml")
    return parse_scripts(yaml.safe_load(path.read_text(encoding="utf-8")), file="call_scripts.yaml")


def script_for(
    jurisdiction: str, bucket: str, scripts: tuple[CallScript, ...] | None = None
) -> CallScript | None:
    """The script for a case's jurisdiction and bucket (the first that lists the bucket), or None."""
    for s in scripts if scripts is not None else default_scripts():
        if s.jurisdiction == jurisdiction.upper() and bucket in s.buckets:
            return s
    return None
