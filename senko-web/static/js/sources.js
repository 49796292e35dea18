// The 媒体連携 page (admins): the sources, their runs, run now, delete.

import { api } from "./api.js";
import { $, el, button, row } from "./dom.js";
import { formatDate } from "./format.js";
import { errorText } from "./errors.js";
import { loadSourceNames } from "./list.js";
import { editSource, loadAllowList } from "./source-form.js";

const KINDS = { json_api: "JSON API", html_console: "管理画面 (HTML)", imap: "応募通知メール (IMAP)" };
const RUN_STATUS = { ok: "成功", partial: "一部エラー", failed: "失敗", running: "取り込み中" };
const TRIGGERS = { manual: "手動", schedule: "定期" };
const sourcesState = { list: [], busy: new Set(), history: null };

function runBadge(run) {
  if (!run) return el("span", { className: "badge", textContent: "未実行" });
  return el("span", { className: `badge run-${run.status}`, textContent: RUN_STATUS[run.status] || run.status,
                      title: run.reason || "" });
}

function runCounts(run) {
  return run ? `取得 ${run.seen} / 新規 ${run.new} / 重複 ${run.duplicates} / エラー ${run.errors}` : "—";
}

const isRunning = (source) => source.last_run?.status === "running";

export async function loadSources() {
  const data = await api("/sources");
  sourcesState.list = data.sources;
  $("sources-empty").hidden = data.sources.length > 0;
  $("sources").hidden = data.sources.length === 0;
  $("sources").querySelector("tbody").replaceChildren(...data.sources.map((s) => {
    const run = button("今すぐ取り込む", () => runNow(s, run));
    run.disabled = sourcesState.busy.has(s.id) || isRunning(s);
    run.className = "run";
    const last = el("span", {}, runBadge(s.last_run), s.last_run ? ` ${formatDate(s.last_run.finished_at || s.last_run.started_at)}` : "",
                    s.last_run?.status === "failed" && s.last_run.reason ? el("div", { className: "hint", textContent: s.last_run.reason }) : null);
    const actions = el("div", { className: "actions" }, run, button("履歴", () => showHistory(s), "history"),
                       button("編集", () => editSource(s), "edit"), button("削除", () => deleteSource(s), "danger delete"));
    const tr = row(s.name, KINDS[s.kind] || s.kind, s.enabled ? "有効" : "停止中", last, runCounts(s.last_run),
                   s.next_run_at ? formatDate(s.next_run_at) : "—", actions);
    tr.dataset.id = s.id; tr.cells[0].className = "name";
    return tr;
  }));
  if (sourcesState.history) {
    const current = data.sources.find((s) => s.id === sourcesState.history.id);
    if (current) showHistory(current); else $("source-runs-card").hidden = true;
  }
}

async function runNow(source, node) {
  sourcesState.busy.add(source.id);
  node.disabled = true;
  $("sources-message").textContent = "";
  try {
    const data = await api(`/sources/${source.id}/run`, { method: "POST" });
    $("sources-message").textContent = `${source.name} の取り込みを開始しました (実行 ${data.run_id})`;
    sourcesState.history = source;
  } catch (error) {
    $("sources-message").textContent = errorText(error);
  } finally {
    sourcesState.busy.delete(source.id);
    await loadSources();
  }
}

async function showHistory(source) {
  sourcesState.history = source;
  const { runs } = await api(`/sources/${source.id}/runs`);
  $("source-runs-card").hidden = false;
  $("source-runs-title").textContent = `取り込み履歴: ${source.name}`;
  $("source-runs").querySelector("tbody").replaceChildren(...runs.flatMap((r) => {
    const tr = row(formatDate(r.started_at), r.finished_at ? formatDate(r.finished_at) : "—", TRIGGERS[r.trigger] || r.trigger || "—",
                   runBadge(r), String(r.seen), String(r.new), String(r.duplicates), String(r.errors), r.reason || "");
    tr.dataset.status = r.status; tr.cells[5].className = "new";
    if (!r.item_errors || !r.item_errors.length) return [tr];
    const list = el("ul", { className: "item-errors" }, ...r.item_errors.map((e) =>
      el("li", { textContent: `${e.external_id ? `[${e.external_id}] ` : ""}${e.message}` })));
    return [tr, el("tr", { className: "item-errors-row" }, el("td", { colSpan: 9 }, list))];
  }));
  $("source-runs-empty").hidden = runs.length > 0;
}

async function deleteSource(source) {
  if (!confirm(`媒体「${source.name}」と取り込み履歴を削除します。取り込んだ応募者は残ります。よろしいですか?`)) return;
  try {
    $("sources-message").textContent = (await api(`/sources/${source.id}`, { method: "DELETE" })).message;
    if (sourcesState.history?.id === source.id) { sourcesState.history = null; $("source-runs-card").hidden = true; }
    await Promise.all([loadSources(), loadSourceNames()]);
  } catch (error) { $("sources-message").textContent = errorText(error); }
}

// Called by the shell (main.js) when the 媒体連携 page opens.
export function openSources() {
  loadSources().catch((error) => { $("sources-message").textContent = errorText(error); });
  loadAllowList();
}

// Called by the shell's events poll: source events refresh the page; a running source is watched until it ends.
export function sourcesChanged(events) {
  if ($("sources-view").hidden) return;
  if (events.some((e) => e.kind.startsWith("source_")) || sourcesState.list.some(isRunning)) loadSources().catch(() => {});
}

export function wireSources() {
  $("source-runs-close").addEventListener("click", () => { sourcesState.history = null; $("source-runs-card").hidden = true; });
}
