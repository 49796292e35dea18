"""The only way connectors reach the network: an SSRF-guarded, capped and polite HTTP client.

``Fetcher`` wraps an httpx client whose transport connects only to checked addresses
(``senko.sources.guard``). On top of that it

- follows redirects itself (at most ``max_redirects``), checking the scheme of every hop; the caller's
  headers (an API key) go only to the same origin, never across a redirect to another host;
- streams every body and stops at ``max_bytes`` (``ConnectorError("too_large")``), so a huge answer
  is cut off after at most one network read past the cap; ``timeout`` bounds connect and each read,
  ``timeout * 4`` the whole request;
- waits ``delay_seconds`` between consecutive requests, sends a clear User-Agent, and on 429 (or 503
  with ``Retry-After``) waits as told (capped by ``max_retry_after``) and retries once;
- keeps cookies for the session (consoles log in) and logs only methods, statuses and URLs without
  their query string: never headers, cookies, form data or bodies.
"""
import email.utils
import json
import logging
import re
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from senko.sources.base import ConnectorError
from senko.sources.guard import AllowList, GuardedTransport, Resolver, checked_addresses, system_resolver

__all__ = ["AllowList", "Fetcher", "Response", "safe_url"]

log = logging.getLogger(__name__)
REDIRECTS = (301, 302, 303, 307, 308)


def safe_url(url) -> str:
    """``url`` without user info, query or fragment: fit for logs and messages (a token may hide in a query)."""
    url = httpx.URL(str(url))
    return str(url.copy_with(username=None, password=None, query=None, fragment=None))


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


