"""A YAML syntax error said as the clerk fixes it: in Vietnamese, with its line, column and the fix.

Contract: :func:`syntax_message` turns an error of PyYAML's pure-Python loader into one sentence
(without the file's label). The common faults of a hand-edited config are translated: a “: ” inside
free text, a tab, a key without “:”, an unclosed quote, an indentation that does not line up, a
character that cannot begin a value. Any other problem keeps PyYAML's words and says to compare with
the shipped example; a problem already in Vietnamese (raised by our own loader) is kept as it is.
"""

from __future__ import annotations

import re

import yaml

QUOTES_FIX = 'hãy đặt cả nội dung trong dấu ngoặc kép ("...")'
# PyYAML's problem (a regular expression matched at its start) -> what it means and what to do.
TRANSLATIONS = (
    (
        r"mapping values are not allowed here",
        "nội dung có dấu hai chấm và dấu cách (“: ”) ở giữa, YAML hiểu nhầm là một khóa mới: nếu đây là "
        f"nội dung văn bản, {QUOTES_FIX}; nếu là một khóa, hãy kiểm tra thụt lề so với dòng trên",
    ),
    (
        r"found character '\\t' that cannot start any token",
        "có ký tự tab: tệp cấu hình chỉ được thụt lề bằng dấu cách; hãy xóa tab và gõ dấu cách thay vào",
    ),
    (
        r"could not find expected ':'",
        "thiếu dấu hai chấm sau tên khóa (phải ghi “khóa: giá trị”), hoặc một nội dung dài xuống dòng mà "
        "dòng sau không thụt vào: hãy thêm dấu “:” hoặc thụt dòng sau vào sâu hơn tên khóa",
    ),
    (
        r"expected <block end>|did not find expected key|did not find expected '-' indicator",
        "thụt lề không khớp: các khóa cùng cấp phải thụt vào bằng nhau (cùng số dấu cách) như trong tệp mẫu; "
        "hãy căn dòng này thẳng với các khóa cùng cấp ở trên",
    ),
    (
        r"found character '(.)' that cannot start any token",
        "ký tự “{0}” không được đứng đầu một giá trị: " + QUOTES_FIX,
    ),
)
UNCLOSED_QUOTE = "dấu ngoặc mở ở dòng {line}, cột {column} không có dấu ngoặc đóng: hãy thêm dấu ngoặc đóng cùng loại ở cuối nội dung"
FALLBACK = "{problem}; hãy so dòng này (và dòng ngay trên) với tệp mẫu cùng tên trong thư mục config/ của bộ công cụ"


def syntax_message(exc: yaml.YAMLError, limit: int) -> str:
    """“lỗi cú pháp YAML (dòng 7, cột 52): <meaning and fix>”; ``limit`` bounds the quoted problem."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (dòng {mark.line + 1}, cột {mark.column + 1})" if mark else ""
    return f"lỗi cú pháp YAML{where}: {_meaning(exc, limit)}"


def _meaning(exc: yaml.YAMLError, limit: int) -> str:
    problem = str(getattr(exc, "problem", None) or exc)
    if not problem.isascii():
        return problem[:limit]  # ours, already Vietnamese
    context, start = getattr(exc, "context", None) or "", getattr(exc, "context_mark", None)
    if context == "while scanning a quoted scalar" and start is not None:
        return UNCLOSED_QUOTE.format(line=start.line + 1, column=start.column + 1)
    for pattern, meaning in TRANSLATIONS:
        found = re.match(pattern, problem)
        if found:
            return meaning.format(*found.groups())
    return FALLBACK.format(problem=problem[:limit])
