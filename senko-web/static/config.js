// Where the Senko API lives. Edit this file when deploying the static UI (S3/CloudFront, ...).
// Default: the same host as the UI, port 9999. `?api=https://...` in the URL overrides it once
// and is remembered for this browser tab.
window.SENKO_CONFIG = {
  apiBase: null, // e.g. "https://senko-api.example.co.jp"
  pollSeconds: 3,
};
