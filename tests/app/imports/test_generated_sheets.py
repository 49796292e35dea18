"""The 神エクセル generator's files read exactly as expected: every applicant, field, error and warning."""
import json

import pytest

from senko.demo import spreadsheets
from senko.imports import COLOUR_COLUMN, preview, read_rows

CASES = {case.name: case for case in spreadsheets.all_cases()}


def read_all(case):
    """What the reader makes of a case with the proposed mappings: (applicants, errors, warnings)."""
    applicants, errors, warnings = [], [], []
    for sheet in preview(case.data, case.filename):
        if not sheet.selected:
            continue
        result = read_rows(case.data, case.filename, sheet.name, sheet.mapping, colour_map=case.colour_map)
        for row in result.rows:
            if row.ok:
                applicants.append({"sheet": sheet.name, "row": row.row, **row.values})
            errors += [(p.sheet, p.row, p.column, p.reason) for p in row.errors]
        warnings += [(p.sheet, p.row, p.column, p.reason) for p in result.all_warnings()]
    return applicants, errors, warnings


def test_at_least_six_layouts_a_csv_a_control_and_an_xls():
    """The generator covers six layouts, the cp932 CSV, the clean control file and a legacy .xls."""
    assert set(CASES) == {"title_merged", "era_split", "monthly", "two_row", "contact_formula", "text_numbers",
                          "cp932_csv", "clean", "legacy_xls"}
    assert CASES["legacy_xls"].data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    CASES["cp932_csv"].data.decode("cp932")
    with pytest.raises(UnicodeDecodeError):
        CASES["cp932_csv"].data.decode("utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_reads_exactly_as_expected(name):
    """Every applicant with every field, every error and every warning: nothing more, nothing less."""
    case = CASES[name]
    applicants, errors, warnings = read_all(case)
    assert applicants == case.applicants
    assert sorted(errors, key=str) == sorted(case.errors, key=str)
    assert sorted(warnings, key=str) == sorted(case.warnings, key=str)


@pytest.mark.parametrize("name", sorted(CASES))
def test_generator_is_deterministic(name):
    """The same call writes the same bytes and the same expectations."""
    again = {case.name: case for case in spreadsheets.all_cases()}[name]
    assert again.data == CASES[name].data
    assert (again.applicants, again.errors, again.warnings) == (CASES[name].applicants, CASES[name].errors,
                                                                CASES[name].warnings)


def test_clean_control_has_no_problems():
    """The control file: every row an applicant, no error, no warning."""
    applicants, errors, warnings = read_all(CASES["clean"])
    assert len(applicants) == 12 and errors == [] and warnings == []


def test_title_block_and_merged_headers_are_flattened():
    """The title block is not the table; 氏名 over 姓|名 and 選考結果 over 書類|一次|最終 flatten to labels."""
    sheet = preview(CASES["title_merged"].data)[0]
    assert sheet.header_rows == [4, 5]
    assert sheet.region == "B4:M16"
    assert sheet.columns == ["No", "氏名/姓", "氏名/名", "ふりがな", "メールアドレス", "電話番号", "応募日", "媒体",
                             "選考結果/書類", "選考結果/一次", "選考結果/最終", "備考"]
    assert sheet.mapping == {"No": None, "氏名/姓": "name", "氏名/名": "name", "ふりがな": "furigana",
                             "メールアドレス": "email", "電話番号": "phone", "応募日": "applied_at", "媒体": "source",
                             "選考結果/書類": "decision", "選考結果/一次": None, "選考結果/最終": None, "備考": "note"}
    assert sheet.confidence["選考結果/書類"] == 1.0 and sheet.confidence["選考結果/一次"] == 0.0


def test_hidden_sheet_is_listed_but_not_selected():
    """A hidden sheet is in the preview, marked hidden, not selected; it can still be read when chosen."""
    sheets = {sheet.name: sheet for sheet in preview(CASES["monthly"].data)}
    assert [name for name in sheets] == ["4月", "5月", "集計用"]
    assert (sheets["集計用"].hidden, sheets["集計用"].selected) == (True, False)
    assert (sheets["4月"].hidden, sheets["4月"].selected) == (False, True)
    result = read_rows(CASES["monthly"].data, None, "集計用", sheets["集計用"].mapping)
    assert [row.values["email"] for row in result.rows] == ["old@example.jp"]


def test_colour_is_a_pseudo_column_and_decides_only_with_a_colour_map():
    """Grey rows: the fill shows as (行の色); no decision by default; a colour_map makes it one."""
    case = CASES["monthly"]
    sheet = preview(case.data)[0]
    assert sheet.columns[-1] == COLOUR_COLUMN and sheet.mapping[COLOUR_COLUMN] is None
    plain = read_rows(case.data, None, "4月", sheet.mapping)
    assert [row.original[COLOUR_COLUMN] for row in plain.rows] == ["FFBFBFBF", "", "", "FFBFBFBF", ""]
    assert [row.values["decision"] for row in plain.rows] == [None, "OK", "NG", None, "OK"]
    mapped = read_rows(case.data, None, "4月", sheet.mapping, colour_map={"ffbfbfbf": "NG"})
    assert [row.values["decision"] for row in mapped.rows] == ["NG", "OK", "NG", "NG", "OK"]
    withdrawn = read_rows(case.data, None, "4月", sheet.mapping, colour_map={"FFBFBFBF": "辞退"})
    assert [row.values["decision"] for row in withdrawn.rows] == [None, "OK", "NG", None, "OK"]
    assert [(p.row, p.reason) for p in withdrawn.all_warnings()] == [
        (3, "decision_withdrawn"), (6, "decision_withdrawn"), (8, "subtotal_row_skipped")]


def test_hidden_rows_are_imported():
    """Row 4 of each month is hidden in Excel and still read."""
    result = read_rows(CASES["monthly"].data, None, "5月", preview(CASES["monthly"].data)[1].mapping)
    assert 4 in [row.row for row in result.rows]


def test_saved_mapping_for_a_signature_maps_itself():
    """A mapping saved for a header signature is used (confidence 1) when the same layout comes again."""
    case = CASES["clean"]
    first = preview(case.data)[0]
    assert first.signature == preview(spreadsheets.clean(seed=99).data)[0].signature
    saved = dict(first.mapping, 備考=None, 媒体="note")
    again = preview(case.data, saved_mappings={first.signature: saved})[0]
    assert again.mapping == saved and set(again.confidence.values()) == {1.0}
    assert again.rows[0].values["note"] == again.rows[0].original["媒体"]
    other = preview(CASES["era_split"].data)[0]
    assert other.signature != first.signature


def test_preview_holds_the_first_20_rows_next_to_the_originals_and_is_json():
    """The preview shows at most 20 normalised rows beside the original cell text, JSON-serialisable."""
    data = spreadsheets.make_large(rows=50)
    sheet = preview(data, "big.xlsx")[0]
    assert len(sheet.rows) == 20 and sheet.rows[0].row == 2
    assert sheet.rows[0].original["電話"].count("-") == 2 and sheet.rows[0].values["phone"].isdigit()
    encoded = json.loads(json.dumps([s.to_dict() for s in preview(CASES["title_merged"].data)], ensure_ascii=False))
    assert encoded[0]["rows"][0]["values"]["applied_at"].count("-") == 2
    assert set(encoded[0]) >= {"name", "hidden", "selected", "region", "header_rows", "columns", "mapping",
                               "confidence", "signature", "rows"}


def test_large_file_reads_every_row_in_xlsx_and_csv():
    """make_large writes the same applicants as xlsx and as CSV; both read without a problem."""
    for fmt in ("xlsx", "csv"):
        data = spreadsheets.make_large(rows=300, fmt=fmt)
        sheet = preview(data, f"big.{fmt}")[0]
        result = read_rows(data, f"big.{fmt}", sheet.name, sheet.mapping)
        assert len(result.rows) == 300 and not result.errors() and not result.all_warnings()
