"""A deterministic generator of 神エクセル: applicant lists as different HR people make them.

Every writer returns a ``Case``: the file's bytes and exactly what ``senko.imports`` must read from
it (the applicants, every error and warning). The import tests compare against these, and
``bench/imports.py`` uses ``make_large``. Seeded: the same call writes the same file.

Layouts: ``title_merged``, ``era_split``, ``monthly`` (senko.demo.spreadsheet_layouts),
``two_row``, ``contact_formula``, ``text_numbers`` (senko.demo.spreadsheet_traps), and here a cp932
CSV exported from Excel, a clean control file and a legacy ``.xls`` (written with xlwt, a test-only
dependency: unmaintained since 2017 but still the only pure-Python .xls writer).
"""
import csv
import importlib.util
import io
from dataclasses import replace
from datetime import datetime, timedelta

import openpyxl

from senko.demo.spreadsheet_layouts import era_split, monthly, title_merged
from senko.demo.spreadsheet_traps import contact_formula, text_numbers, two_row
from senko.demo.spreadsheet_writer import Case, people, wareki, xlsx_bytes

__all__ = ["CASE_NAMES", "Case", "all_cases", "case", "clean", "contact_formula", "cp932_csv", "era_split", "legacy_xls", "make_large",
           "monthly", "text_numbers", "title_merged", "two_row"]

HEADER = ["氏名", "フリガナ", "メール", "電話", "応募日", "媒体", "書類選考", "備考"]


def _dashed(phone: str) -> str:
    return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"


def cp932_csv(seed: int = 7) -> Case:
    """A CSV saved from Excel in Shift_JIS (cp932): a title line, quoted line breaks (rows as Excel shows them),
    phones that lost their leading 0, 同上, 和暦, text beginning with ``=``, a 合計 line."""
    case = Case("cp932_csv", "応募者一覧.csv")
    sheet = "応募者一覧"
    ps = people(seed, 5)
    lines = [["株式会社サンプル 応募者一覧", "", "", "", "", "", "", ""], ["出力日", "2023/10/01"],
             ["氏名", "ふりがな", "メールアドレス", "電話番号", "応募日", "応募経路", "書類選考", "備考"]]
    for i, p in enumerate(ps):
        lines.append([p.name, p.kana, p.email, p.phone[1:] if i == 0 else _dashed(p.phone),
                      wareki(p.applied_at, 1) if i == 4 else p.applied_at.strftime("%Y/%m/%d"),
                      "同上" if i == 1 else p.source, ["〇", "合格", "×", "×", "保留"][i], None])
    lines[3][7] = "面接希望\n平日の午後"
    lines[5][2] = ps[2].email.replace("@", ".")
    lines[6][7] = '=HYPERLINK("http://example.com")'
    lines.append(["合計", "5名"])
    stream = io.StringIO(newline="")
    csv.writer(stream, lineterminator="\r\n").writerows(lines)
    case.data = stream.getvalue().encode("cp932")
    case.ok(sheet, 4, ps[0], decision="OK", note="面接希望\n平日の午後")
    case.warn(sheet, 4, "電話番号", "phone_leading_zero_restored")
    case.ok(sheet, 5, ps[1], source=ps[0].source, decision="OK")
    case.error(sheet, 6, "メールアドレス", "invalid_email")
    case.ok(sheet, 7, ps[3], decision="NG", note='=HYPERLINK("http://example.com")')
    case.ok(sheet, 8, ps[4], decision=None)
    case.warn(sheet, 9, "氏名", "subtotal_row_skipped")
    return case


