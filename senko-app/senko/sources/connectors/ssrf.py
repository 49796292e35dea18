"""The SSRF rules for connectors that open their own sockets (IMAP): refuse non-public addresses not allowed.

The same rules as ``senko.sources.guard`` (which the HTTP fetcher uses), kept here because the
connectors may not import the guard: it imports ``connectors.base``, and the two would form a cycle.
"""
import ipaddress
import socket

from senko.sources.connectors.base import ConnectorError

NAT64 = ipaddress.ip_network("64:ff9b::/96")


def resolve(host: str, port: int) -> list[str]:
    """All addresses of ``host`` (an IP literal is its own answer); tests replace this to fake DNS."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectorError("unreachable", f"the mail server {host} cannot be resolved ({exc})") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_address(host: str, port: int, allow_list) -> str:
    """The address to connect to: ConnectorError ``refused`` when any address of ``host`` is not public and
    ``allow_list`` (the fetcher's AllowList, ``allows(host, ip, port)``; None allows nothing) does not admit it.
    """
    addresses = resolve(host, port)
    if not addresses:
        raise ConnectorError("unreachable", f"the mail server {host} has no address")
    for address in addresses:
        ip = unwrap(ipaddress.ip_address(address.split("%")[0]))
        public = ip.is_global and not ip.is_multicast
        if not public and not (allow_list is not None and allow_list.allows(host, address, port)):
            raise ConnectorError("refused", f"{host} resolves to a non-public address ({address}), not in the allow list")
    return addresses[0]


def unwrap(ip):
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address (else ``ip`` itself)."""
    if ip.version == 6:
        if ip.ipv4_mapped or ip.sixtofour:
            return ip.ipv4_mapped or ip.sixtofour
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip
