"""神エクセル layouts as different HR people make them (part 1): title block and merged headers, 和暦
with an era column, one sheet per month with a hidden sheet, subtotals and grey rows.

Each function writes one workbook and records exactly what the reader must find in it.
"""
from dataclasses import replace
from datetime import date, datetime

import openpyxl
from openpyxl.styles import PatternFill

from senko.demo.spreadsheet_writer import Case, halfwidth, hiragana, people, xlsx_bytes

GREY = "FFBFBFBF"


def _row(ws, row: int, values: dict):
    for col, value in values.items():
        ws[f"{col}{row}"] = value


def title_merged(seed: int = 1) -> Case:
    """A title block, a spacer row and column, headers over two rows merged (氏名 over 姓|名, 選考結果 over
    書類|一次|最終), 応募日 merged down a group, hiragana readings, an interview column that is not the decision."""
    case = Case("title_merged", "応募者管理表_2023.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet = "応募者一覧"
    ws["B1"] = "株式会社サンプル　中途採用　応募者管理表"
    ws.merge_cells("B1:M1")
    _row(ws, 2, {"B": "作成日", "C": datetime(2023, 10, 1), "E": "担当者", "F": "人事部 鈴木"})
    for ref, label in {"B4": "No", "C4": "氏名", "C5": "姓", "D5": "名", "E4": "ふりがな", "F4": "メールアドレス",
                       "G4": "電話番号", "H4": "応募日", "I4": "媒体", "J4": "選考結果", "J5": "書類", "K5": "一次",
                       "L5": "最終", "M4": "備考"}.items():
        ws[ref] = label
    for ref in ("B4:B5", "C4:D4", "E4:E5", "F4:F5", "G4:G5", "H4:H5", "I4:I5", "J4:L4", "M4:M5"):
        ws.merge_cells(ref)
    ps = people(seed, 9)
    ps[1] = replace(ps[1], applied_at=ps[0].applied_at)
    ps[2] = replace(ps[2], applied_at=ps[0].applied_at)
    results = ["〇", "×", "保留", "辞退", "合格", "〇", "不合格", "通過", "見送り"]
    expected = ["OK", "NG", None, None, "OK", "OK", "NG", "OK", "NG"]
    rows = [6, 7, 8, 10, 11, 12, 13, 14, 15]  # row 9 is a blank spacer row
    for i, (p, row) in enumerate(zip(ps, rows, strict=True)):
        phone = f"{p.phone[:3]}-{p.phone[3:7]}-{p.phone[7:]}" if i != 6 else f"{p.phone[:3]} {p.phone[3:7]} {p.phone[7:]}"
        _row(ws, row, {"B": i + 1, "C": p.family, "D": p.given, "E": hiragana(p.kana), "F": p.email.upper(), "G": phone,
                       "I": p.source, "J": results[i], "K": "×" if i == 0 else "〇" if i == 4 else None,
                       "L": "〇" if i == 4 else None})
        if i not in (1, 2, 8):
            ws[f"H{row}"] = datetime.combine(p.applied_at, datetime.min.time())
    ws.merge_cells("H6:H8")  # three applicants of the same day: the date is written once
    ws["M7"] = "面接日程\n調整中"
    ws["F12"] = ps[5].email.replace("@", "@@")
    ws["B16"] = 10  # a pre-numbered empty row
    for i, (p, row) in enumerate(zip(ps, rows, strict=True)):
        if i == 5:
            case.error(sheet, row, "メールアドレス", "invalid_email")
        elif i == 8:
            case.error(sheet, row, "applied_at", "missing_required")
        else:
            case.ok(sheet, row, p, decision=expected[i], note="面接日程\n調整中" if i == 1 else None)
    case.warn(sheet, 10, "選考結果/書類", "decision_withdrawn")
    case.data = xlsx_bytes(book)
    return case


def era_split(seed: int = 2) -> Case:
    """姓/名 and セイ/メイ (半角ｶﾅ) in separate columns, 和暦 in every spelling (with an era column for
    ``5/4/1``), era boundaries, 令和5年2月30日, phones stored as numbers, 合/否/保留/△."""
    case = Case("era_split", "選考リスト_和暦.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet = "2023年度"
    _row(ws, 1, dict(zip("ABCDEFGHI", ["姓", "名", "セイ", "メイ", "元号", "応募日", "TEL", "結果", "備考"], strict=True)))
    rows = [  # era column, 応募日 as written, the date read (None: an error), result, expected decision
        ("令和", "5/4/1", date(2023, 4, 1), "合", "OK"), (None, "令和5年4月10日", date(2023, 4, 10), "否", "NG"),
        (None, "R5.6.1", date(2023, 6, 1), "保留", None), (None, "H31/4/30", date(2019, 4, 30), "△", None),
        (None, "平成31年5月1日", date(2019, 5, 1), "合", "OK"), (None, "令和元年5月7日", date(2019, 5, 7), "否", "NG"),
        (None, "令和5年2月30日", None, "合", None), ("R", "4/12/1", date(2022, 12, 1), "保留", None),
        (None, "S63.4.1", None, "否", None), (None, "㍻30年12月1日", date(2018, 12, 1), "OK", "OK"),
        (None, "r5.7.7", date(2023, 7, 7), "合", "OK"),
    ]
    ps = people(seed, len(rows))
    for i, (p, (era, written, day, result, decision)) in enumerate(zip(ps, rows, strict=True)):
        row = i + 2
        phone = int(p.phone) if i == 0 else 312345678 if i == 7 else "080-1234-567" if i == 10 else \
            f"{p.phone[:3]}-{p.phone[3:7]}-{p.phone[7:]}"
        _row(ws, row, {"A": p.family, "B": p.given, "C": halfwidth(p.family_kana), "D": halfwidth(p.given_kana),
                       "E": era, "F": written, "G": phone, "H": result})
        if day is None:
            case.error(sheet, row, "応募日", "invalid_date" if i == 6 else "date_out_of_range")
        elif i == 10:
            case.error(sheet, row, "TEL", "invalid_phone")
        else:
            case.ok(sheet, row, p, email=None, phone="0312345678" if i == 7 else p.phone, applied_at=day,
                    source=None, decision=decision)
    case.warn(sheet, 2, "TEL", "phone_leading_zero_restored")
    case.warn(sheet, 6, "応募日", "era_boundary")
    case.warn(sheet, 9, "TEL", "phone_leading_zero_restored")
    case.data = xlsx_bytes(book)
    return case


def monthly(seed: int = 3) -> Case:
    """One sheet per month, a hidden sheet, a subtotal row (計), grey rows meaning 辞退 by colour only, a hidden
    row (imported), names with 全角スペース or none, an interview column."""
    case = Case("monthly", "応募者_月別.xlsx", hidden_sheets=["集計用"])
    book = openpyxl.Workbook()
    grey = PatternFill("solid", fgColor=GREY)
    ps = people(seed, 10)
    labels = ["応募日", "氏名", "フリガナ", "メール", "電話", "応募経路", "書類選考", "面接"]
    for month, chunk, spaced in (("4月", ps[:5], True), ("5月", ps[5:], False)):
        ws = book.create_sheet(month)
        ws["A1"] = f"2023年{month} 応募者"
        _row(ws, 2, dict(zip("ABCDEFGH", labels, strict=True)))
        for i, p in enumerate(chunk):
            row = i + 3
            sep = "\u3000" if spaced else ""
            result = [None, "〇", "×", None, "合"][i]
            _row(ws, row, {"A": datetime.combine(p.applied_at, datetime.min.time()), "B": f"{p.family}{sep}{p.given}",
                           "C": f"{p.family_kana}{sep}{p.given_kana}", "D": p.email,
                           "E": f"{p.phone[:3]}-{p.phone[3:7]}-{p.phone[7:]}", "F": p.source, "G": result,
                           "H": "合格" if i == 2 else None})
            if i in (0, 3):  # 辞退, said only by the grey fill
                for col in "ABCDEFGH":
                    ws[f"{col}{row}"].fill = grey
            name, kana = (p.name, p.kana) if spaced else (p.family + p.given, p.family_kana + p.given_kana)
            case.ok(month, row, p, name=name, furigana=kana, decision={"〇": "OK", "合": "OK", "×": "NG"}.get(result))
        ws.row_dimensions[4].hidden = True
        _row(ws, len(chunk) + 3, {"A": "計", "B": f"{len(chunk)}名"})
        case.warn(month, len(chunk) + 3, "応募日", "subtotal_row_skipped")
    book.remove(book["Sheet"])
    hidden = book.create_sheet("集計用")
    hidden.sheet_state = "hidden"
    _row(hidden, 1, {"A": "氏名", "B": "応募日", "C": "メール"})
    _row(hidden, 2, {"A": "旧 データ", "B": "2020/1/1", "C": "old@example.jp"})
    case.data = xlsx_bytes(book)
    return case
