// One applicant on the right of the list: résumé inline, score against the threshold, reasons, decision
// history, editing. Deciding and moving on belong to review.js; this module only shows and edits.

import { api } from "./api.js";
import { $, el } from "./dom.js";
import { formatDate, formatDay, percent } from "./format.js";
import { withBusy } from "./busy.js";
import { toast } from "./toast.js";
import { errorText } from "./errors.js";
import { STATUS, hiddenBadge, provisionalBadge } from "./badges.js";
import { showResume } from "./pdfview.js";
import { nounToggle, reasonsChart, verdict } from "./reasons.js";

let shown = null;        // the applicant shown
let loading = null;      // AbortController of the one being loaded
let threshold;           // from GET /applicants/histogram (undefined: not asked yet, null: unknown)
let hooks = { onOpen: () => {}, onChanged: () => {}, onDeleted: () => {} };

export function currentApplicant() { return shown; }

/** The triage threshold (0–1) from the API, asked once; null when the server does not say. */
export async function loadThreshold() {
  if (threshold === undefined) {
    try { threshold = (await api("/applicants/histogram?bins=2")).threshold ?? null; } catch (error) { threshold = null; }
  }
  return threshold;
}

/** Hide the detail (nothing open). */
export function clearDetail() {
  loading?.abort();
  shown = null;
  $("detail").hidden = true;
  $("review").classList.remove("has-detail");
}

/** Load and show applicant `id`; throws ApiFailure (404 when it is gone). */
export async function showDetail(id, { focus = false } = {}) {
  loading?.abort();
  const controller = new AbortController();
  loading = controller;
  const { signal } = controller;
  const [{ applicant }, limit] = await Promise.all([api(`/applicant/${id}`, { signal }), loadThreshold()]);
  const [nouns, history] = await Promise.all([
    applicant.resume ? api(`/applicant/${id}/nouns`, { signal }) : { nouns: [] },
    api(`/applicant/${id}/decisions`, { signal }),
  ]);
  if (signal.aborted) return null;
  const changed = shown?.id !== applicant.id;
  shown = applicant;
  $("detail").hidden = false;
  $("review").classList.add("has-detail");
  renderHead(applicant, limit);
  renderReasons(applicant, nouns.nouns);
  renderHistory(history.decisions);
  if (changed) { fillEdit(applicant); $("decision-note").value = ""; }
  $("download").disabled = !applicant.resume;
  $("decide-clear").disabled = !applicant.decision;
  if (changed) renderResume(applicant, signal);
  if (focus) $("detail-name").focus({ preventScroll: false });
  return applicant;
}

function renderHead(a, limit) {
  $("detail-name").textContent = `${a.name}${a.furigana ? ` (${a.furigana})` : ""}`;
  const duplicate = a.possible_duplicate_of ? el("a", { href: `?open=${a.possible_duplicate_of}`, className: "duplicate-link",
    textContent: `同じ人の可能性: 応募者 #${a.possible_duplicate_of} を開く` }) : null;
  duplicate?.addEventListener("click", (event) => { event.preventDefault(); hooks.onOpen(a.possible_duplicate_of); });
  $("detail-flags").replaceChildren(...[provisionalBadge(a), duplicate].filter(Boolean));
  $("detail-status").textContent = `状態: ${STATUS[a.status] || a.status}` +
    (a.failure_reason ? ` — ${a.failure_detail || a.failure_reason}` : "") +
    (a.decision ? ` / 判定 ${a.decision} (${a.decided_by || "—"}, ${formatDate(a.decided_at)})` : " / 未判定");
  const flag = hiddenBadge(a);
  if (flag) $("detail-status").append(" ", flag);
  $("detail-source").textContent = [a.source ? `媒体: ${a.source}${a.external_id ? ` (媒体側 ID ${a.external_id})` : ""}` : "",
                                    a.applied_at ? `応募日: ${formatDay(a.applied_at)}` : "",
                                    `登録: ${formatDate(a.created_at)}`].filter(Boolean).join(" / ");
  $("detail-score").replaceChildren(el("strong", { textContent: verdict(a.score, limit) }),
    a.model_version ? el("span", { className: "hint", textContent: ` (モデル ${a.model_version})` }) : "");
  $("detail-score").className = `score-line ${a.score === null || a.score === undefined ? "" : a.score >= (limit ?? 2) ? "above" : "below"}`;
}

