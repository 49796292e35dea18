"""Where the fetcher may connect: the allow list, the address rules and the pinned connection (SSRF guard).

Every connection the fetcher opens goes through ``GuardedBackend.connect_tcp``: it resolves the host
once, refuses the whole host when any of its addresses is loopback, private, link-local (the cloud
metadata address 169.254.169.254 included), multicast, reserved, unspecified or otherwise not public
(IPv4-mapped, 6to4 and NAT64 forms are unwrapped first), unless the allow list admits that
(address, port); then it connects to one of *those checked addresses*. The request keeps its URL, so
the Host header, cookies and the TLS server name (SNI and certificate check) stay the original host
name: a DNS answer that changes between the check and the connection (DNS rebinding) cannot redirect
the socket. Redirects open new connections through the same path, so every hop is checked.
"""
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpcore
import httpx

from senko.sources.base import ConnectorError

# resolver(host, port) -> the host's addresses, as strings.
Resolver = Callable[[str, int], list[str]]
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class AllowList:
    """Non-public addresses the fetcher may reach anyway: ``host:port`` entries (one port) and CIDR blocks (any port)."""

    hosts: frozenset = frozenset()  # {(host name or canonical IP, port)}
    networks: tuple = ()

    @classmethod
    def parse(cls, entries: Iterable[str] | None) -> "AllowList":
        """``["board.local:8080", "10.1.2.0/24", "127.0.0.1:8080", "[::1]:9000"]`` → AllowList; ValueError names a bad entry."""
        hosts, networks = set(), []
        for raw in entries or ():
            entry = str(raw).strip()
            if "/" in entry:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    raise ValueError(f"allow-list entry {raw!r} is not a valid CIDR block (e.g. 10.1.2.0/24)") from None
                continue
            hosts.add(_host_port(raw, entry))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, ip: str, port: int) -> bool:
        """True when ``host`` (as named in the URL) resolving to ``ip`` may be reached on ``port``."""
        address = ipaddress.ip_address(ip)
        candidates = {address, _unwrap(address)}
        if (host.lower().rstrip("."), port) in self.hosts or any((str(a), port) in self.hosts for a in candidates):
            return True
        return any(a.version == net.version and a in net for a in candidates for net in self.networks)

    def __bool__(self) -> bool:
        return bool(self.hosts or self.networks)


def _host_port(raw, entry: str) -> tuple[str, int]:
    """Parse one ``host:port`` / ``[v6]:port`` entry."""
    bad = ValueError(f"allow-list entry {raw!r} is not host:port, [IPv6]:port or a CIDR block")
    if entry.startswith("["):
        host, sep, port = entry[1:].partition("]:")
        if not sep:
            raise bad
    else:
        host, sep, port = entry.rpartition(":")
        if not sep or ":" in host:
            raise bad
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(f"allow-list entry {raw!r} has no valid port (1-65535)")
    try:
        return str(ipaddress.ip_address(host)), int(port)
    except ValueError:
        pass
    name = host.lower().rstrip(".")
    if not name or entry.startswith("[") or not all(label and label.replace("-", "").isalnum() for label in name.split(".")):
        raise bad
    return name, int(port)


def _unwrap(address):
    """The IPv4 address hidden in an IPv4-mapped, 6to4 or NAT64 IPv6 address (else the address itself)."""
    if address.version == 6:
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def blocked_kind(ip: str) -> str | None:
    """Why ``ip`` is not a public address (``"private"``, ``"loopback"``, ``"link-local"``, ...), or None when it is."""
    address = _unwrap(ipaddress.ip_address(ip))
    for kind, flag in (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local), ("multicast", address.is_multicast),
                       ("private", address.is_private), ("reserved", address.is_reserved),
                       ("site-local", getattr(address, "is_site_local", False))):
        if flag:
            return kind
    return None if address.is_global else "non-public"


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses of ``host`` from the system resolver (an IP literal is its own answer)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorError("unreachable", f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
    return list(dict.fromkeys(info[4][0] for info in answers))


def checked_addresses(host: str, port: int, allow_list: AllowList, resolver: Resolver) -> list[str]:
    """Resolve ``host`` once and return its addresses; ConnectorError("refused") if any is not allowed."""
    addresses = resolver(host, port)
    if not addresses:
        raise ConnectorError("unreachable", f"{host} has no address")
    for ip in addresses:
        kind = blocked_kind(ip)
        if kind and not allow_list.allows(host, ip, port):
            article = "an" if kind[0] in "aeiou" else "a"
            what = f"is {article} {kind} address" if host.strip("[]") == ip else f"resolves to {article} {kind} address ({ip})"
            raise ConnectorError("refused", f"{host} {what}, not in the allow list (port {port})")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, but each TCP connection goes to an address checked at connect time."""

    def __init__(self, allow_list: AllowList, resolver: Resolver | None = None):
        self.allow_list = allow_list
        self.resolver = resolver or system_resolver

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        """Resolve and check ``host`` once, then connect to the checked addresses in turn (never re-resolving)."""
        last_error = None
        for ip in checked_addresses(host, port, self.allow_list, self.resolver):
            try:
                return super().connect_tcp(ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        raise last_error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        """Unix sockets are never a job board."""
        raise ConnectorError("refused", "unix sockets are not allowed")


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """httpcore's exceptions as httpx's, as httpx's own transport does."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise httpx.TimeoutException(str(exc) or type(exc).__name__) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ProxyError, httpcore.UnsupportedProtocol) as exc:
        raise httpx.TransportError(str(exc) or type(exc).__name__) from exc


class _Stream(httpx.SyncByteStream):
    def __init__(self, stream):
        self._stream = stream

    def __iter__(self):
        with _httpx_errors():
            yield from self._stream

    def close(self):
        if hasattr(self._stream, "close"):
            self._stream.close()


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool that connects only through ``GuardedBackend`` (no proxies)."""

    def __init__(self, allow_list: AllowList, resolver: Resolver | None = None, ssl_context: ssl.SSLContext | None = None):
        self.backend = GuardedBackend(allow_list, resolver)
        # Certificates are always verified, against the URL's host name (not the pinned address).
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context or httpx.create_ssl_context(), network_backend=self.backend,
                                             max_connections=10, keepalive_expiry=5.0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request (no redirects: the fetcher follows them itself)."""
        url = request.url
        core = httpcore.Request(method=request.method,
                                url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
                                headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        with _httpx_errors():
            answer = self._pool.handle_request(core)
        return httpx.Response(status_code=answer.status, headers=answer.headers, stream=_Stream(answer.stream),
                              extensions=answer.extensions)

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()
