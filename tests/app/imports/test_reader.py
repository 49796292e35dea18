"""The 神エクセル reader on small files: format detection, limits, row numbers and the row rules."""
import io
import zipfile

import openpyxl
import pytest

from senko.demo.spreadsheet_writer import xlsx_bytes
from senko.demo.spreadsheets import clean, legacy_xls
from senko.exceptions import Invalid, NotFound, TooLarge, Unsupported
from senko.imports import Limits, preview, read_rows

HEADER = "氏名,メール,電話,応募日,書類選考,備考\r\n"


def rows_of(text: str, encoding: str = "utf-8", **options):
    """Read a CSV given as text with the proposed mapping: the sheet's SheetResult."""
    data = text.encode(encoding)
    sheet = preview(data, "t.csv")[0]
    return read_rows(data, "t.csv", sheet.name, sheet.mapping, **options)


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b"")])
def test_csv_encodings_are_detected_from_the_content(encoding, bom):
    """UTF-8 with or without BOM and cp932 (Shift_JIS) read the same, whatever the file is called."""
    data = bom + (HEADER + "山田 太郎,a@b.jp,,2023/4/1,合格,\r\n").encode(encoding)
    sheet = preview(data, "list.xlsx")[0]
    assert sheet.columns == ["氏名", "メール", "電話", "応募日", "書類選考", "備考"]
    assert sheet.rows[0].values["name"] == "山田 太郎"


def test_format_is_detected_from_content_not_name():
    """An xlsx called .csv, an xls called .xlsx: read as what they are."""
    assert preview(clean().data, "misnamed.csv")[0].name == "応募者"
    assert preview(legacy_xls().data, "misnamed.xlsx")[0].name == "応募者"