function renderReasons(a, nouns) {
  $("detail-explanation").replaceChildren(reasonsChart(a.explanation));
  $("nouns-toggle-slot").replaceChildren(nounToggle($("detail-nouns"), nouns));
}

function renderHistory(decisions) {
  $("decision-history").replaceChildren(...decisions.map((d) => el("li", {
    textContent: `${formatDate(d.changed_at)} ${d.changed_by || "—"}: ${d.from || "未判定"} → ${d.to || "未判定"}${d.note ? ` (${d.note})` : ""}`,
  })));
  $("decision-history-empty").hidden = decisions.length > 0;
}

async function renderResume(a, signal) {
  const viewer = $("resume-viewer");
  viewer.replaceChildren();
  delete viewer.dataset.pages;
  if (!a.resume) { viewer.append(el("p", { className: "hint", textContent: "履歴書はまだありません。" })); return; }
  viewer.append(el("p", { className: "hint", textContent: "履歴書を読み込んでいます…" }));
  try {
    await showResume(viewer, a.id, signal);
  } catch (error) {
    if (signal.aborted || error.name === "AbortError") return;
    viewer.replaceChildren(el("p", { className: "error", textContent: `履歴書を表示できません: ${error.status !== undefined ? errorText(error) : "PDF を読み取れませんでした。ダウンロードしてご覧ください。"}` }));
  }
}

// ---- editing -------------------------------------------------------------------------------------------
const EDITABLE = { "edit-name": "name", "edit-furigana": "furigana", "edit-email": "email", "edit-phone": "phone",
                   "edit-applied": "applied_at", "edit-source": "source", "edit-note": "note" };

function fillEdit(a) {
  for (const [id, key] of Object.entries(EDITABLE)) $(id).value = a[key] ?? "";
  $("edit-provisional").hidden = a.name_source !== "filename";
  $("edit-message").textContent = "";
}

async function saveEdit(event) {
  event.preventDefault();
  const a = shown;
  if (!a) return;
  const changes = {};
  for (const [id, key] of Object.entries(EDITABLE)) {
    const value = $(id).value.trim();
    if (value !== (a[key] ?? "")) changes[key] = value === "" && key !== "name" ? null : value;
  }
  // An untouched provisional name is confirmed as it is when the person saves it.
  if (a.name_source === "filename" && !("name" in changes) && $("edit-confirm-name").checked) changes.name = a.name;
  if (!Object.keys(changes).length) { $("edit-message").textContent = "変更はありません。"; return; }
  await withBusy(event.submitter || $("edit-save"), async () => {
    const { applicant } = await api(`/applicant/${a.id}`, { method: "PATCH", body: changes });
    shown = null;  // re-render everything (the form too)
    await showDetail(applicant.id);
    $("edit-message").textContent = "保存しました。";
    hooks.onChanged();
  });
}

async function download(button) {
  const a = shown;
  await withBusy(button, async () => {
    const response = await api(`/applicant/${a.id}/resume`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    el("a", { href: url, download: a.resume?.filename || `resume-${a.id}.pdf` }).click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });
}

async function remove(button) {
  const a = shown;
  if (!a || !confirm(`${a.name} さんのデータをすべて削除します。よろしいですか?`)) return;
  await withBusy(button, async () => {
    await api(`/applicant/${a.id}`, { method: "DELETE" });
    toast(`${a.name} さんを削除しました`, { kind: "success" });
    clearDetail();
    hooks.onDeleted(a.id);
  });
}

/** Wire the detail's own controls; hooks: onOpen(id) (duplicate link), onChanged() after an edit, onDeleted(id). */
export function initDetail(given) {
  hooks = { ...hooks, ...given };
  $("edit-form").addEventListener("submit", saveEdit);
  $("download").addEventListener("click", (event) => download(event.currentTarget));
  $("delete").addEventListener("click", (event) => remove(event.currentTarget));
  $("detail-close").addEventListener("click", () => { clearDetail(); hooks.onClosed?.(); });
}

/** Show a load failure of the detail in Japanese (the applicant may be gone). */
export function reportLoadFailure(error) {
  toast(errorText(error), { kind: "failed" });
}
export { percent };
