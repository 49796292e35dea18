// Failures in Japanese: by the API's stable `code`, else by the HTTP status. The server's English
// message is never shown to a recruiter as such.

const BY_CODE = {
  not_found: "対象が見つかりません (削除された可能性があります)。一覧を更新してください。",
  conflict: "ほかの操作と競合しました。画面を更新してからやり直してください。",
  illegal_transition: "この状態ではその操作はできません。画面を更新してください。",
  invalid: "入力内容に誤りがあります。",
  unauthorized: "ログインの有効期限が切れました。もう一度ログインしてください。",
  forbidden: "この操作を行う権限がありません。",
  rate_limited: "操作が多すぎます。しばらく待ってからやり直してください。",
  unavailable: "サーバーが一時的に利用できません。しばらくしてからやり直してください。",
  no_model: "有効なモデルがありません。先にモデルを学習してください。",
  too_large: "ファイルが大きすぎます。",
  unsupported: "対応していない形式です (PDF のみ)。",
  bad_request: "リクエストが正しくありません。",
  network: "サーバーに接続できません。ネットワークを確認してください。",
  method_not_allowed: "この操作はできません。",
  uri_too_long: "条件が長すぎます。短くしてください。",
  internal: "サーバーでエラーが発生しました。しばらくしてからやり直してください。",
  card_not_acknowledged: "このモデルのモデルカードがまだ確認されていません。確認してから有効にしてください。",
  predict_unavailable: "採点サービスが一時的に利用できません。しばらくしてからやり直してください。",
  account_deactivated: "このアカウントは無効にされています。管理者に連絡してください。",
  fresh_token_required: "もう一度ログインしてからやり直してください。",
  login_throttled: "ログインの試行が多すぎます。しばらく待ってからやり直してください。",
  session_ended: "ログインが終了しました。もう一度ログインしてください。",
  token_expired: "ログインの有効期限が切れました。もう一度ログインしてください。",
  token_revoked: "ログインが終了しました。もう一度ログインしてください。",
  wrong_credentials: "メールアドレスまたはパスワードが違います。",
  wrong_password: "現在のパスワードが違います。",
};

const DETAILED = new Set(["invalid", "bad_request", "illegal_transition"]);

const BY_STATUS = {
  0: BY_CODE.network, 400: BY_CODE.bad_request, 401: BY_CODE.unauthorized, 403: BY_CODE.forbidden,
  404: BY_CODE.not_found, 409: BY_CODE.conflict, 413: BY_CODE.too_large, 415: BY_CODE.unsupported,
  422: BY_CODE.invalid, 429: BY_CODE.rate_limited, 502: BY_CODE.unavailable, 503: BY_CODE.unavailable,
  504: BY_CODE.unavailable,
};

/** The Japanese sentence for a failure (an ApiFailure, or any Error: shown as a generic failure). */
export function errorText(error) {
  if (!error) return "エラーが発生しました。";
  if (error.status === undefined && !error.japanese) console.error(error);  // a bug of the UI, not a refusal
  if (error.code && BY_CODE[error.code]) {
    // What was wrong with the input is only in the server's words: shown after the Japanese sentence.
    const detail = DETAILED.has(error.code) && error.message ? ` (詳細: ${error.message})` : "";
    return BY_CODE[error.code] + detail;
  }
  if (error.status !== undefined && BY_STATUS[error.status]) return BY_STATUS[error.status];
  if (error.status >= 500) return "サーバーでエラーが発生しました。しばらくしてからやり直してください。";
  if (error.japanese) return error.message;  // errors made by the UI itself, already in Japanese
  return "エラーが発生しました。もう一度やり直してください。";
}

/** An Error whose message is already Japanese (for checks the UI makes itself). */
export function japaneseError(message) {
  const error = new Error(message);
  error.japanese = true;
  return error;
}
