// The words and badges an applicant carries, in the list and in the detail.

import { el } from "./dom.js";

export const STATUS = { no_resume: "履歴書なし", queued: "待機中", processing: "処理中", scored: "採点済み", unscored: "未採点",
                        failed: "読み取り失敗" };

/** 「隠し文字あり」: the résumé holds text a reader does not see (left out of the nouns and the score). */
export function hiddenBadge(applicant) {
  if (!(applicant.hidden_chars > 0)) return null;
  return el("span", { className: "badge hidden-text", textContent: "隠し文字あり",
                      title: `見えない文字 ${applicant.hidden_chars} 文字 (採点には使っていません)` });
}

export function provisionalBadge(applicant) {
  return applicant.name_source === "filename"
    ? el("span", { className: "badge provisional", textContent: "仮の氏名", title: "ファイル名から付けた氏名です。編集すると確定します。" }) : null;
}