def clean(seed: int = 8) -> Case:
    """The control: one header row, one applicant per row, real dates, nothing to fix."""
    case = Case("clean", "clean.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet = "応募者"
    ws.append(HEADER)
    for i, p in enumerate(people(seed, 12)):
        decision = ["OK", "NG", None][i % 3]
        ws.append([p.name, p.kana, p.email, p.phone, datetime.combine(p.applied_at, datetime.min.time()), p.source,
                   decision, None])
        case.ok(sheet, i + 2, p, decision=decision)
    case.data = xlsx_bytes(book)
    return case


def legacy_xls(seed: int = 9) -> Case:
    """A legacy .xls (BIFF8): date cells, 媒体 merged down a group, a grey row, a phone stored as a number."""
    import xlwt

    case = Case("legacy_xls", "old_list.xls")
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("応募者")
    dates = xlwt.easyxf(num_format_str="yyyy/mm/dd")
    grey = xlwt.easyxf("pattern: pattern solid, fore_colour gray25")
    for col, label in enumerate(HEADER):
        ws.write(0, col, label)
    ps = people(seed, 6)
    for i, p in enumerate(ps):
        style = grey if i == 4 else xlwt.Style.default_style
        ws.write(i + 1, 0, p.name, style)
        ws.write(i + 1, 1, p.kana, style)
        ws.write(i + 1, 2, p.email, style)
        ws.write(i + 1, 3, int(p.phone) if i == 2 else _dashed(p.phone), style)
        ws.write(i + 1, 4, datetime.combine(p.applied_at, datetime.min.time()), dates)
        if i not in (0, 1, 2):
            ws.write(i + 1, 5, p.source, style)
        ws.write(i + 1, 6, ["〇", "×", "合格", "保留", None, "不合格"][i], style)
    ws.write_merge(1, 3, 5, 5, ps[0].source)
    stream = io.BytesIO()
    book.save(stream)
    case.data = stream.getvalue()
    for i, p in enumerate(ps):
        case.ok("応募者", i + 2, p, source=ps[0].source if i < 3 else p.source,
                decision=["OK", "NG", "OK", None, None, "NG"][i])
    case.warn("応募者", 4, "電話", "phone_leading_zero_restored")
    return case


WRITERS = {writer.__name__: writer for writer in (title_merged, era_split, monthly, two_row, contact_formula,
                                                  text_numbers, cp932_csv, clean, legacy_xls)}
CASE_NAMES = tuple(name for name in WRITERS if name != "legacy_xls" or importlib.util.find_spec("xlwt"))


def case(name: str) -> Case:
    """The case written by the writer called ``name`` (one of CASE_NAMES), with its default seed."""
    return WRITERS[name]()


def all_cases() -> list[Case]:
    """Every layout, the CSV, the control file and the .xls (when xlwt is installed)."""
    return [case(name) for name in CASE_NAMES]


def _distinct(ps: list) -> list:
    """The same people, each name + applied_at and each phone made unique (deterministically)."""
    taken, phones, result = set(), set(), []
    for p in ps:
        day, phone = p.applied_at, p.phone
        while (p.family, p.given, day) in taken:
            day += timedelta(days=1)
        while phone in phones:
            phone = f"090{(int(phone[3:]) + 1) % 10 ** 8:08d}"
        taken.add((p.family, p.given, day))
        phones.add(phone)
        result.append(replace(p, applied_at=day, phone=phone))
    return result


def make_large(rows: int = 20000, fmt: str = "xlsx", seed: int = 10) -> bytes:
    """A large, clean applicant list (the benchmark): ``fmt`` "xlsx" or "csv" (UTF-8 with BOM).

    Every row is a distinct person for the import's duplicate check: unique e-mails, phones and
    name + applied_at (a repeated name's date moves on to the next free day).
    """
    ps = _distinct(people(seed, rows))
    records = [[p.name, p.kana, p.email, _dashed(p.phone), p.applied_at, p.source, ["〇", "×", ""][i % 3], ""]
               for i, p in enumerate(ps)]
    if fmt == "csv":
        stream = io.StringIO(newline="")
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([*record[:4], record[4].strftime("%Y/%m/%d"), *record[5:]] for record in records)
        return stream.getvalue().encode("utf-8-sig")
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("応募者")
    ws.append(HEADER)
    for record in records:
        ws.append([*record[:4], datetime.combine(record[4], datetime.min.time()), *record[5:]])
    return xlsx_bytes(book)
