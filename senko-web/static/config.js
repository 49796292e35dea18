// Where the Senko API lives: the only place the UI takes it from (never from the page's URL, so a
// link cannot send a password elsewhere). Edit this file when deploying the static UI (S3/CloudFront,
// ...); `make up` serves a copy with its own API port. Default: the UI's host, port `apiPort`.
window.SENKO_CONFIG = {
  apiBase: null, // e.g. "https://senko-api.example.co.jp"
  apiPort: 9999,
  pollSeconds: 3,
};
