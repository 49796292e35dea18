"""神エクセル layouts (part 2): records over two rows with 〃/同上 and a repeated header, TEL/Mail in one cell
with bracketed remarks and formulas (cached, missing, #N/A), and numbers/text the wrong way round in an old
Mac (1904 date system) file with 全角 everywhere.
"""
from dataclasses import replace
from datetime import date, datetime

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from senko.demo.spreadsheet_writer import Case, fullwidth, halfwidth, hiragana, people, xlsx_bytes


def _row(ws, row: int, values: dict):
    for col, value in values.items():
        ws[f"{col}{row}"] = value


def _dashed(phone: str) -> str:
    return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"


def two_row(seed: int = 4) -> Case:
    """Each applicant over two rows (氏名/電話/応募日/書類選考 over フリガナ/メール/媒体/備考), 〃 and 同上, a header
    repeated mid-sheet (a printed page break), a spacer row, a record with neither mail nor phone."""
    case = Case("two_row", "選考管理表_2行.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet = "選考管理"
    ws["A1"] = "選考管理表（1名2行）"
    top, bottom = ["氏名", "電話", "応募日", "書類選考"], ["フリガナ", "メール", "媒体", "備考"]
    ps = people(seed, 6)
    ps[1] = replace(ps[1], source=ps[0].source)
    ps[2] = replace(ps[2], source=ps[0].source)
    starts = [5, 7, 9, 13, 15, 18]  # rows 11–12 repeat the header, row 17 is blank
    for row in (3, 11):
        _row(ws, row, dict(zip("ABCD", top, strict=True)))
        _row(ws, row + 1, dict(zip("ABCD", bottom, strict=True)))
    results = ["〇", "合格", "×", "〇", "×", "保留"]
    for i, (p, row) in enumerate(zip(ps, starts, strict=True)):
        source = p.source if i == 0 else "〃" if i == 1 else "同上" if i == 2 else p.source
        _row(ws, row, {"A": p.name, "B": _dashed(p.phone), "C": p.applied_at.strftime("%Y/%m/%d"), "D": results[i]})
        _row(ws, row + 1, {"A": p.kana, "B": p.email, "C": source})
        if i == 3:
            ws[f"B{row}"], ws[f"B{row + 1}"] = None, None
            case.error(sheet, row, "email/phone", "missing_required")
        else:
            note = "経験3年\n要確認" if i == 4 else None
            if note:
                ws[f"D{row + 1}"] = note
            case.ok(sheet, row, p, decision={"〇": "OK", "合格": "OK", "×": "NG"}.get(results[i]), note=note)
    case.warn(sheet, 11, None, "header_row_skipped")
    case.data = xlsx_bytes(book)
    return case


def contact_formula(seed: int = 5) -> Case:
    """``TEL：… / Mail：…`` in one 連絡先 cell, a reading in brackets after the name, bracketed remarks after a
    result, a date and a phone, formulas with a cached value, without one, and a cached ``#N/A``."""
    case = Case("contact_formula", "応募者_連絡先.xlsx")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet = "応募者"
    _row(ws, 1, dict(zip("ABCDEF", ["氏名", "連絡先", "応募日", "媒体", "書類選考結果", "一次面接"], strict=True)))
    ps = people(seed, 8)
    cached = {}
    for i, p in enumerate(ps):
        row = i + 2
        _row(ws, row, {"A": p.name, "B": f"TEL：{_dashed(p.phone)} / Mail：{p.email}",
                       "C": datetime.combine(p.applied_at, datetime.min.time()), "D": p.source, "E": "〇",
                       "F": "×" if i % 2 else None})
    ws["A2"] = f"{p0.name}（{hiragana(p0.kana)}）" if (p0 := ps[0]) else None
    case.ok(sheet, 2, ps[0], decision="OK")
    ws["B3"], ws["C3"], ws["E3"] = f"TEL：{_dashed(ps[1].phone)}", f"R{ps[1].applied_at.year - 2018}.{ps[1].applied_at.month}." \
        f"{ps[1].applied_at.day}（再応募）", "不合格（経験不足）"
    case.ok(sheet, 3, ps[1], furigana=None, email=None, decision="NG", note="再応募\n経験不足")
    ws["B4"], ws["E4"] = f"{_dashed(ps[2].phone)}（日中不可）", "合格"
    case.ok(sheet, 4, ps[2], furigana=None, email=None, decision="OK", note="日中不可")
    ws["B5"] = f"TEL：{_dashed(ps[3].phone)} / 自宅：03-1234-5678"
    case.error(sheet, 5, "連絡先", "ambiguous_cell")
    ws["D6"] = "=VLOOKUP(A6,媒体表!A:B,2,FALSE)"
    cached[(sheet, "D6")] = "#N/A"
    case.error(sheet, 6, "媒体", "cell_error")
    ws["C7"] = "=DATE(2023,4,1)"
    case.error(sheet, 7, "応募日", "formula")
    ws["D8"] = '=IF(A8="","",VLOOKUP(A8,媒体表!A:B,2,FALSE))'
    cached[(sheet, "D8")] = ps[6].source
    ws["B8"], ws["E8"] = f"Mail：{ps[6].email.upper()}", "見送り"
    case.ok(sheet, 8, ps[6], furigana=None, phone=None, decision="NG")
    ws["A9"], ws["B9"] = f"{ps[7].name}（{halfwidth(ps[7].kana)}）", f"mail: {ps[7].email}\ntel: {_dashed(ps[7].phone)}"
    case.ok(sheet, 9, ps[7], decision="OK")
    case.data = xlsx_bytes(book, cached)
    return case


def text_numbers(seed: int = 6) -> Case:
    """An old Mac file (1904 date system): dates as date cells, bare serials and 全角 text, phones as numbers and
    全角 text, +81, 全角 e-mails, placeholders, a compatibility kanji kept as written, text starting with = and @."""
    case = Case("text_numbers", "entry_list_mac.xlsx")
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    ws = book.active
    ws.title = sheet = "Sheet1"
    _row(ws, 1, dict(zip("ABCDEFGH", ["名前", "カナ", "E-mail", "携帯", "エントリー日", "流入元", "書類", "メモ"], strict=True)))
    ps = people(seed, 10)
    ps[3] = replace(ps[3], family="\ufa19田", family_kana="カンダ")  # 神 (U+FA19): NFKC would fold it
    for i, p in enumerate(ps):
        row = i + 2
        _row(ws, row, {"A": f"{p.family}\u3000{p.given}", "B": hiragana(p.kana).replace(" ", "\u3000"),
                       "C": fullwidth(p.email.upper()), "D": fullwidth(_dashed(p.phone)),
                       "E": datetime.combine(p.applied_at, datetime.min.time()), "F": fullwidth(p.source), "G": "ＯＫ"})
    ws["E3"] = (ps[1].applied_at - date(1904, 1, 1)).days  # a bare serial of the 1904 system
    ws["D3"], ws["G3"] = int(ps[1].phone), "ＮＧ"
    case.warn(sheet, 3, "携帯", "phone_leading_zero_restored")
    ws["E4"] = fullwidth(ps[2].applied_at.strftime("%Y/%m/%d"))
    ws["C6"], ws["H6"] = "なし", "=1+1 と書いてあった"
    ws["H6"].data_type = "s"
    ws["C7"], ws["D7"], ws["H7"] = "-", f"+81 {_dashed(ps[5].phone)[1:]}", "@担当 確認"
    ws["E8"], ws["G8"] = ps[6].applied_at.strftime("%Y%m%d"), "ＯＫ（再確認）"
    ws["D9"] = "0120-123-456"
    ws["C10"] = "yamada@example"
    ws["E11"] = "2023-13-01"
    notes = {6: "=1+1 と書いてあった", 7: "@担当 確認", 8: "再確認"}
    for i, p in enumerate(ps):
        row = i + 2
        if i == 8:
            case.error(sheet, row, "E-mail", "invalid_email")
        elif i == 9:
            case.error(sheet, row, "エントリー日", "invalid_date")
        else:
            case.ok(sheet, row, p, email=None if i in (4, 5) else p.email, phone="0120123456" if i == 7 else p.phone,
                    decision="NG" if i == 1 else "OK", note=notes.get(row))
    case.data = xlsx_bytes(book)
    return case
