// The applicant list: filters, sort, page size, pages (keyset cursors), the table. Its state lives in the
// URL (listquery.js). It tells the review workflow about rows through callbacks; it never opens a detail itself.

import { api } from "./api.js";
import { $, el, button } from "./dom.js";
import { formatDay, percent } from "./format.js";
import { japaneseError } from "./errors.js";
import { withBusy } from "./busy.js";
import { STATUS, hiddenBadge, provisionalBadge } from "./badges.js";
import { DEFAULT_SORT, FILTER_KEYS, PAGE_SIZES, SORTS, listKey, readQuery, writeQuery } from "./listquery.js";

const OTHER_SOURCE = "__other";
const MAX_HOPS = 25;  // a page jump follows at most this many cursors
// GET /applicants (keyset cursors) when the server has it; the older GET /applicant/<limit>/<page> otherwise.
const API_SORT = { score_desc: "-score", score_asc: "score", applied_desc: "-applied_at", applied_asc: "applied_at",
                   furigana: "furigana", updated_desc: "-updated_at" };
const LEGACY_SORT = { score_desc: "score", score_asc: "-score", updated_desc: "newest" };
const LEGACY_FILTERS = ["status", "decision", "source", "above_threshold"];

const state = Object.assign(readQuery(), { rows: [], total: 0, estimate: false, nextCursor: null, legacy: null, pages: 1 });
let hooks = { onOpen: () => {}, onLoaded: () => {} };
let loading = null;

/** The rows shown now (applicant summaries, in order). */
export function rows() { return state.rows; }
export function listState() { return state; }
export function getFilters() { return { ...state.filters }; }

// ---- cursors: page number → cursor, per list key, kept for the tab ----------------------------------
function cursorBook() {
  try {
    const book = JSON.parse(sessionStorage.getItem("senko.cursors") || "null");
    if (book && book.key === listKey(state)) return book;
  } catch (error) { /* a broken entry starts over */ }
  return { key: listKey(state), pages: {} };
}
function rememberCursor(page, cursor) {
  const book = cursorBook();
  book.pages[page] = cursor;
  sessionStorage.setItem("senko.cursors", JSON.stringify(book));
}

// ---- fetching -------------------------------------------------------------------------------------
function query(cursor) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (state.filters[key]) params.set(key, state.filters[key]);
  params.set("sort", API_SORT[state.sort]);
  params.set("limit", String(state.limit));
  if (cursor) params.set("cursor", cursor);
  return `/applicants?${params}`;
}

function legacyQuery(page) {
  const params = new URLSearchParams();
  for (const key of ["status", "decision", "source"]) if (state.filters[key]) params.set(key, state.filters[key]);
  if (state.filters.above_threshold === "true") params.set("triage", "review");
  params.set("sort", LEGACY_SORT[state.sort] || "score");
  return `/applicant/${state.limit}/${page}?${params}`;
}

async function fetchPage(page, cursor) {
  if (state.legacy !== true) {
    try {
      const data = await api(query(page > 1 ? cursor : null));
      state.legacy = false;
      return { applicants: data.applicants, total: data.total, estimate: Boolean(data.total_is_estimate),
               next: data.next_cursor || null };
    } catch (error) {
      if (state.legacy === false || ![404, 405].includes(error.status)) throw error;
      state.legacy = true;
      markLegacy();
    }
  }
  const data = await api(legacyQuery(page));
  return { applicants: data.applicants, total: data.total, estimate: false, next: page < data.pages ? String(page + 1) : null };
}

// The older route has fewer filters: the ones it lacks are disabled, with a note.
function markLegacy() {
  for (const id of ["filter-name", "filter-q", "filter-from", "filter-to", "filter-score-min", "filter-score-max"]) {
    $(id).disabled = true;
    $(id).title = "このサーバーはこの絞り込みに未対応です";
  }
  for (const option of $("sort").options) option.disabled = !LEGACY_SORT[option.value];
}

/** Load the page in the state (the URL's); on a page without its cursor, follow cursors from the nearest known one. */
export async function loadList() {
  const run = (async () => {
    let { page, cursor } = state;
    if (page > 1 && !cursor && state.legacy !== true) {
      cursor = cursorBook().pages[page] || null;
      if (!cursor) ({ page, cursor } = await walkTo(page));
    }
    const data = await fetchPage(page, cursor);
    if (!data.applicants.length && page > 1) {  // past the end (rows went away): back to the first page
      Object.assign(state, { page: 1, cursor: null });
      return loadList();
    }
    Object.assign(state, { page, cursor, rows: data.applicants, total: data.total, estimate: data.estimate, nextCursor: data.next });
    state.pages = Math.max(1, Math.ceil(data.total / state.limit));
    if (data.next) rememberCursor(page + 1, data.next);
    if (cursor) rememberCursor(page, cursor);
    writeQuery(state);
    render();
    hooks.onLoaded(state.rows);
    return state.rows;
  })();
  loading = run;
  try { return await run; } finally { if (loading === run) loading = null; }
}

