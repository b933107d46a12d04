"""``faircollect applications import`` reads files as the loan import does: UTF-8 (with or without a BOM) or
GBK/GB18030 Chinese; a directory or other bytes exit 2 with an error naming the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from faircollect.cli import app as cli

# Refused by validation before any database work: the line was read and parsed (the amount is a number).
LINE = (
    '{"amount": 5, "term": 6, "monthly_income": "5000.00", "applicant": {"name": "张三"}, "consents": []}\n'
)


def _run(path: Path, tmp_path: Path) -> tuple[int, str]:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = CliRunner().invoke(cli, ["applications", "import", str(path), "--database-url", url])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "data",
    [LINE.encode("gbk"), LINE.encode("gb18030"), b"\xef\xbb\xbf" + LINE.encode()],
    ids=["gbk", "gb18030", "bom"],
)
def test_chinese_encodings_and_a_bom_are_read(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_bytes(data)
    code, out = _run(path, tmp_path)
    assert code == 1 and "line 1, field 'amount'" in out, out  # read, parsed, refused on its field


def test_a_directory_or_undecodable_bytes_exit_2_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "apps.jsonl"
    folder.mkdir()
    code, out = _run(folder, tmp_path)
    assert code == 2 and "is a directory" in out and "Traceback" not in out, out
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(bytes(range(128, 256)) * 8)
    code, out = _run(binary, tmp_path)
    assert code == 2 and "bin.jsonl" in out and "not valid UTF-8" in out, out


@pytest.mark.parametrize(
    "data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf\n"], ids=["0-bytes", "blank-lines", "bom"]
)
def test_an_empty_file_exits_2_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(data)
    code, out = _run(path, tmp_path)
    assert code == 2 and "empty.jsonl" in out and "the file is empty" in out, out
