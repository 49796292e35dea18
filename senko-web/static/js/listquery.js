// The list's state (filters, sort, page size, page and its cursor, the open applicant) and the page's URL.
// The URL is the single source of truth: reload or a shared link gives the same list and applicant.

export const FILTER_KEYS = ["name", "status", "decision", "source", "applied_from", "applied_to", "score_min", "score_max",
                            "above_threshold", "q"];
export const SORTS = {  // the UI's key → the label; the API's value is in list.js
  score_desc: "OK度数の高い順", score_asc: "OK度数の低い順", applied_desc: "応募日の新しい順", applied_asc: "応募日の古い順",
  furigana: "ふりがな順", updated_desc: "更新の新しい順",
};
export const DEFAULT_SORT = "score_desc";
export const PAGE_SIZES = [10, 20, 50, 100];
export const DEFAULT_LIMIT = 20;

/** The state as read from the page's URL (unknown or bad values dropped). */
export function readQuery() {
  const params = new URLSearchParams(location.search);
  const state = { filters: {}, sort: DEFAULT_SORT, limit: DEFAULT_LIMIT, page: 1, cursor: null, open: null };
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== "") state.filters[key] = value;
  }
  if (SORTS[params.get("sort")]) state.sort = params.get("sort");
  const limit = Number(params.get("limit"));
  if (PAGE_SIZES.includes(limit)) state.limit = limit;
  const page = Number(params.get("page"));
  if (Number.isInteger(page) && page >= 1) state.page = page;
  state.cursor = params.get("cursor") || null;
  const open = Number(params.get("open"));
  if (Number.isInteger(open) && open > 0) state.open = open;
  return state;
}

/** Put the state into the URL (the view's #hash is kept); replaceState unless `push`. */
export function writeQuery(state, push = false) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (state.filters[key] !== undefined && state.filters[key] !== "") params.set(key, state.filters[key]);
  if (state.sort !== DEFAULT_SORT) params.set("sort", state.sort);
  if (state.limit !== DEFAULT_LIMIT) params.set("limit", String(state.limit));
  if (state.page > 1) params.set("page", String(state.page));
  if (state.page > 1 && state.cursor) params.set("cursor", state.cursor);
  if (state.open) params.set("open", String(state.open));
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ""}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? "pushState" : "replaceState"](null, "", url);
}

/** A key that changes when the filters, sort or page size change (pages and cursors belong to one key). */
export function listKey(state) {
  return JSON.stringify([state.filters, state.sort, state.limit]);
}
