"""Where things sit in a unit's workbook: the contract between template writing and reading.

The schema (config/template.yaml) says *what* is asked; this module says *where*: which row holds
the headers, where data starts, and the hidden sheets that carry the workbook's identity.
"""

from __future__ import annotations

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
INSTRUCTIONS_SHEET = "Hướng dẫn"

# Every visible data sheet: a heading, a help line, then the header row, then data.
HEADING_ROW = 1
HELP_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4

# Form sheets (one question a row): label, answer, help.
FORM_LABEL_COLUMN = 1
FORM_VALUE_COLUMN = 2
FORM_HELP_COLUMN = 3
FORM_HEADERS = ("Nội dung", "Thông tin", "Hướng dẫn")

# _meta: key in column A, value in column B, one row each, in this order.
META_KIND_UNIT_TEMPLATE = "dvk-unit-template"
# The steering committee's decision workbook (read by intake/council.py, written by
# outputs/xlsx/council.py): unit_code "-", signed alike.
META_KIND_COUNCIL = "dvk-council"
META_UNIT_COUNCIL = "-"
META_KEYS = ("kind", "template_version", "unit_code", "year", "signature")
# A ward's consolidated workbook sent upward (pipeline/core/upward.py): unit_code is the ward's code at
# the level above, digest covers every other sheet, the signature uses the upward key.
META_KIND_WARD_SUMMARY = "dvk-ward-summary"
SUMMARY_META_KEYS = ("kind", "template_version", "unit_code", "year", "digest", "signature")

# How far down the header row may have moved (rows inserted above it) before we give up.
HEADER_SEARCH_ROWS = 10
# The three item sheets of a unit workbook and of the ward summary, in their order.
ITEM_SHEETS = ("models", "collectives", "individuals")
# The label of the totals row of every table of the ward summary, read back at the province.
TOTAL_LABEL = "Tổng cộng"
# The ward summary's sheet of statements (strengths, shortcomings, requests), a row each: the
# question (its label in the unit's report), the statement, how many units said it and which (both
# blank for the ward's own words). The level above reads them as the ward's answers to the questions.
OPINIONS_SHEET = "Ý kiến"
OPINION_HEADERS = ("Nội dung", "Ý kiến", "Số đơn vị nêu", "Đơn vị nêu")
# The column of the ward summary's item sheets with the steering committee's decisions of the year.
DECISION_HEADER = "Ban chỉ đạo quyết định"
# At the level above, an item's value holding that column as the ward wrote it.
WARD_DECISION = "ward_decision"
