"""``faircollect lint``: lint messages from stdin (JSON lines) or ``--text``; ``faircollect lint eval``."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from faircollect.compliance.linter.decoding import decode_bytes, unreadable
from faircollect.compliance.linter.engine import lint
from faircollect.compliance.linter.evaluate import SEALED_SPLITS, SPLITS, Counts, EvalReport, evaluate, wilson
from faircollect.compliance.linter.io import context_from_json, parse_item, result_to_json
from faircollect.compliance.linter.rules import check_jurisdiction
from faircollect.compliance.linter.types import LintContext, LintResult
from faircollect.kit.errors import FaircollectError, ValidationError
from faircollect.kit.listing import JsonlOrTable, TableOrJson

lint_app = typer.Typer(no_args_is_help=False)


def _fail(exc: FaircollectError) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(2)


def _read_items(data: bytes, source: str = "<stdin>") -> list[tuple[Any, str, LintContext]]:
    """Decode strictly (UTF-8 or GBK/GB18030, see ``decoding.py``) and validate every line first, so that bad
    input writes nothing."""
    text, _encoding = decode_bytes(data, source=source)
    items: list[tuple[Any, str, LintContext]] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationError(f"not valid JSON: {exc.msg}", file="<stdin>", row=lineno) from None
        try:
            items.append(parse_item(obj, row=lineno))
        except ValidationError as exc:
            exc.file = source
            raise
        why = unreadable(items[-1][1])
        if why:
            raise ValidationError(f"text cannot be checked: {why}", file=source, row=lineno, field="text")
    return items


def _print_table(rows: list[tuple[Any, str, LintResult]]) -> None:
    table = Table(title="lint", show_lines=False)
    for col in ("id", "verdict", "category", "rule", "span", "excerpt"):
        table.add_column(col)
    for item_id, _text, result in rows:
        if not result.findings:
            table.add_row(str(item_id), result.verdict, "", "", "", "")
        for i, f in enumerate(result.findings):
            table.add_row(
                str(item_id) if i == 0 else "",
                result.verdict if i == 0 else "",
                f.category,
                f.rule,
                f"{f.start}-{f.end}",
                f.excerpt,
            )
    Console().print(table)


@lint_app.callback(invoke_without_command=True)
def lint_cmd(
    ctx: typer.Context,
    jurisdiction: str = typer.Option("CN", "--jurisdiction", "-j", help="Rulebook: CN, US or UK."),
    output: JsonlOrTable = typer.Option(
        JsonlOrTable.jsonl, "--format", "-f", help="jsonl (one result per line) or table."
    ),
    text: str | None = typer.Option(
        None, "--text", "-t", help="Lint this text instead of reading JSON lines from stdin."
    ),
    context: str | None = typer.Option(
        None,
        "--context",
        help='Context for --text as JSON, e.g. \'{"recipient_role":"third_party","channel":"sms"}\'.',
    ),
    fail_on_block: bool = typer.Option(
        True,
        "--fail-on-block/--no-fail-on-block",
        help="Exit 1 when any message is blocked (default), so a template repository's CI fails on it.",
    ),
) -> None:
    """Lint collection messages: threats, false legal claims, impersonation, disclosure, visit threats.

    Reads JSON lines {"id","text","context"?} from stdin (or one --text) and writes one line
    {"id","verdict","findings":[{"category","rule","start","end","excerpt","explanation",...}]} per input.
    Verdict: block (prohibited content), warn (only quality warnings), ok. Spans index the original text.
    Input must be UTF-8 or GBK/GB18030 Chinese; anything else is refused with an error naming the line.
    Exit codes: 0 nothing blocked, 1 something blocked (unless --no-fail-on-block), 2 bad input.
    context may hold recipient_role (borrower, guarantor, joint_debtor, registered_contact, third_party), channel
    (sms, call, voicemail, email, letter, visit, im), visit_approved and lawsuit_filed (true/false).
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        code = check_jurisdiction(jurisdiction)
        if text is not None:
            ctx_obj = json.loads(context) if context else None
            why = unreadable(text)
            if why:
                raise ValidationError(f"text cannot be checked: {why}", field="--text")
            items = [("text", text, context_from_json(ctx_obj, where="--context"))]
        else:
            items = _read_items(sys.stdin.buffer.read())
    except json.JSONDecodeError as exc:
        _fail(ValidationError(f"not valid JSON: {exc.msg}", field="--context"))
        return
    except FaircollectError as exc:
        _fail(exc)
        return
    rows = [(item_id, t, lint(t, c, jurisdiction=code)) for item_id, t, c in items]
    if output is JsonlOrTable.table:
        _print_table(rows)
    else:
        out = sys.stdout
        for item_id, _t, result in rows:
            out.write(json.dumps(result_to_json(item_id, result), ensure_ascii=False) + "\n")
        out.flush()
    if fail_on_block and any(result.blocked for _i, _t, result in rows):
        raise typer.Exit(1)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _ci(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{100 * lo:.0f}–{100 * hi:.0f}"


def _recall(c: Counts) -> str:
    return f"{_pct(c.recall)} ({_ci(c.tp, c.tp + c.fn)})" if c.tp + c.fn else "-"


def _precision(c: Counts) -> str:
    return f"{_pct(c.precision)} ({_ci(c.tp, c.tp + c.fp)})" if c.tp + c.fp else "-"


def _false(c: Counts) -> str:
    return f"{c.fp}/{c.fp + c.tn} ({_ci(c.fp, c.fp + c.tn)})" if c.fp + c.tn else "-"


def _print_eval(report: EvalReport, show_errors: int) -> None:
    console = Console()
    if console.width < 120:  # piped output defaults to 80 columns; the tables need more
        console = Console(width=120)
    lb, bb = report.linter.block, report.baseline.block
    novel = report.linter.by_form.get("novel")
    if novel is not None and novel.tp + novel.fn:
        base_novel = report.baseline.by_form["novel"]
        console.print(
            f"[b]novel phrasing: block recall {_recall(novel)}[/b] (keyword baseline {_recall(base_novel)}); "
            f"{novel.tp + novel.fn} messages"
        )
    console.print(
        f"[b]block recall {_recall(lb)}, false blocks {_false(lb)}[/b] — keyword baseline: recall {_recall(bb)}, "
        f"false blocks {_false(bb)}   (95% Wilson intervals in brackets)"
    )
    table = Table(
        title=f"per category — split {report.split}, {report.messages} messages",
        caption="P = precision, R = recall at message level, 95% Wilson interval in brackets; n = messages with the label",
    )
    for col in ("category", "n", "linter P", "linter R", "baseline P", "baseline R"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for cat, lc in report.linter.per_category.items():
        bc = report.baseline.per_category[cat]
        if lc.tp + lc.fn + lc.fp + bc.fp == 0:
            continue
        table.add_row(cat, str(lc.tp + lc.fn), _precision(lc), _recall(lc), _precision(bc), _recall(bc))
    table.add_row(
        "[b]verdict block[/b]", str(lb.tp + lb.fn), _precision(lb), _recall(lb), _precision(bb), _recall(bb)
    )
    console.print(table)
    forms = Table(
        title="by language / written form: block recall on positives, false blocks on hard negatives",
        caption="novel = phrasing far from anything in train (seed corpus: red-team lines never tuned on)",
    )
    for col in ("form", "pos", "linter R", "base R", "neg", "linter false blocks", "base false blocks"):
        forms.add_column(col, justify="left" if col == "form" else "right")
    for form, lc in sorted(report.linter.by_form.items()):
        bc = report.baseline.by_form[form]
        forms.add_row(
            form, str(lc.tp + lc.fn), _recall(lc), _recall(bc), str(lc.fp + lc.tn), _false(lc), _false(bc)
        )
    console.print(forms)
    for err in report.linter.errors[:show_errors]:
        console.print(
            f"[red]{err['id']}[/red] expected {err['expected']} got {err['got']}: {err.get('text', '')}",
            markup=True,
        )


@lint_app.command("eval")
def eval_cmd(
    split: str = typer.Option(
        "real-test",
        "--split",
        help="real-test (sealed real messages; aggregates only), real-train, or the seed corpus: test, train, all.",
    ),
    output: TableOrJson = typer.Option(TableOrJson.table, "--format", "-f", help="table or json."),
    show_errors: int = typer.Option(
        0, "--show-errors", help="Also print up to N messages the linter got wrong (not on a sealed split)."
    ),
) -> None:
    """Precision and recall per category, with 95% intervals, for the linter and a keyword-list baseline.

    The default split is the sealed real-message test split: only aggregate figures are printed from it."""
    if split not in SPLITS:
        _fail(ValidationError(f"must be one of {', '.join(SPLITS)}", field="--split"))
    if show_errors and split in SEALED_SPLITS:
        _fail(ValidationError("the split is sealed: only aggregate figures are shown", field="--show-errors"))
    report = evaluate(split)
    if output is TableOrJson.json:
        data = report.as_dict()
        if show_errors:
            data["linter"]["errors"] = report.linter.errors[:show_errors]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_eval(report, show_errors)


def register(app: typer.Typer) -> None:
    """Add ``faircollect lint`` (and ``faircollect lint eval``) to the root command."""
    app.add_typer(lint_app, name="lint")
