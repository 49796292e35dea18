// Senko's browser UI, part 1 of 6: the API client, the session, toasts and small DOM helpers.
// Plain scripts loaded in order by index.html (core, applicants, sources, source-form, account, app);
// they share these globals. No build step, no inline code: a strict CSP allows only our own files.
"use strict";

const config = window.SENKO_CONFIG || {};
// Only from the deployed config.js: never from the URL (a crafted link could send the login elsewhere).
const apiBase = (config.apiBase || `${location.protocol}//${location.hostname}:${config.apiPort || 9999}`).replace(/\/$/, "");

const state = { access: sessionStorage.getItem("senko.access"), refresh: sessionStorage.getItem("senko.refresh"),
                user: null, page: 1, limit: 20, cursor: null, selected: null, timer: null };
const $ = (id) => document.getElementById(id);

function saveTokens(access, refresh) {
  state.access = access; sessionStorage.setItem("senko.access", access);
  if (refresh) { state.refresh = refresh; sessionStorage.setItem("senko.refresh", refresh); }
}

function clearSession() {
  state.access = state.refresh = state.user = null;
  sessionStorage.removeItem("senko.access"); sessionStorage.removeItem("senko.refresh");
  clearInterval(state.timer);
}

// Every call goes through here: JSON in and out, one silent refresh when the access token expired.
async function api(path, options = {}, retry = true) {
  const headers = Object.assign({}, options.headers || {});
  if (state.access) headers.Authorization = `Bearer ${state.access}`;
  if (options.json !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(options.json); }
  const response = await fetch(apiBase + path, { method: options.method || "GET", headers, body: options.body });
  if (response.status === 401 && retry && state.refresh && !path.startsWith("/user/")) {
    const refreshed = await fetch(apiBase + "/user/refresh", { method: "POST", headers: { Authorization: `Bearer ${state.refresh}` } });
    if (refreshed.ok) { saveTokens((await refreshed.json()).access_token); return api(path, options, false); }
    clearSession(); show();
  }
  if (options.raw) return response;
  const body = await response.json().catch(() => ({ message: response.statusText }));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

// At most this many popups at once: a burst (a job board's run brings dozens of scores) must not bury
// the page. The ones about a single applicant ("routine") give way first, so a run's or a failure's stays.
const MAX_TOASTS = 3;

function toast(message, kind = "", routine = false) {
  const node = el("div", { className: `toast ${kind}${routine ? " routine" : ""}`, textContent: message });
  const box = $("toasts");
  box.appendChild(node);
  while (box.children.length > MAX_TOASTS) (box.querySelector(".toast.routine") || box.firstElementChild).remove();
  setTimeout(() => node.remove(), 8000);
}

// el("td", { className: "x", textContent: "y" }, child, ...): a new element with properties and children.
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function button(label, onClick, className = "") {
  const node = el("button", { type: "button", textContent: label, className });
  node.addEventListener("click", onClick);
  return node;
}

// A table row of cells; a cell is text or a node.
function row(...cells) {
  return el("tr", {}, ...cells.map((cell) => (cell instanceof Node ? el("td", {}, cell) : el("td", { textContent: cell ?? "—" }))));
}

// "2026-11-29T11:55:00Z" (UTC from the API) → "2026年11月29日 20:55" in Japan time.
const JST = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "numeric", day: "numeric",
                                               hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
function jst(iso) {
  if (!iso) return "—";
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(date.getTime())) return iso;
  const part = Object.fromEntries(JST.formatToParts(date).map((p) => [p.type, p.value]));
  return `${part.year}年${part.month}月${part.day}日 ${part.hour}:${part.minute}`;
}
