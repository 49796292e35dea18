// One's own account (password, log out everywhere) and, for admins, the ユーザーと監査 page:
// users (role, deactivate) and the audit trail.

import { api } from "./api.js";
import { $, button, el, row } from "./dom.js";
import { formatDate } from "./format.js";
import { errorText } from "./errors.js";
import { forget, replaceTokens, user } from "./session.js";

const ROLE = { admin: "管理者", recruiter: "採用担当" };
// Audit actions in words; anything else shows as the API names it.
const ACTION = {
  "user.login": "ログイン", "user.login_failed": "ログイン失敗", "user.create": "ユーザー作成", "user.update": "ユーザー変更",
  "user.password": "パスワード変更", "user.logout_all": "全端末ログアウト", "user.delete": "ユーザー削除",
  "applicant.view": "応募者を閲覧", "applicant.list": "一覧を閲覧", "applicant.nouns": "名詞を閲覧",
  "applicant.resume_download": "履歴書をダウンロード", "applicant.create": "応募者を追加", "applicant.bulk_create": "一括追加",
  "applicant.update": "応募者を編集", "applicant.decide": "判定", "applicant.delete": "応募者を削除",
  "applicant.resume_replace": "履歴書を差し替え", "model.train": "モデル学習", "model.activate": "モデルを有効化",
  "model.rollback": "モデルを戻す", "model.import": "モデル取り込み", "model.export": "モデル書き出し",
  "source.create": "媒体を追加", "source.update": "媒体を変更", "source.delete": "媒体を削除", "source.run": "媒体を取り込み",
  "source.allow_list": "許可リスト変更",
};

async function changePassword(event) {
  event.preventDefault();
  $("password-message").textContent = "";
  try {
    const data = await api("/user/me/password", { method: "POST", body: { current_password: $("password-current").value, new_password: $("password-new").value } });
    replaceTokens(data.access_token, data.refresh_token);
    event.target.reset();
    $("password-message").textContent = "パスワードを変更しました。ほかの端末のログインは終了しました。";
  } catch (error) { $("password-message").textContent = errorText(error); }
}

async function logoutEverywhere() {
  if (!confirm("すべての端末 (この画面を含む) からログアウトします。よろしいですか?")) return;
  try { await api("/user/logout/all", { method: "POST" }); } catch (error) { /* the session may be over already */ }
  forget(); window.dispatchEvent(new Event("senko:signed-out"));
}

async function setUser(target, changes) {
  try {
    $("users-message").textContent = (await api(`/user/${target.id}`, { method: "PATCH", body: changes })).message;
  } catch (error) { $("users-message").textContent = errorText(error); }
  loadUsers();
}

async function loadUsers() {
  const { users } = await api("/user/list");
  $("users").querySelector("tbody").replaceChildren(...users.map((u) => {
    const self = u.id === user().id;
    const toggle = self ? "" : button(u.active ? "無効にする" : "有効にする", () => {
      if (!u.active || confirm(`${u.email} を無効にします。ログインできなくなり、すべてのログインが終了します。`)) setUser(u, { active: !u.active });
    }, u.active ? "danger" : "");
    const role = self ? "" : button(u.role === "admin" ? "採用担当にする" : "管理者にする",
                                    () => setUser(u, { role: u.role === "admin" ? "recruiter" : "admin" }), "secondary");
    const actions = el("div", { className: "actions" }, toggle, role);
    const tr = row(u.name, u.email, ROLE[u.role] || u.role, u.active ? "有効" : "無効", formatDate(u.last_login_at), actions);
    if (!u.active) tr.className = "inactive";
    return tr;
  }));
}

async function loadAudit() {
  const params = new URLSearchParams({ limit: "50" });
  if ($("audit-action").value) params.set("action", $("audit-action").value);
  const { entries } = await api(`/audit?${params}`);
  $("audit").querySelector("tbody").replaceChildren(...entries.map((e) => row(
    formatDate(e.created_at), e.actor || "(システム)", ACTION[e.action] || e.action,
    e.target_type ? `${e.target_type} ${e.target_id ?? ""}` : "—", e.address || "—")));
  $("audit-empty").hidden = entries.length > 0;
}

// Called by the shell (main.js) when the ユーザーと監査 page opens.
export function openUsers() {
  loadUsers().catch((error) => { $("users-message").textContent = errorText(error); });
  loadAudit().catch((error) => { $("users-message").textContent = errorText(error); });
}

export function wireAccount() {
  $("account").addEventListener("click", () => { $("account-card").hidden = !$("account-card").hidden; });
  $("account-close").addEventListener("click", () => { $("account-card").hidden = true; });
  $("password-form").addEventListener("submit", changePassword);
  $("logout-all").addEventListener("click", logoutEverywhere);
  $("audit-action").addEventListener("change", () => loadAudit().catch(() => {}));
}
