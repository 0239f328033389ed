"""``yangguang disclosure scan FILE... [--words FILE] [--json]``: the confidentiality review of files.

Exit status 0 when nothing was found, 1 when anything was, 2 on bad input (a missing, unreadable,
unsupported or corrupt file; a word list that is not UTF-8). Every file is read and its text
extracted before anything is printed, so bad input prints nothing but the error.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from yangguang.core.cli_support import JsonOption, console, print_json
from yangguang.core.errors import InvalidInput
from yangguang.disclosure.extract import extract_text
from yangguang.disclosure.scanner import LABELS, Scanner, ScanResult, load_words


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput("file", f"文件不存在：{path}") from exc
    except IsADirectoryError as exc:
        raise InvalidInput("file", f"不是文件而是目录：{path}") from exc
    except OSError as exc:
        raise InvalidInput("file", f"无法读取文件 {path}：{exc.strerror}") from exc


def _summary(result: ScanResult) -> str:
    counts = result.counts()
    found = "、".join(f"{LABELS[kind]} {n}" for kind, n in counts.items()) if counts else "未发现问题"
    return (f"共 {len(result.findings)} 处（{found}）；"
            f"忽略校验位不符的疑似身份证号码 {result.near_misses} 个")


def scan(files: list[Path] = typer.Argument(..., metavar="FILE...", help="DOCX, PDF, HTML or TXT files."),
         words: Path = typer.Option(None, "--words", help="Sensitive-word list: UTF-8, one word a line, # comments."),
         as_json: bool = JsonOption) -> None:
    """Confidentiality review (保密审查): markings, personal data and sensitive words in each file."""
    scanner = Scanner(load_words(words) if words is not None else ())
    texts = [(str(path), extract_text(_read(path), path.name)) for path in files]
    results = [(name, scanner.scan(text)) for name, text in texts]
    total = sum(len(result.findings) for _, result in results)
    if as_json:
        print_json({"files": [{"file": name, "findings": [f.to_dict() for f in result.findings],
                               "near_misses": result.near_misses} for name, result in results],
                    "total": total})
    else:
        for name, result in results:
            if result.findings:
                table = Table(title=Text(f"{name} 保密审查"))
                for header in ("类型", "位置（行:列）", "内容", "摘录（已遮蔽个人信息）"):
                    table.add_column(header)
                for finding in result.findings:
                    table.add_row(finding.label, f"{finding.line}:{finding.column}", Text(finding.text),
                                  Text(finding.excerpt))
                console.print(table)
            console.print(Text(f"{name}: {_summary(result)}"))
    if total:
        raise typer.Exit(1)
