// The API client: the only module that talks to the network. It never touches the page: a failure is
// thrown as an ApiFailure (status, code, message) and the end of a session is announced as an event
// ("senko:signed-out" on `sessionEvents`), which the shell listens to.

const TOKENS = { access: "senko.access", refresh: "senko.refresh" };

/** Where the API lives: only from the deployed config.js (window.SENKO_CONFIG), never from the page's URL. */
export function apiBase() {
  const config = window.SENKO_CONFIG || {};
  return (config.apiBase || `${location.protocol}//${location.hostname}:${config.apiPort || 9999}`).replace(/\/$/, "");
}

/** A refused or failed request: `status` (0 when the network failed), `code` (the API's stable code), `message`. */
export class ApiFailure extends Error {
  status;
  code;
  constructor(status, code, message) {
    super(message || `HTTP ${status}`);
    this.name = "ApiFailure";
    this.status = status;
    this.code = code || null;
  }
}

/** Fired on this target: "senko:signed-out" when the tokens can no longer be refreshed. */
export const sessionEvents = new EventTarget();

export function accessToken() { return sessionStorage.getItem(TOKENS.access); }
export function hasSession() { return Boolean(accessToken()); }

/** Keep the tokens of a login (or a password change) for this tab. */
export function saveTokens(access, refresh = null) {
  sessionStorage.setItem(TOKENS.access, access);
  if (refresh) sessionStorage.setItem(TOKENS.refresh, refresh);
}

export function clearTokens() {
  sessionStorage.removeItem(TOKENS.access);
  sessionStorage.removeItem(TOKENS.refresh);
}

async function send(path, { method = "GET", body, form, signal, token = accessToken() } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (form !== undefined) payload = form;  // FormData: the browser sets the multipart boundary
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  try {
    return await fetch(apiBase() + path, { method, headers, body: payload, signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiFailure(0, "network", error.message);
  }
}

// One refresh at a time, shared by every request that found its access token expired.
let refreshing = null;
async function refresh() {
  const token = sessionStorage.getItem(TOKENS.refresh);
  if (!token) return false;
  refreshing ||= send("/user/refresh", { method: "POST", token })
    .then(async (response) => {
      if (!response.ok) return false;
      saveTokens((await response.json()).access_token);
      return true;
    })
    .catch(() => false)
    .finally(() => { refreshing = null; });
  return refreshing;
}

async function failure(response) {
  const data = await response.json().catch(() => ({}));
  return new ApiFailure(response.status, data.code, data.message || response.statusText);
}

/**
 * Call the API: `api("/applicant/3", {method: "PATCH", body: {...}})` → the JSON answer.
 * `form` sends a FormData instead of JSON; `signal` aborts; `raw: true` returns the Response (a PDF).
 * Throws ApiFailure. An expired access token is refreshed once, silently.
 */
export async function api(path, opts = {}) {
  let response = await send(path, opts);
  if (response.status === 401 && !path.startsWith("/user/login") && !path.startsWith("/user/refresh") && accessToken()) {
    if (await refresh()) response = await send(path, opts);
    else { clearTokens(); sessionEvents.dispatchEvent(new Event("senko:signed-out")); }
  }
  if (!response.ok) throw await failure(response);
  if (opts.raw) return response;
  if (response.status === 204) return {};
  return response.json().catch(() => ({}));
}

/** Log out this tab: both tokens are revoked on the server (best effort), then forgotten. */
export async function logout() {
  const refreshToken = sessionStorage.getItem(TOKENS.refresh);
  await send("/user/logout", { method: "POST" }).catch(() => {});
  if (refreshToken) await send("/user/logout/refresh", { method: "POST", token: refreshToken }).catch(() => {});
  clearTokens();
}
