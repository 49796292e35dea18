// The review workflow: open an applicant from the list, decide (OK / NG / 保留) with a note, go on to the
// next undecided one, undo the last decision (recorded as one more change), and the keyboard (j k o n u).

import { api } from "./api.js";
import { $ } from "./dom.js";
import { withBusy } from "./busy.js";
import { toast } from "./toast.js";
import { errorText } from "./errors.js";
import { clearDetail, currentApplicant, initDetail, showDetail } from "./detail.js";
import { initList, listState, loadList, markSelected, nextPage, rows, setOpen } from "./list.js";

const undoStack = [];  // {id, name, from, to} of this tab's decisions, newest last

/** Open applicant `id` in the detail (and the URL); a failure (gone meanwhile) is shown in Japanese. */
export async function openApplicant(id, { focus = false } = {}) {
  setOpen(id);
  markSelected(id);
  try {
    await showDetail(id, { focus });
    const tr = $("applicants").querySelector(`tbody tr[data-id="${id}"]`);
    tr?.scrollIntoView({ block: "nearest" });
  } catch (error) {
    if (error.name === "AbortError") return;
    toast(errorText(error), { kind: "failed" });
    if (error.status === 404) { clearDetail(); setOpen(null); markSelected(null); }
  }
}

function indexOfOpen() { return rows().findIndex((a) => a.id === currentApplicant()?.id); }

/** j / k: the next or previous row (across pages at the ends). */
async function move(delta) {
  const list = rows();
  if (!list.length) return;
  const index = indexOfOpen();
  const target = index === -1 ? (delta > 0 ? 0 : list.length - 1) : index + delta;
  if (target >= 0 && target < list.length) return openApplicant(list[target].id, { focus: false });
  const state = listState();
  if (delta > 0 && state.nextCursor) {
    await nextPage();
    if (rows().length) return openApplicant(rows()[0].id);
  } else if (delta < 0 && state.page > 1) {
    $("prev").click();
  }
  return undefined;
}

// After a decision: the first undecided row after the decided one (by the order before the change),
// else the first undecided one on this page, else on the next pages.
async function goToNextUndecided(decidedId, before) {
  const start = before.findIndex((a) => a.id === decidedId);
  const later = before.slice(start + 1).filter((a) => !a.decision).map((a) => a.id);
  await loadList();
  const now = rows();
  const candidate = later.find((id) => now.some((a) => a.id === id && !a.decision))
    ?? now.find((a) => !a.decision && a.id !== decidedId)?.id;
  if (candidate) return openApplicant(candidate);
  for (let hop = 0; hop < 5 && listState().nextCursor; hop += 1) {
    await nextPage();
    const found = rows().find((a) => !a.decision && a.id !== decidedId);
    if (found) return openApplicant(found.id);
  }
  toast("この一覧に未判定の応募者はもういません", { kind: "info", timeout: 4000 });
  return showDetail(decidedId);
}

async function record(applicant, decision, note) {
  const body = { decision };
  if (note) body.decision_note = note;
  await api(`/applicant/${applicant.id}`, { method: "PATCH", body });
}

/** OK / NG / null (保留 or 取り消し) for the open applicant, then on to the next undecided one. */
async function decide(decision, buttonNode, { next = true } = {}) {
  const applicant = currentApplicant();
  if (!applicant) return;
  await withBusy(buttonNode, async () => {
    const note = $("decision-note").value.trim();
    const before = rows().slice();
    if (decision === applicant.decision && note) {  // the history records changes only: a note alone would be lost
      toast("判定が変わらないため、メモは記録されません。OK か NG を選ぶか、メモを消してください。", { timeout: 6000 });
      return;
    }
    try {
      // 保留 on one still undecided changes nothing: no request, just on to the next.
      if (decision !== applicant.decision) await record(applicant, decision, note);
    } catch (error) {
      if (error.status === 404) { loadList().catch(() => {}); }
      throw error;
    }
    $("decision-note").value = "";
    if (applicant.decision !== decision) {
      undoStack.push({ id: applicant.id, name: applicant.name, from: applicant.decision, to: decision });
      $("undo").disabled = false;
    }
    if (next && decision !== null) await goToNextUndecided(applicant.id, before);
    else if (next) await goToNextUndecided(applicant.id, before.map((a) => (a.id === applicant.id ? { ...a, decision: "保留" } : a)));
    else await Promise.all([showDetail(applicant.id), loadList()]);
  });
}

/** u: put the last decision back as it was (one more change in the history, never an erase). */
async function undo(buttonNode) {
  const last = undoStack[undoStack.length - 1];
  if (!last) { toast("元に戻す判定はありません", { timeout: 3000 }); return; }
  await withBusy(buttonNode, async () => {
    await api(`/applicant/${last.id}`, { method: "PATCH", body: { decision: last.from, decision_note: "元に戻す" } });
    undoStack.pop();
    $("undo").disabled = undoStack.length === 0;
    toast(`${last.name} さんの判定を元に戻しました (${last.to || "未判定"} → ${last.from || "未判定"})`, { kind: "success", timeout: 4000 });
    await loadList();
    await openApplicant(last.id);
  });
  $("undo").disabled = undoStack.length === 0;
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if ($("applicants-view").hidden || $("app-view").hidden) return;
  const actions = {
    j: () => move(1), k: () => move(-1),
    o: () => currentApplicant() && $("decide-ok").click(),
    n: () => currentApplicant() && $("decide-ng").click(),
    h: () => currentApplicant() && $("decide-hold").click(),
    u: () => $("undo").click(),
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

/** Wire list, detail and keyboard together; returns once the list (and the URL's applicant) is shown. */
export function initReview({ onListLoaded = () => {} } = {}) {
  initList({
    onOpen: (id) => openApplicant(id, { focus: true }),
    onLoaded: (list) => { markSelected(currentApplicant()?.id ?? listState().open); onListLoaded(list); },
  });
  initDetail({
    onOpen: (id) => openApplicant(id, { focus: true }),
    onChanged: () => loadList().catch(() => {}),
    onDeleted: () => { setOpen(null); loadList().catch(() => {}); },
    onClosed: () => { setOpen(null); markSelected(null); },
  });
  $("decide-ok").addEventListener("click", (event) => decide("OK", event.currentTarget));
  $("decide-ng").addEventListener("click", (event) => decide("NG", event.currentTarget));
  $("decide-hold").addEventListener("click", (event) => decide(null, event.currentTarget));
  $("decide-clear").addEventListener("click", (event) => decide(null, event.currentTarget, { next: false }));
  $("undo").addEventListener("click", (event) => undo(event.currentTarget));
  $("undo").disabled = true;
  document.addEventListener("keydown", onKey);
}

/** The list and the applicant named in the URL (after login or a reload). */
export async function startReview() {
  await loadList();
  const open = listState().open;
  if (open) await openApplicant(open);
}
