"""Every reason class the import reports, in one place, with its Japanese message.

The keys are stable snake_case words (API users and scripts rely on them; the README lists them).
ERRORS block a row (it is not imported); WARNINGS are reported but the row is imported.
"""

ERRORS = {
    "missing_required": "必須項目（氏名・応募日・メールまたは電話）がありません",
    "invalid_date": "日付として読めません",
    "date_out_of_range": "応募日がありえない範囲です",
    "invalid_email": "メールアドレスとして正しくありません",
    "invalid_phone": "電話番号として正しくありません",
    "ambiguous_cell": "1つのセルに複数の値があり、分けられません",
    "ambiguous_decision": "選考結果が読み取れません",
    "formula": "数式の計算結果がファイルに保存されていません",
    "cell_error": "セルがエラー値（#N/A など）です",
    "conflicting_values": "2行にまたがる記録で値が食い違っています",
    "duplicate": "既に登録済みの応募者です",
    "too_long": "値が長すぎて保存できません",
}

WARNINGS = {
    "phone_leading_zero_restored": "電話番号の先頭の0を補いました（数値として保存されていたため）",
    "decision_withdrawn": "辞退は不合格ではありません：選考結果なしとして取り込みます",
    "decision_unrecognised": "選考結果の表記が読み取れないため、結果なしとして取り込みます",
    "subtotal_row_skipped": "小計・合計の行を読み飛ばしました",
    "header_row_skipped": "表の途中の見出し行を読み飛ばしました",
    "era_boundary": "改元後の日付が旧元号で書かれています（同じ日として読みました）",
}

REASONS = {**ERRORS, **WARNINGS}


def message_for(reason: str) -> str:
    """The Japanese message of a reason class (the reason itself if it is unknown)."""
    return REASONS.get(reason, reason)