@pytest.mark.parametrize("data", [b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", b"\x00\x01\x02binary\xff\xfe", b"just some words\nno table",
                                  b"", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_not_a_spreadsheet_is_unsupported(data):
    """A PDF, binary noise, plain prose, an empty file: Unsupported."""
    with pytest.raises(Unsupported):
        preview(data, "x.csv")


def test_a_zip_that_is_not_a_workbook_is_unsupported_and_a_broken_one_invalid():
    """A zip without xl/workbook.xml is Unsupported; a truncated or garbled workbook is Invalid."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(Unsupported):
        preview(stream.getvalue())
    with pytest.raises(Invalid):
        preview(clean().data[:2000])
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not closed")
    with pytest.raises(Invalid):
        preview(stream.getvalue())
    with pytest.raises(Invalid):
        preview(legacy_xls().data[:1000])


def test_zip_bomb_is_refused_before_parsing():
    """An xlsx whose uncompressed size or cell count exceeds the limits is TooLarge."""
    data = clean().data
    with pytest.raises(TooLarge):
        preview(data, limits=Limits(max_bytes=5_000))
    with pytest.raises(TooLarge):
        preview(data, limits=Limits(max_cells=50))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c r='A1'/>" * 10 + b" " * 50_000_000)
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(TooLarge):
        preview(bomb.getvalue(), limits=Limits(max_bytes=10_000_000))
    with pytest.raises(TooLarge):
        preview((HEADER * 30).encode(), "t.csv", limits=Limits(max_cells=100))
    assert len(preview(data)[0].rows) == 12


def test_csv_row_numbers_are_excel_rows_despite_quoted_line_breaks():
    """A quoted line break inside a cell does not shift the row numbers of later rows."""
    result = rows_of(HEADER + '山田,a@b.jp,,2023/4/1,〇,"一行目\n二行目\n三行目"\r\n佐藤,bad-mail,,2023/4/2,×,\r\n')
    assert [row.row for row in result.rows] == [2, 3]
    assert result.rows[0].values["note"] == "一行目\n二行目\n三行目"
    assert [(p.row, p.column, p.value, p.reason) for p in result.errors()] == [(3, "メール", "bad-mail", "invalid_email")]


def test_rows_are_all_or_nothing_with_every_error_listed():
    """A row with several problems lists each of them (in column order) and is not importable."""
    result = rows_of(HEADER + "山田,taro@@x,090-1,令和5年2月30日,〇→×,\r\n")
    row = result.rows[0]
    assert not row.ok
    assert [(p.column, p.value, p.reason) for p in row.errors] == [
        ("メール", "taro@@x", "invalid_email"), ("電話", "090-1", "invalid_phone"),
        ("応募日", "令和5年2月30日", "invalid_date"), ("書類選考", "〇→×", "ambiguous_decision")]
    assert all(p.sheet == "t" and p.row == 2 and p.message for p in row.errors)


def test_missing_required_names_the_fields():
    """No name, no applied_at, neither mail nor phone: one missing_required naming them all."""
    result = rows_of(HEADER + ",,,,〇,メモだけ\r\n山田,,,2023/4/1,,\r\n")
    first, second = result.rows
    assert [(p.column, p.reason) for p in first.errors] == [("name, applied_at, email/phone", "missing_required")]
    assert "氏名" in first.errors[0].message and "応募日" in first.errors[0].message
    assert "メールまたは電話" in first.errors[0].message
    assert [(p.column, p.reason) for p in second.errors] == [("email/phone", "missing_required")]


def test_placeholders_blank_rows_and_prenumbered_rows():
    """``-``/``なし`` are empty; blank spacer rows and rows with nothing in a mapped column are not applicants."""
    data = "No," + HEADER + "1,山田,なし,090-1234-5678,2023/4/1,-,ー\r\n,,,,,,\r\n2,,,,,,\r\n3,佐藤,s@x.jp,-,2023/4/3,,\r\n"
    result = rows_of(data)
    assert [(row.row, row.values["email"], row.values["phone"], row.values["note"]) for row in result.rows] == [
        (2, None, "09012345678", None), (5, "s@x.jp", None, None)]


def test_ditto_repeated_headers_and_subtotals():
    """〃/同上 copy the value above; a repeated header row and a 合計 row are skipped with warnings."""
    text = ("氏名,メール,応募日,媒体\r\n山田,a@b.jp,2023/4/1,リクナビ\r\n佐藤,b@b.jp,〃,〃\r\n"
            "氏名,メール,応募日,媒体\r\n鈴木,c@b.jp,同上,同上\r\n小計,3名,,\r\n合　計,3,,\r\n")
    result = rows_of(text)
    assert [(r.row, str(r.values["applied_at"]), r.values["source"]) for r in result.rows] == [
        (2, "2023-04-01", "リクナビ"), (3, "2023-04-01", "リクナビ"), (5, "2023-04-01", "リクナビ")]
    assert [(p.row, p.column, p.reason) for p in result.all_warnings()] == [
        (4, None, "header_row_skipped"), (6, "氏名", "subtotal_row_skipped"), (7, "氏名", "subtotal_row_skipped")]


def test_error_values_saved_as_text_in_a_csv_are_errors():
    """A CSV saved from Excel writes #N/A as text: still an error value on that row, not a source called #N/A."""
    result = rows_of("氏名,メール,応募日,媒体\r\n山田,a@b.jp,2023/4/1,#N/A\r\n")
    assert [(p.column, p.value, p.reason) for p in result.errors()] == [("媒体", "#N/A", "cell_error")]


def test_ditto_with_nothing_above_is_an_error():
    """〃 on the first data row, or under a blank cell, has no value to copy: ambiguous_cell, not a guess."""
    result = rows_of(HEADER + "山田,a@b.jp,,〃,,\r\n佐藤,b@b.jp,,2023/4/1,,\r\n鈴木,c@b.jp,,,,\r\n田中,d@b.jp,,同上,,\r\n")
    assert [(p.row, p.column, p.reason) for p in result.errors()] == [
        (2, "応募日", "ambiguous_cell"), (4, "applied_at", "missing_required"), (5, "応募日", "ambiguous_cell")]


def test_era_column_ditto():
    """A 〃 in the era column takes the era above for a short 和暦 date."""
    result = rows_of("氏名,メール,元号,応募日\r\n山田,a@b.jp,令和,5/4/1\r\n佐藤,b@b.jp,〃,5/4/2\r\n")
    assert [str(row.values["applied_at"]) for row in result.rows] == ["2023-04-01", "2023-04-02"]


def test_values_starting_with_formula_characters_stay_text():
    """= + - @ at the start of a CSV cell are kept as the text they are (never evaluated)."""
    result = rows_of(HEADER + '山田,a@b.jp,,2023/4/1,,"=cmd|\' /C calc\'!A0"\r\n')
    assert result.rows[0].values["note"] == "=cmd|' /C calc'!A0"


def _book(rows, merges=(), formulas=None, cached=None):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    return xlsx_bytes(book, {("S", ref): value for ref, value in (cached or {}).items()})


def test_formulas_cached_values_missing_values_and_error_values():
    """A formula's cached value is used; without one it is a formula error; #N/A or #REF! cached is cell_error."""
    header = ["氏名", "メール", "応募日", "媒体"]
    data = _book([header, ["山田", "a@b.jp", "2023/4/1", None], ["佐藤", "b@b.jp", "2023/4/1", None],
                  ["鈴木", "c@b.jp", "2023/4/1", None], ["田中", "d@b.jp", "2023/4/1", None]],
                 formulas={"D2": "=B9", "D3": "=B9", "D4": "=VLOOKUP(A4,X!A:B,2,0)", "D5": "=#REF!"},
                 cached={"D2": "doda", "D4": "#N/A", "D5": "#REF!"})
    result = read_rows(data, None, "S", preview(data)[0].mapping)
    assert result.rows[0].values["source"] == "doda" and result.rows[0].ok
    assert [(p.row, p.column, p.value, p.reason) for p in result.errors()] == [
        (3, "媒体", "formula", "formula"), (4, "媒体", "#N/A", "cell_error"), (5, "媒体", "#REF!", "cell_error")]


def test_a_formula_whose_cached_result_is_empty_text_is_an_empty_cell():
    """=IF(...,"",...) cached as "" (t="str") is no value, not a formula error."""
    data = _book([["氏名", "メール", "応募日", "媒体"], ["山田", "a@b.jp", "2023/4/1", None]],
                 formulas={"D2": '=IF(A2="","","")'}, cached={"D2": ""})
    result = read_rows(data, None, "S", preview(data)[0].mapping)
    assert result.rows[0].ok and result.rows[0].values["source"] is None


def test_vertical_merges_fill_down_and_a_merged_name_is_one_record():
    """A value merged down several rows applies to each; a name merged over two rows is one applicant."""
    data = _book([["氏名", "メール", "応募日", "備考"], ["山田", "a@b.jp", "2023/4/1", "一行目"],
                  [None, None, None, "二行目"], ["佐藤", "b@b.jp", None, None]],
                 merges=["A2:A3", "C2:C4"])
    result = read_rows(data, None, "S", preview(data)[0].mapping)
    assert [(r.row, r.values["name"], str(r.values["applied_at"]), r.values["note"]) for r in result.rows] == [
        (2, "山田", "2023-04-01", "一行目\n二行目"), (4, "佐藤", "2023-04-01", None)]


def test_unknown_sheet_and_unmapped_columns():
    """Reading a sheet not in the file is NotFound; a column mapped to None is ignored."""
    data = clean().data
    with pytest.raises(NotFound):
        read_rows(data, None, "ない", {})
    result = read_rows(data, None, "応募者", {"氏名": "name", "応募日": "applied_at", "メール": "email"})
    assert result.rows[0].ok and result.rows[0].values["phone"] is None and result.rows[0].values["decision"] is None


def test_a_sheet_without_a_table_is_not_selected():
    """A sheet of prose has no region, no columns, is not selected and reads no rows."""
    data = _book([["このシートはメモです"], ["特に表はありません"]])
    sheet = preview(data)[0]
    assert (sheet.columns, sheet.region, sheet.selected) == ([], "", False)
    assert read_rows(data, None, "S", {}).rows == []


def test_three_header_rows_and_a_group_over_sub_labels_is_not_a_two_row_record():
    """応募者情報 over 氏名 over 漢字|カナ flattens three rows; 連絡先 over 電話|メール is a group, not two rows."""
    data = _book([["応募者一覧"], [],
                  ["応募者情報", None, None, None, "選考", None],
                  ["氏名", None, "連絡先", None, "応募日", "書類選考"],
                  ["漢字", "カナ", "電話", "メール", None, None],
                  ["山田 太郎", "やまだ たろう", "090-1234-5678", "a@b.jp", "2023/4/1", "〇"]],
                 merges=["A3:D3", "E3:F3", "A4:B4", "C4:D4", "E4:E5", "F4:F5"])
    sheet = preview(data)[0]
    assert sheet.header_rows == [3, 4, 5]
    assert sheet.columns == ["応募者情報/氏名/漢字", "応募者情報/氏名/カナ", "応募者情報/連絡先/電話", "応募者情報/連絡先/メール",
                             "選考/応募日", "選考/書類選考"]
    assert list(sheet.mapping.values()) == ["name", "furigana", "phone", "email", "applied_at", "decision"]
    assert sheet.rows[0].values["furigana"] == "ヤマダ タロウ" and sheet.rows[0].values["decision"] == "OK"


def test_legacy_xls_hidden_sheet_and_1904_dates():
    """An .xls written with the 1904 date system reads the right dates; a hidden .xls sheet is not selected."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = True
    ws = book.add_sheet("応募者")
    for col, label in enumerate(["氏名", "メール", "応募日"]):
        ws.write(0, col, label)
    ws.write(1, 0, "山田 太郎")
    ws.write(1, 1, "a@b.jp")
    ws.write(1, 2, datetime.datetime(2023, 4, 1), xlwt.easyxf(num_format_str="yyyy/mm/dd"))
    hidden = book.add_sheet("旧")
    hidden.visibility = 1
    hidden.write(0, 0, "氏名")
    stream = io.BytesIO()
    book.save(stream)
    sheets = preview(stream.getvalue())
    assert [(s.name, s.hidden, s.selected) for s in sheets] == [("応募者", False, True), ("旧", True, False)]
    assert str(sheets[0].rows[0].values["applied_at"]) == "2023-04-01"


def test_a_merged_title_right_above_the_header_is_not_a_header_row():
    """A title merged across the whole table directly above the header stays out of the labels."""
    data = _book([["株式会社サンプル 応募者管理表"], ["氏名", "メール", "応募日", "媒体"],
                  ["山田 太郎", "a@b.jp", "2023/4/1", "doda"]], merges=["A1:D1"])
    sheet = preview(data)[0]
    assert sheet.header_rows == [2] and sheet.columns == ["氏名", "メール", "応募日", "媒体"]


@pytest.mark.parametrize("name", ["clean", "monthly", "legacy_xls", "cp932_csv"])
def test_damaged_files_raise_only_domain_errors(name):
    """Truncated, overwritten or padded files: a SenkoError (Invalid/Unsupported/...) or a result, never a crash."""
    import random

    from senko.demo import spreadsheets
    from senko.exceptions import SenkoError

    case = spreadsheets.case(name)
    rng = random.Random(name)
    for _ in range(8):
        data = bytearray(case.data)
        cut = rng.randrange(len(data))
        kind = rng.randrange(3)
        if kind == 0:
            data = data[:cut]
        elif kind == 1:
            for _ in range(5):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data[cut:cut] = bytes(rng.randrange(256) for _ in range(20))
        try:
            for sheet in preview(bytes(data), case.filename):
                read_rows(bytes(data), case.filename, sheet.name, sheet.mapping)
        except SenkoError:
            pass


def test_csv_with_an_unclosed_quote_is_invalid():
    """A quote never closed runs past the csv module's field limit: Invalid, not a crash."""
    with pytest.raises(Invalid):
        preview(("氏名,メール\n\"" + "あ" * 200_000).encode(), "x.csv")
