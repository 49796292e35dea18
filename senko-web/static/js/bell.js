// Notifications (issue 14 §6): popups for what happens (click one to open its applicant, × closes it)
// and a bell listing the recent events, the ones since the last visit marked 新着.
//
// Wiring (shell): styles are in css/widgets.css.
//   import { mountBell } from "./bell.js";
//   const bell = mountBell(document.querySelector("#bell"), ctx);  // in the header, after login
//   bell.destroy();                                                // at logout
// This module owns the GET /events poll (every SENKO_CONFIG.pollSeconds): the shell must not poll
// /events or pop up events itself. ctx.openApplicant(id) is called on a click on a popup or a bell item
// about an applicant. ctx.userId (or ctx.email), when given, keeps "the last visit" per user.
// Every new event is also dispatched as window CustomEvent "senko:event" (detail: the event), so other
// views can refresh (charts.js's histogram does).

import { api, apiBase } from "./api.js";
import { formatDate } from "./format.js";
import { toast } from "./toast.js";

const KINDS = {
  scored: "採点", unscored: "取り込み (未採点)", failed: "読み取り失敗", hidden_text: "見えない文字",
  source_run_finished: "媒体の取り込み", source_failed: "媒体の取り込み失敗", allow_list_changed: "接続許可リスト",
  model_trained: "モデル学習", model_training_failed: "モデル学習失敗", model_imported: "モデル取り込み",
  model_activated: "モデル有効化", rescore_finished: "再採点", retokenize_finished: "名詞の再抽出",
  import_finished: "取り込み完了", import_failed: "取り込み失敗",
};
// Progress of a running job (one per chunk): passed on as "senko:event", neither popped up nor listed.
const SILENT = new Set(["bulk_progress"]);
const ROUTINE = new Set(["scored", "unscored"]);
const KEEP = 50;

export const kindLabel = (kind) => KINDS[kind] || "お知らせ";
const isFailure = (kind) => kind.includes("fail");

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// A bell drawn in SVG (an emoji depends on the fonts installed).
function bellIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "sk-bell-icon");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M12 2a6 6 0 0 0-6 6v4.5L4 16v1h16v-1l-2-3.5V8a6 6 0 0 0-6-6zm-2.5 16a2.5 2.5 0 0 0 5 0z");
  svg.append(path);
  return svg;
}

/** The bell and the events poll. Returns {open(), close(), unread, destroy()}. */
export function mountBell(container, ctx = {}) {
  const seenKey = `senko.events.seen:${apiBase()}:${ctx.userId ?? ctx.email ?? ""}`;
  const lastVisit = Number(localStorage.getItem(seenKey) || 0);
  const badge = el("span", { className: "sk-bell-count", hidden: true });
  const button = el("button", { type: "button", className: "sk-bell-button" }, bellIcon(), badge);
  button.setAttribute("aria-haspopup", "true");
  button.setAttribute("aria-expanded", "false");
  const heading = el("h2", { textContent: "お知らせ" });
  const note = el("p", { className: "hint" });
  const list = el("ol", { className: "sk-bell-list" });
  const panel = el("div", { className: "sk-bell-panel", id: "sk-bell-panel", hidden: true }, heading, note, list);
  panel.setAttribute("role", "region");
  panel.setAttribute("aria-label", "最近のお知らせ");
  button.setAttribute("aria-controls", panel.id);
  const root = el("div", { className: "sk-bell" }, button, panel);
  container.replaceChildren(root);

  let events = [];       // newest first
  let cursor = null;
  let seen = lastVisit;  // what counts as read: at or below this id
  let lastShown = seen;  // while the panel is open, what was new when it opened stays marked
  let timer = null;
  let stopped = false;

  const unread = () => events.filter((e) => e.id > seen).length;
  function render() {
    const count = unread();
    badge.hidden = count === 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    button.setAttribute("aria-label", count ? `お知らせ (新着 ${count} 件)` : "お知らせ");
    const fresh = events.filter((e) => e.id > lastShown).length;  // while open: what was new when it opened
    note.textContent = events.length ? `前回の確認以降の新着: ${fresh} 件` : "お知らせはまだありません。";
    list.replaceChildren(...events.map((event) => {
      const isNew = event.id > lastShown;
      const text = `${kindLabel(event.kind)}: ${event.message}`;
      let body = el("span", { textContent: text });
      if (event.applicant_id) {
        body = el("button", { type: "button", className: "sk-bell-open", textContent: text });
        body.addEventListener("click", () => { close(); ctx.openApplicant?.(event.applicant_id); });
      }
      return el("li", { className: `sk-bell-item${isNew ? " sk-unread" : ""}${isFailure(event.kind) ? " sk-failed" : ""}` },
        isNew ? el("span", { className: "sk-new", textContent: "新着" }) : null,
        el("time", { dateTime: event.created_at, textContent: formatDate(event.created_at) }),
        el("div", { className: "sk-bell-text" }, body));
    }));
  }

  function markSeen() {
    const newest = events.length ? events[0].id : seen;
    if (newest > seen) { seen = newest; localStorage.setItem(seenKey, String(seen)); }
  }
  function open() {
    lastShown = seen;
    markSeen();
    panel.style.top = `${Math.round(button.getBoundingClientRect().bottom + 6)}px`;  // CSSOM: allowed by the CSP
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    render();
  }
  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    lastShown = seen;
    render();
  }
  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  const onKey = (event) => { if (event.key === "Escape" && !panel.hidden) { close(); button.focus(); } };
  const onOutside = (event) => { if (!root.contains(event.target)) close(); };
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onOutside);

  function announce(event) {
    window.dispatchEvent(new CustomEvent("senko:event", { detail: event }));
    if (SILENT.has(event.kind)) return;
    const kind = isFailure(event.kind) ? "failed" : ROUTINE.has(event.kind) ? "routine" : "info";
    const onClick = event.applicant_id ? () => ctx.openApplicant?.(event.applicant_id) : null;
    toast(event.message, { kind, onClick, timeout: kind === "failed" ? 0 : 15000 });
  }

  async function poll() {
    try {
      const first = cursor === null;
      const data = await api(first ? `/events?limit=${KEEP}` : `/events?after=${cursor}&limit=200`);
      cursor = data.cursor;
      if (!data.events.length && !first) return;
      if (!first) data.events.forEach(announce);  // the first call only fills the bell
      events = data.events.filter((e) => !SILENT.has(e.kind)).reverse().concat(events).slice(0, KEEP);
      if (!panel.hidden) markSeen();
      render();
    } catch (error) {
      if (error?.status === 401) stopped = true;  // signed out: the shell destroys the bell
    } finally {
      if (!stopped) timer = setTimeout(poll, ((window.SENKO_CONFIG || {}).pollSeconds || 3) * 1000);
    }
  }

  render();
  poll();
  return {
    open, close,
    get unread() { return unread(); },
    destroy() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onOutside);
      container.replaceChildren();
    },
  };
}
