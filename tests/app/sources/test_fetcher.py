"""The fetcher: SSRF refusals (addresses, redirects, DNS, rebinding), the allow list, size cap, retries, politeness."""
import pytest

from senko.sources.base import ConnectorError
from senko.sources.fetcher import AllowList, Fetcher
from senko.sources.guard import blocked_kind


def fetcher_for(board, **kwargs) -> Fetcher:
    """A fetcher that may reach the loopback job board (and only it)."""
    return Fetcher(AllowList.parse([f"127.0.0.1:{board.port}"]), **kwargs)


def refused(fetcher: Fetcher, url: str) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        fetcher.get(url)
    assert caught.value.reason == "refused", caught.value.message
    return caught.value


class FakeDns:
    """A resolver that answers from a script: one answer per call, the last one repeated."""

    def __init__(self, *answers: list[str]):
        self.answers, self.calls = list(answers), []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def test_allow_list_parses_hosts_ports_and_blocks():
    """host:port allows one port, a CIDR any port; IPv6 needs brackets; bad entries name themselves."""
    allow = AllowList.parse(["board.local:8080", "10.1.2.0/24", "127.0.0.1:8080", "[::1]:9000"])
    assert allow.allows("board.local", "10.9.9.9", 8080) and not allow.allows("board.local", "10.9.9.9", 8081)
    assert allow.allows("x", "10.1.2.77", 1) and allow.allows("x", "::ffff:10.1.2.77", 443)
    assert allow.allows("127.0.0.1", "127.0.0.1", 8080) and not allow.allows("127.0.0.1", "127.0.0.1", 8081)
    assert allow.allows("localhost", "::1", 9000) and not allow.allows("localhost", "::1", 9001)
    assert not allow.allows("x", "10.1.3.1", 80)
    for bad in ("board.local", "::1:80", "[::1]", "h:0", "h:99999", "a..b:80", "10.0.0.0/33", "http://x:80"):
        with pytest.raises(ValueError, match=bad.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
            AllowList.parse([bad])


def test_non_public_addresses_are_classified():
    """Loopback, private, link-local, CGNAT, multicast and IPv4-mapped forms are all refused; public ones pass."""
    assert blocked_kind("127.0.0.1") == "loopback" and blocked_kind("::1") == "loopback"
    assert blocked_kind("10.0.0.5") == "private" and blocked_kind("192.168.1.1") == "private"
    assert blocked_kind("169.254.169.254") == "link-local" and blocked_kind("fe80::1") == "link-local"
    assert blocked_kind("::ffff:10.0.0.5") == "private" and blocked_kind("::ffff:127.0.0.1") == "loopback"
    assert blocked_kind("0.0.0.0") == "unspecified" and blocked_kind("224.0.0.1") == "multicast"
    assert blocked_kind("100.64.0.1") == "non-public"
    assert blocked_kind("93.184.215.14") is None and blocked_kind("2606:4700::1111") is None


def test_loopback_is_refused_without_an_allow_list_entry(job_board):
    """The board on 127.0.0.1 is refused unless its exact host:port is allowed; then it answers."""
    message = refused(Fetcher(), f"{job_board.url}/echo").message
    assert "loopback address" in message and "127.0.0.1" in message
    refused(Fetcher(AllowList.parse([f"127.0.0.1:{job_board.port + 1}"])), f"{job_board.url}/echo")
    with fetcher_for(job_board) as fetcher:
        response = fetcher.get(f"{job_board.url}/echo")
    assert response.status == 200 and response.json()["headers"]["user-agent"] == "Senko/1.0 (+job-board sync)"


@pytest.mark.parametrize("url", ["http://10.0.0.5/applications", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://2130706433/"])
def test_private_and_metadata_addresses_are_refused(url):
    """Private, link-local (cloud metadata), loopback in IPv6 and odd spellings are refused before connecting."""
    message = refused(Fetcher(), url).message
    assert "not in the allow list" in message


def test_other_schemes_are_refused():
    """Only http and https are fetched."""
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/"):
        with pytest.raises(ConnectorError) as caught:
            Fetcher().get(url)
        assert caught.value.reason in ("refused", "settings")


def test_a_redirect_to_a_private_address_is_refused(job_board):
    """Every hop is checked: the board's redirect to the metadata address or to 10.x is refused."""
    with fetcher_for(job_board) as fetcher:
        assert "169.254.169.254" in refused(fetcher, f"{job_board.url}/private-redirect").message
        assert "10.255.255.1" in refused(fetcher, f"{job_board.url}/redirect?to=http://10.255.255.1/admin").message
        assert fetcher.get(f"{job_board.url}/redirect?to=/echo").status == 200


def test_redirects_are_capped(job_board):
    """A redirect chain longer than max_redirects is a bad response."""
    chain = f"{job_board.url}/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/echo"
    with fetcher_for(job_board, max_redirects=1) as fetcher, pytest.raises(ConnectorError) as caught:
        fetcher.get(chain)
    assert caught.value.reason == "bad_response" and "redirected more than 1" in caught.value.message
    with fetcher_for(job_board, max_redirects=3) as fetcher:
        assert fetcher.get(chain).status == 200


def test_a_host_name_resolving_to_a_private_address_is_refused():
    """A public-looking name whose DNS answer is private is refused, naming the address."""
    fetcher = Fetcher(resolver=FakeDns(["93.184.215.14", "10.0.0.5"]))
    message = refused(fetcher, "https://jobs.example.com/api").message
    assert "jobs.example.com resolves to a private address (10.0.0.5)" in message


def test_the_connection_goes_to_the_checked_address(job_board):
    """DNS rebinding: the first answer (allowed) is the one connected to; a later, private answer never is."""
    dns = FakeDns(["127.0.0.1"], ["10.0.0.5"])
    url = f"http://board.example:{job_board.port}/echo"
    with fetcher_for(job_board, resolver=dns) as fetcher:
        answer = fetcher.get(url).json()
    # One lookup: had the fetcher looked up again to connect, it would have gone to 10.0.0.5 and failed.
    assert dns.calls == ["board.example"]
    assert answer["host"] == f"board.example:{job_board.port}"  # the Host header kept the name
    with fetcher_for(job_board, resolver=dns) as fetcher:  # the next connection resolves again: now refused
        assert "10.0.0.5" in refused(fetcher, url).message
    assert dns.calls == ["board.example", "board.example"]


def test_credentials_do_not_follow_a_redirect_to_another_host(job_board):
    """The caller's headers (an API key) go to the same origin only, never across a redirect."""
    dns = FakeDns(["127.0.0.1"])
    other = f"http://other.example:{job_board.port}/echo"
    with fetcher_for(job_board, resolver=dns) as fetcher:
        same = fetcher.get(f"{job_board.url}/redirect?to=/echo", headers={"X-API-Key": "k"}).json()
        moved = fetcher.get(f"{job_board.url}/redirect?to={other}", headers={"X-API-Key": "k"}).json()
    assert same["headers"]["x-api-key"] == "k"
    assert moved["host"] == f"other.example:{job_board.port}" and "x-api-key" not in moved["headers"]


def test_a_huge_answer_is_cut_off_early(job_board):
    """A 200 MB streamed answer stops at max_bytes; the board got to write only a bounded amount."""
    board = job_board.app.board
    with fetcher_for(job_board, max_bytes=1024 * 1024) as fetcher, pytest.raises(ConnectorError) as caught:
        fetcher.get(f"{job_board.url}/huge?mb=200")
    assert caught.value.reason == "too_large" and "larger than 1 MB" in caught.value.message
    assert board.huge_sent < 64 * 1024 * 1024  # socket buffers at most, nowhere near 200 MB
    with fetcher_for(job_board, max_bytes=1024 * 1024) as fetcher, pytest.raises(ConnectorError) as caught:
        fetcher.get(f"{job_board.url}/huge?mb=200&length=1")  # announced size: refused before reading
    assert caught.value.reason == "too_large"


def test_a_slow_board_times_out(job_board):
    """No answer within the timeout is a timeout, not a hang."""
    with fetcher_for(job_board, timeout=0.3) as fetcher, pytest.raises(ConnectorError) as caught:
        fetcher.get(f"{job_board.url}/slow?seconds=3")
    assert caught.value.reason == "timeout"


def test_nothing_listening_is_unreachable(job_board):
    """A closed port is unreachable (and allowed, so the guard is not what stops it)."""
    from senko_stack import free_port

    port = free_port()
    with Fetcher(AllowList.parse([f"127.0.0.1:{port}"])) as fetcher, pytest.raises(ConnectorError) as caught:
        fetcher.get(f"http://127.0.0.1:{port}/")
    assert caught.value.reason == "unreachable"


def test_retry_after_is_honoured_once(job_board):
    """429 with Retry-After: wait as told (capped), retry once; rate-limited twice is unreachable."""
    board, waits = job_board.app.board, []
    with fetcher_for(job_board, sleep=waits.append, max_retry_after=5) as fetcher:
        board.throttle(times=1, retry_after="2")
        assert fetcher.get(f"{job_board.url}/echo").status == 200 and waits == [2.0]
        board.throttle(times=1, retry_after="3600")
        assert fetcher.get(f"{job_board.url}/echo").status == 200 and waits[-1] == 5.0
        board.throttle(times=1, retry_after="Wed, 21 Oct 2015 07:28:00 GMT", status=503)  # a date in the past
        assert fetcher.get(f"{job_board.url}/echo").status == 200 and waits[-1] == 0.0
        board.throttle(times=2, retry_after="1")
        with pytest.raises(ConnectorError) as caught:
            fetcher.get(f"{job_board.url}/echo")
    assert caught.value.reason == "unreachable" and "rate limited" in caught.value.message


def test_requests_are_spaced_by_the_delay(job_board):
    """delay_seconds: the fetcher waits between consecutive requests, never before the first."""
    waits = []
    with fetcher_for(job_board, delay_seconds=2.0, sleep=waits.append) as fetcher:
        fetcher.get(f"{job_board.url}/echo")
        assert waits == []
        fetcher.get(f"{job_board.url}/echo")
    assert len(waits) == 1 and 0 < waits[0] <= 2.0


def test_cookies_are_kept_for_the_session(job_board):
    """The console's session cookie set at login is sent back on the next requests."""
    with fetcher_for(job_board) as fetcher:
        page = fetcher.get(f"{job_board.url}/console/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        answer = fetcher.post(f"{job_board.url}/console/login",
                              data={"csrf_token": token, "username": "recruiter", "password": "demo-password"})
    assert answer.status == 200 and answer.url.endswith("/console/applicants") and "applicant-link" in answer.text


def make_tls_files(folder, host: str) -> tuple[str, str, str]:
    """A private CA and a certificate for ``host`` signed by it: (ca file, cert file, key file)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now, key = datetime.now(UTC), ec.generate_private_key(ec.SECP256R1())

    def cert(subject, issuer, signer, public_key, ca: bool, names=()):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
                   .not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Senko test CA")])
    ca = cert(ca_name, ca_name, key, key.public_key(), True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]), ca_name, key, leaf_key.public_key(), False, [host])
    files = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return tuple(str(f) for f in files)


def test_tls_is_verified_against_the_host_name_not_the_pinned_address(tmp_path):
    """HTTPS to a pinned address: the certificate must match the URL's host name (SNI), and is always verified."""
    import ssl

    from senko.demo.jobboard import create_board, serve

    ca, cert, key = make_tls_files(tmp_path, "board.test")
    server = serve(create_board([]), ssl_context=(cert, key))
    trust = ssl.create_default_context(cafile=ca)
    allow, dns = AllowList.parse([f"127.0.0.1:{server.port}"]), FakeDns(["127.0.0.1"])
    try:
        with Fetcher(allow, resolver=dns, ssl_context=trust) as fetcher:
            assert fetcher.get(f"https://board.test:{server.port}/echo").json()["host"] == f"board.test:{server.port}"
        for url, context in ((f"https://other.test:{server.port}/echo", trust),  # wrong name for the certificate
                             (f"https://board.test:{server.port}/echo", None)):  # a CA the system does not trust
            with Fetcher(allow, resolver=dns, ssl_context=context) as fetcher, pytest.raises(ConnectorError) as caught:
                fetcher.get(url)
            assert caught.value.reason == "unreachable" and "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    finally:
        server.stop()
