// The signed-in user: login, the user record, logout. Tokens live in api.js (sessionStorage of this tab).

import { api, clearTokens, hasSession, logout, saveTokens, sessionEvents } from "./api.js";

let current = null;

/** The signed-in user ({id, name, email, role}) or null. */
export function user() { return current; }
export function isAdmin() { return current?.role === "admin"; }
export { hasSession, sessionEvents };

/** Log in with e-mail and password; throws ApiFailure (401 for a wrong password). */
export async function login(email, password) {
  const data = await api("/user/login", { method: "POST", body: { email, password } });
  saveTokens(data.access_token, data.refresh_token);
  return loadUser();
}

/** Read /user/me into `user()`; null (and the tokens forgotten) when the session is over. */
export async function loadUser() {
  if (!hasSession()) { current = null; return null; }
  try {
    current = (await api("/user/me")).user;
  } catch (error) {
    if (error.status === 401) { clearTokens(); current = null; return null; }
    throw error;
  }
  return current;
}

/** Log out this tab (both tokens revoked). */
export async function signOut() {
  await logout();
  current = null;
}

/** The tokens of a password change replace the old ones. */
export function replaceTokens(access, refresh) { saveTokens(access, refresh); }

/** Forget the session locally (after "log out everywhere"). */
export function forget() { clearTokens(); current = null; }
