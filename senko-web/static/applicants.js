// Senko's browser UI, part 2 of 6: the applicant list (with its 媒体 column and filter) and one applicant's detail.
"use strict";

function percent(score) { return score === null || score === undefined ? "—" : `${Math.round(score * 100)}%`; }
const STATUS = { no_resume: "履歴書なし", queued: "待機中", processing: "処理中", scored: "採点済み", unscored: "未採点", failed: "読み取り失敗" };
const OTHER_SOURCE = "__other";

// 「隠し文字あり」: the résumé holds text a reader does not see (left out of the nouns and the score).
function hiddenBadge(applicant) {
  if (!(applicant.hidden_chars > 0)) return null;
  return el("span", { className: "badge hidden-text", textContent: "隠し文字あり",
                      title: `見えない文字 ${applicant.hidden_chars} 文字 (採点には使っていません)` });
}

// The 媒体 filter: a job-board source's name, or any text typed in (e.g. 紹介, 自社サイト).
function sourceFilter() {
  const choice = $("filter-source").value;
  return choice === OTHER_SOURCE ? $("filter-source-other").value.trim() : choice;
}

// Fill the 媒体 filter with the sources' names (any user may read GET /sources); the choice is kept.
async function loadSourceNames() {
  let names = [];
  try { names = (await api("/sources")).sources.map((s) => s.name); } catch (error) { /* the filter still takes free text */ }
  const select = $("filter-source"), chosen = select.value;
  select.replaceChildren(el("option", { value: "", textContent: "媒体: すべて" }),
                         ...names.map((name) => el("option", { value: name, textContent: name })),
                         el("option", { value: OTHER_SOURCE, textContent: "その他 (入力)" }));
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  else if (chosen) { select.value = OTHER_SOURCE; $("filter-source-other").value = chosen; }
  $("filter-source-other").hidden = select.value !== OTHER_SOURCE;
}

async function loadApplicants() {
  const params = new URLSearchParams();
  for (const [id, key] of [["filter-triage", "triage"], ["filter-decision", "decision"], ["sort", "sort"]]) {
    if ($(id).value) params.set(key, $(id).value);
  }
  if (sourceFilter()) params.set("source", sourceFilter());
  const data = await api(`/applicant/${state.limit}/${state.page}?${params}`);
  $("total").textContent = `${data.total} 名`;
  $("page-label").textContent = `${data.page} / ${Math.max(data.pages, 1)}`;
  $("prev").disabled = data.page <= 1; $("next").disabled = data.page >= data.pages;
  $("applicants").querySelector("tbody").replaceChildren(...data.applicants.map((a) => {
    const badge = el("span", { className: `badge ${a.status}`, textContent: STATUS[a.status] || a.status, title: a.failure_detail || "" });
    const tr = row(a.name_source === "filename" ? `${a.name}（ファイル名）` : a.name, a.source || "—",
                   el("span", {}, badge, hiddenBadge(a)),
                   percent(a.score), a.decision || "未判定", button("詳細", () => showDetail(a.id)));
    tr.className = a.triage; tr.dataset.id = a.id;
    tr.cells[1].className = "source"; tr.cells[3].className = "score";
    return tr;
  }));
}

async function showDetail(id) {
  state.selected = id;
  const { applicant } = await api(`/applicant/${id}`);
  const nouns = applicant.resume ? await api(`/applicant/${id}/nouns`) : { nouns: [] };
  $("detail").hidden = false;
  $("detail-name").textContent = `${applicant.name}${applicant.furigana ? ` (${applicant.furigana})` : ""}`;
  $("detail-status").textContent = `状態: ${STATUS[applicant.status] || applicant.status}` +
    (applicant.failure_reason ? ` — ${applicant.failure_reason}: ${applicant.failure_detail || ""}` : "") +
    (applicant.decision ? ` / 判定 ${applicant.decision} (${applicant.decided_by}, ${applicant.decided_at})` : "");
  const flag = hiddenBadge(applicant);
  if (flag) $("detail-status").append(" ", flag);
  $("detail-source").textContent = applicant.source ? `媒体: ${applicant.source}` +
    (applicant.external_id ? ` (媒体側 ID ${applicant.external_id})` : "") : "";
  $("detail-score").textContent = `OK度数 ${percent(applicant.score)}` + (applicant.model_version ? ` (モデル ${applicant.model_version})` : "");
  $("detail-explanation").replaceChildren(...(applicant.explanation || []).map((e) =>
    el("li", { textContent: `${e.noun} ${e.weight > 0 ? "+" : ""}${e.weight}` })));
  $("detail-nouns").textContent = nouns.nouns.map((n) => `${n.noun}×${n.count}`).join("、 ");
  $("download").disabled = !applicant.resume;
  $("decide-clear").disabled = !applicant.decision;
  const { decisions } = await api(`/applicant/${id}/decisions`);
  $("decision-history").replaceChildren(...decisions.map((d) => el("li", {
    textContent: `${jst(d.changed_at)} ${d.changed_by || "—"}: ${d.from || "未判定"} → ${d.to || "未判定"}${d.note ? ` (${d.note})` : ""}`,
  })));
}

async function decide(decision) {
  const note = $("decision-note").value.trim();
  try {
    await api(`/applicant/${state.selected}`, { method: "PATCH", json: note ? { decision, decision_note: note } : { decision } });
    $("decision-note").value = "";
  } catch (error) { toast(error.message, "failed"); }
  await Promise.all([showDetail(state.selected), loadApplicants()]);
}

function wireApplicants() {
  for (const id of ["filter-triage", "filter-decision", "sort"]) $(id).addEventListener("change", () => { state.page = 1; loadApplicants(); });
  $("filter-source").addEventListener("change", () => {
    $("filter-source-other").hidden = $("filter-source").value !== OTHER_SOURCE;
    if ($("filter-source").value === OTHER_SOURCE) $("filter-source-other").focus();
    state.page = 1; loadApplicants();
  });
  $("filter-source-other").addEventListener("change", () => { state.page = 1; loadApplicants(); });
  $("prev").addEventListener("click", () => { state.page -= 1; loadApplicants(); });
  $("next").addEventListener("click", () => { state.page += 1; loadApplicants(); });
  $("decide-ok").addEventListener("click", () => decide("OK"));
  $("decide-ng").addEventListener("click", () => decide("NG"));
  $("decide-clear").addEventListener("click", () => decide(null));
  $("download").addEventListener("click", async () => {
    const response = await api(`/applicant/${state.selected}/resume`, { raw: true });
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `resume-${state.selected}.pdf` });
    link.click();
  });
  $("delete").addEventListener("click", async () => {
    if (!confirm("この応募者のデータをすべて削除します。よろしいですか?")) return;
    await api(`/applicant/${state.selected}`, { method: "DELETE" });
    $("detail").hidden = true; loadApplicants();
  });
}