@dataclass
class Response:
    """An answer read in full: ``status``, ``headers`` (lower-case names), ``content``, final ``url``."""

    status: int
    headers: dict = field(default_factory=dict)
    content: bytes = b""
    url: str = ""

    @property
    def text(self) -> str:
        """The body decoded with the charset of Content-Type (UTF-8 when none; bad bytes replaced)."""
        match = re.search(r"charset=[\"']?([\w.:-]+)", self.headers.get("content-type", ""))
        try:
            return self.content.decode(match.group(1) if match else "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self):
        """The body as JSON; ConnectorError("bad_response") when it is not JSON."""
        try:
            return json.loads(self.content)
        except ValueError:
            raise ConnectorError("bad_response", f"{safe_url(self.url)} did not answer JSON (status {self.status})") from None


class Fetcher:
    """An HTTP session for one run of one source: cookie-keeping, SSRF-guarded, size/time capped and polite.

    ``allow_list``: an AllowList (or its entries as strings) of non-public addresses that may be reached.
    ``ssl_context``: to trust a private CA (default: the usual CA bundle; certificates are always verified).
    ``resolver`` and ``sleep`` are for tests (a fake DNS, a clock that does not wait).
    """

    def __init__(self, allow_list=None, user_agent: str = "Senko/1.0 (+job-board sync)", timeout: float = 15.0,
                 max_bytes: int = 20 * 1024 * 1024, max_redirects: int = 5, delay_seconds: float = 0.0,
                 max_retry_after: float = 60.0, resolver: Resolver | None = None, sleep=time.sleep,
                 ssl_context: ssl.SSLContext | None = None):
        self.allow_list = allow_list if isinstance(allow_list, AllowList) else AllowList.parse(allow_list)
        self.timeout, self.max_bytes, self.max_redirects = timeout, max_bytes, max_redirects
        self.delay_seconds, self.max_retry_after, self.sleep = delay_seconds, max_retry_after, sleep
        self.resolver = resolver or system_resolver
        self.transport = GuardedTransport(self.allow_list, self.resolver, ssl_context)
        self._client = httpx.Client(transport=self.transport, timeout=httpx.Timeout(timeout), trust_env=False,
                                    follow_redirects=False,
                                    headers={"User-Agent": user_agent, "Accept-Encoding": "identity"})
        self._last_request: float | None = None
        self.requests = 0  # requests sent, redirects and retries included

    def get(self, url: str, params: dict | None = None, headers: dict | None = None) -> Response:
        """GET ``url`` (redirects followed); any status is returned, 429/503 after one polite retry."""
        return self._request("GET", url, params=params, headers=headers)

    def post(self, url: str, data: dict | None = None, headers: dict | None = None) -> Response:
        """POST a form to ``url`` (redirects followed, 301/302/303 continue as GET like a browser)."""
        return self._request("POST", url, data=data, headers=headers)

    def checked_address(self, host: str, port: int) -> str:
        """The address a connector that opens its own socket (IMAP) must connect to: the host resolved once and
        every address checked by the SSRF rules and the allow list (ConnectorError ``refused`` / ``unreachable``)."""
        return checked_addresses(host, port, self.allow_list, self.resolver)[0]

    def close(self) -> None:
        """Close the session and its connections."""
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, method, url, params=None, data=None, headers=None) -> Response:
        self._pause()
        try:
            response = self._follow(method, url, params, data, headers)
            wait = self._retry_wait(response)
            if wait is None:
                return response
            log.info("%s answered %s; retrying in %g s", safe_url(response.url), response.status, wait)
            self.sleep(wait)
            response = self._follow(method, url, params, data, headers)
            if self._retry_wait(response) is not None:
                raise ConnectorError("unreachable", f"rate limited: {safe_url(response.url)} answered {response.status} "
                                                    "again after waiting as asked")
            return response
        finally:
            self._last_request = time.monotonic()

    def _pause(self) -> None:
        """Wait out ``delay_seconds`` since the end of the previous request."""
        if self._last_request is not None and self.delay_seconds > 0:
            remaining = self._last_request + self.delay_seconds - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)

    def _retry_wait(self, response: Response) -> float | None:
        """Seconds to wait before the one retry of a 429 (or a 503 with Retry-After), or None: no retry."""
        if response.status not in (429, 503):
            return None
        value = response.headers.get("retry-after", "").strip()
        if not value:
            return 1.0 if response.status == 429 else None
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return 1.0
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        return min(max(seconds, 0.0), self.max_retry_after)

    def _follow(self, method, url, params, data, headers) -> Response:
        """Send and follow redirects, each hop checked (scheme here, addresses at connect time)."""
        try:
            request = self._client.build_request(method, url, params=params, data=data, headers=headers)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, TypeError, ValueError) as exc:
            raise ConnectorError("settings", f"not a valid URL ({type(exc).__name__}); check the source's url") from None
        for hop in range(self.max_redirects + 1):
            response = self._send(request)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return response
            if hop == self.max_redirects:
                break
            try:
                target = request.url.join(location)
            except httpx.InvalidURL:
                raise ConnectorError("bad_response", f"{safe_url(request.url)} redirects to an invalid URL") from None
            keep = response.status in (307, 308)
            same_origin = (target.scheme, target.host, target.port) == (request.url.scheme, request.url.host, request.url.port)
            request = self._client.build_request(method if keep else "GET", target, data=data if keep else None,
                                                 headers=headers if same_origin else None)
        raise ConnectorError("bad_response", f"{safe_url(url)} redirected more than {self.max_redirects} times")

    def _send(self, request: httpx.Request) -> Response:
        """One request, its body streamed and capped."""
        where = safe_url(request.url)
        if request.url.scheme not in ("http", "https"):
            raise ConnectorError("refused", f"{where}: only http and https URLs are fetched")
        deadline = time.monotonic() + self.timeout * 4
        self.requests += 1
        try:
            response = self._client.send(request, stream=True)
        except ConnectorError as exc:
            raise ConnectorError(exc.reason, f"{where}: {exc.message}") from None
        except httpx.TimeoutException:
            raise ConnectorError("timeout", f"{where} did not answer within {self.timeout:g} s") from None
        except httpx.ProtocolError as exc:  # may quote the request's header values (an API key): the type only
            raise ConnectorError("unreachable", f"cannot reach {where} ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:  # connection refused, reset, TLS: no request data in the text
            raise ConnectorError("unreachable", f"cannot reach {where}: {exc}") from None
        try:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise self._too_large(where)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise self._too_large(where)
                if time.monotonic() > deadline:
                    raise ConnectorError("timeout", f"{where} took longer than {self.timeout * 4:g} s to send its answer")
        except httpx.TimeoutException:
            raise ConnectorError("timeout", f"{where} stopped sending for {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise ConnectorError("unreachable", f"{where} broke off its answer: {exc}") from None
        finally:
            response.close()
        log.debug("%s %s -> %s (%d bytes)", request.method, where, response.status_code, len(body))
        headers = {name.lower(): value for name, value in response.headers.items()}
        return Response(response.status_code, headers, bytes(body), str(request.url))

    def _too_large(self, where: str) -> ConnectorError:
        return ConnectorError("too_large", f"{where} is larger than {_megabytes(self.max_bytes)}; stopped reading")