// Follow next_cursor from the nearest page whose cursor is known, up to MAX_HOPS requests.
async function walkTo(target) {
  const known = cursorBook().pages;
  let page = 1, cursor = null;
  for (let p = target; p > 1; p -= 1) if (known[p]) { page = p; cursor = known[p]; break; }
  if (state.legacy === true) return { page: target, cursor: null };
  if (target - page > MAX_HOPS) throw japaneseError(`${target} ページ目は遠すぎます (一度に進めるのは ${MAX_HOPS} ページまで)。絞り込みか並べ替えを使ってください。`);
  while (page < target) {
    const data = await fetchPage(page, cursor);
    if (!data.next) break;
    page += 1; cursor = data.next;
    rememberCursor(page, cursor);
  }
  return { page, cursor };
}

// ---- changing the state ------------------------------------------------------------------------------
/** Change filters (a value "" or null removes one), back to page 1, reload. Used by the filters and the histogram. */
export function setFilters(changes) {
  for (const [key, value] of Object.entries(changes)) {
    if (!FILTER_KEYS.includes(key)) continue;
    if (value === null || value === undefined || value === "") delete state.filters[key];
    else state.filters[key] = String(value);
  }
  Object.assign(state, { page: 1, cursor: null });
  showFilters();
  return loadList();
}

function setOpen(id) { state.open = id; writeQuery(state); }
export { setOpen };

async function goToPage(page) {
  if (state.legacy !== true && page === state.page + 1 && state.nextCursor) Object.assign(state, { page, cursor: state.nextCursor });
  else Object.assign(state, { page, cursor: page === 1 ? null : cursorBook().pages[page] || null });
  return loadList();
}
/** The next page (for the review workflow), or null when this is the last one. */
export async function nextPage() {
  if (!state.nextCursor) return null;
  return goToPage(state.page + 1);
}

// ---- rendering -----------------------------------------------------------------------------------------
function nameCell(a) {
  const name = el("span", { className: "name", textContent: a.name_source === "filename" ? `${a.name}（ファイル名）` : a.name });
  const furigana = a.furigana ? el("span", { className: "furigana", textContent: a.furigana }) : null;
  const duplicate = a.possible_duplicate_of ? el("span", { className: "badge duplicate", textContent: "重複の可能性" }) : null;
  return el("td", { className: "name-cell" }, name, furigana, el("span", { className: "badges" }, provisionalBadge(a), duplicate));
}

function render() {
  const from = state.rows.length ? (state.page - 1) * state.limit + 1 : 0;
  const total = `${state.estimate ? "約 " : ""}${state.total.toLocaleString("ja-JP")} 名`;
  $("total").textContent = total;
  $("applicants-caption").textContent = `応募者一覧 (${total}中 ${from}〜${from + Math.max(state.rows.length - 1, 0)} 件目)`;
  $("page-label").textContent = `${state.page} / ${state.estimate ? "約 " : ""}${state.pages} ページ`;
  $("prev").disabled = state.page <= 1;
  $("next").disabled = !state.nextCursor;
  $("page-jump").max = String(state.pages);
  $("applicants-empty").hidden = state.rows.length > 0;
  $("applicants").querySelector("tbody").replaceChildren(...state.rows.map((a) => {
    const badge = el("span", { className: `badge ${a.status}`, textContent: STATUS[a.status] || a.status, title: a.failure_detail || "" });
    const open = button("開く", (event) => { event.stopPropagation(); hooks.onOpen(a.id); }, "secondary open");
    open.setAttribute("aria-label", `${a.name} を開く`);
    const tr = el("tr", { tabIndex: 0, className: a.triage },
      nameCell(a),
      el("td", { className: "applied", textContent: a.applied_at ? formatDay(a.applied_at) : "—" }),
      el("td", { className: "source", textContent: a.source || "—" }),
      el("td", { className: "status" }, badge, hiddenBadge(a)),
      el("td", { className: "score", textContent: percent(a.score) }),
      el("td", { className: `decision decision-${a.decision || "none"}`, textContent: a.decision || "未判定" }),
      el("td", { className: "open-cell" }, open));
    tr.dataset.id = a.id;
    tr.addEventListener("click", () => hooks.onOpen(a.id));
    tr.addEventListener("keydown", (event) => { if (event.key === "Enter" && event.target === tr) hooks.onOpen(a.id); });
    return tr;
  }));
  markSelected(state.open);
}

/** Highlight the open applicant's row (aria-current). */
export function markSelected(id) {
  for (const tr of $("applicants").querySelectorAll("tbody tr")) {
    const on = Number(tr.dataset.id) === id;
    tr.classList.toggle("selected", on);
    if (on) tr.setAttribute("aria-current", "true"); else tr.removeAttribute("aria-current");
  }
}

// ---- the filter controls ------------------------------------------------------------------------------
const CONTROLS = {  // control id → filter key
  "filter-name": "name", "filter-status": "status", "filter-decision": "decision", "filter-triage": "above_threshold",
  "filter-from": "applied_from", "filter-to": "applied_to", "filter-q": "q",
};

function showFilters() {
  for (const [id, key] of Object.entries(CONTROLS)) $(id).value = state.filters[key] || "";
  $("filter-score-min").value = state.filters.score_min ? Math.round(Number(state.filters.score_min) * 100) : "";
  $("filter-score-max").value = state.filters.score_max ? Math.round(Number(state.filters.score_max) * 100) : "";
  $("sort").value = state.sort;
  $("page-size").value = String(state.limit);
  showSource();
}

function showSource() {
  const select = $("filter-source"), chosen = state.filters.source || "";
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  else { select.value = OTHER_SOURCE; $("filter-source-other").value = chosen; }
  $("filter-source-other-label").hidden = select.value !== OTHER_SOURCE;
}

/** Fill the 媒体 filter with the sources' names (any user may read GET /sources); the choice is kept. */
export async function loadSourceNames() {
  let names = [];
  try { names = (await api("/sources")).sources.map((s) => s.name); } catch (error) { /* the filter still takes free text */ }
  $("filter-source").replaceChildren(el("option", { value: "", textContent: "すべて" }),
                                     ...names.map((name) => el("option", { value: name, textContent: name })),
                                     el("option", { value: OTHER_SOURCE, textContent: "その他 (入力)" }));
  $("source-names").replaceChildren(...names.map((name) => el("option", { value: name })));
  showSource();
}

function scoreValue(id) {
  const value = $(id).value;
  return value === "" ? null : String(Math.min(100, Math.max(0, Number(value))) / 100);
}

function fillStatic() {
  $("filter-status").replaceChildren(el("option", { value: "", textContent: "すべて" }),
    ...Object.entries(STATUS).map(([value, label]) => el("option", { value, textContent: label })));
  $("sort").replaceChildren(...Object.entries(SORTS).map(([value, label]) => el("option", { value, textContent: label })));
  $("page-size").replaceChildren(...PAGE_SIZES.map((n) => el("option", { value: String(n), textContent: `${n} 件` })));
}

/** Wire the controls; hooks: onOpen(id) when a row is chosen, onLoaded(rows) after each load. */
export function initList(given) {
  hooks = { ...hooks, ...given };
  fillStatic();
  showFilters();
  $("filters").addEventListener("submit", (event) => event.preventDefault());  // Enter in a field changes it, nothing more
  const reload = () => withBusy(null, () => loadList());
  for (const [id, key] of Object.entries(CONTROLS)) {
    if (id === "filter-name" || id === "filter-q") continue;
    $(id).addEventListener("change", () => withBusy(null, () => setFilters({ [key]: $(id).value })));
  }
  let typing = null;
  $("filter-name").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => withBusy(null, () => setFilters({ name: $("filter-name").value.trim() })), 350);
  });
  $("filter-q").addEventListener("change", () => withBusy(null, () => setFilters({ q: $("filter-q").value.trim() })));
  for (const id of ["filter-score-min", "filter-score-max"]) {
    $(id).addEventListener("change", () => withBusy(null, () => setFilters({ score_min: scoreValue("filter-score-min"),
                                                                                score_max: scoreValue("filter-score-max") })));
  }
  $("filter-source").addEventListener("change", () => {
    const other = $("filter-source").value === OTHER_SOURCE;
    $("filter-source-other-label").hidden = !other;
    if (other) { $("filter-source-other").focus(); return; }
    withBusy(null, () => setFilters({ source: $("filter-source").value }));
  });
  $("filter-source-other").addEventListener("change", () => withBusy(null, () => setFilters({ source: $("filter-source-other").value.trim() })));
  $("sort").addEventListener("change", () => { Object.assign(state, { sort: $("sort").value, page: 1, cursor: null }); reload(); });
  $("page-size").addEventListener("change", () => { Object.assign(state, { limit: Number($("page-size").value), page: 1, cursor: null }); reload(); });
  $("filters-reset").addEventListener("click", (event, node) => withBusy(node ?? event.currentTarget, () => {
    state.filters = {}; state.sort = DEFAULT_SORT; return setFilters({});
  }));
  $("prev").addEventListener("click", (event) => withBusy(event.currentTarget, () => goToPage(state.page - 1)));
  $("next").addEventListener("click", (event) => withBusy(event.currentTarget, () => goToPage(state.page + 1)));
  $("page-jump-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const page = Number($("page-jump").value);
    if (!Number.isInteger(page) || page < 1) return;
    withBusy(event.submitter || $("page-jump-go"), () => goToPage(page));
  });
}
