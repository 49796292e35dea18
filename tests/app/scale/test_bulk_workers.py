"""Bulk jobs on two Celery worker processes: both take chunks, each applicant is applied exactly once, and a chunk
whose worker is SIGKILLed in the middle is finished by the other one (still exactly once).

As root (with ``ip`` and ``socat``), worker ``bulk-b`` runs in its own network namespace, like another
host: its loopback is its own, and it reaches MariaDB, Redis and senko-predict over TCP through a veth
pair (``socat`` forwards the host end to the services, which listen on the host's loopback only).
"""
import os
import shutil
import signal
import subprocess

import pytest
from sqlalchemy import func, select

WORKERS = ("bulk-a", "bulk-b")
CHUNK = 8
# The workers' settings: a chunk sleeps 1.5 s before it applies (so a test can kill its worker in the middle of one),
# a lease shorter than Celery's visibility timeout, and a dead worker's message back after that timeout.
SETTINGS = {
    "SENKO_BULK_CHUNK_SIZE": str(CHUNK),
    "SENKO_BULK_CHUNK_DELAY": "1.5",
    "SENKO_BULK_LEASE_SECONDS": "4",
    "SENKO_CELERY_VISIBILITY_TIMEOUT": "6",
    "SENKO_CELERY_RESTORE_INTERVAL": "1",
}


def can_isolate() -> bool:
    """Network namespaces need root, iproute2 and socat."""
    return os.geteuid() == 0 and bool(shutil.which("ip")) and bool(shutil.which("socat"))


class OtherHost:
    """A network namespace joined to this one by a veth pair; ``forward`` makes a loopback port reachable there."""

    def __init__(self):
        tag = os.getpid() % 100_000
        self.namespace, self.host_end, self.ns_end = f"senko-{tag}", f"vhs{tag}", f"vns{tag}"
        self.address = f"10.231.{tag % 250}.1"
        self.forwarders: list[subprocess.Popen] = []
        peer = f"10.231.{tag % 250}.2/30"
        for command in (["ip", "netns", "add", self.namespace],
                        ["ip", "link", "add", self.host_end, "type", "veth", "peer", "name", self.ns_end],
                        ["ip", "link", "set", self.ns_end, "netns", self.namespace],
                        ["ip", "addr", "add", f"{self.address}/30", "dev", self.host_end],
                        ["ip", "link", "set", self.host_end, "up"],
                        [*self.inside(), "ip", "addr", "add", peer, "dev", self.ns_end],
                        [*self.inside(), "ip", "link", "set", self.ns_end, "up"],
                        [*self.inside(), "ip", "link", "set", "lo", "up"]):
            subprocess.run(command, check=True, capture_output=True)

    def inside(self) -> list[str]:
        """The prefix running a command in the namespace."""
        return ["ip", "netns", "exec", self.namespace]

    def forward(self, port: int) -> None:
        """Serve the host's ``127.0.0.1:port`` on the veth address (the namespace's way to the service)."""
        self.forwarders.append(subprocess.Popen(
            ["socat", f"TCP-LISTEN:{port},bind={self.address},fork,reuseaddr", f"TCP:127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def close(self) -> None:
        """Stop the forwarders and remove the namespace (its veth end goes with it, and the pair)."""
        for process in self.forwarders:
            process.terminate()
            process.wait(10)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True)
        subprocess.run(["ip", "link", "del", self.host_end], capture_output=True)


def start_worker_elsewhere(stack, name: str, host: OtherHost) -> None:
    """Start worker ``name`` in ``host``'s namespace, with URLs that reach the services over the veth pair."""
    from senko_stack import exporters
    from senko_stack.config import APP_DIR
    from senko_stack.processes import wait_for as wait_up
    from senko_stack.services import CELERY_APP, share_data

    for key in ("SENKO_DB_PORT", "SENKO_REDIS_PORT", "SENKO_PREDICT_PORT"):
        host.forward(int(stack.env[key]))
    env = share_data(stack) | exporters.multiproc_env(stack, name)
    for key in ("SENKO_DATABASE_URL", "SENKO_REDIS_URL", "SENKO_CELERY_BROKER_URL", "SENKO_PREDICT_URL",
                "SENKO_RATELIMIT_STORAGE_URL"):
        if key in env:
            env[key] = env[key].replace("127.0.0.1", host.address)
    log = stack.log / f"{name}.log"
    offset = log.stat().st_size if log.exists() else 0
    stack.spawn(name, [*host.inside(), stack.bin("celery"), "-A", CELERY_APP, "worker", "--loglevel=INFO",
                       "--concurrency=1", f"--hostname={name}@%h", "--without-gossip", "--without-mingle"],
                cwd=APP_DIR, env=env)
    wait_up(lambda: log.exists() and b" ready." in log.read_bytes()[offset:], name, 90, log,
            alive=lambda: stack.pid(name) is not None)


@pytest.fixture
def two_workers(app, stack, predict_service):
    """Workers ``bulk-a`` and ``bulk-b`` (one process each, b in its own network namespace when the machine
    allows), the only consumers while the test runs."""
    saved = {key: stack.env.get(key) for key in SETTINGS}
    paused = stack.stop("worker")  # the session's worker, if another test started it, sits this one out
    stack.env.update(SETTINGS)
    app.config["SENKO_BULK_CHUNK_SIZE"] = CHUNK
    host = OtherHost() if can_isolate() else None
    try:
        stack.start_worker(concurrency=1, name=WORKERS[0])
        if host:
            start_worker_elsewhere(stack, WORKERS[1], host)
        else:
            stack.start_worker(concurrency=1, name=WORKERS[1])
        yield stack
    finally:
        for name in WORKERS:
            stack.stop(name)
        if host:
            host.close()
        for key, value in saved.items():
            if value is None:
                stack.env.pop(key, None)
            else:
                stack.env[key] = value
        app.config["SENKO_BULK_CHUNK_SIZE"] = 500
        if paused:
            stack.start_worker()


def job_state(app, job_id: int) -> dict:
    """The job's progress, read in a fresh transaction."""
    from senko.bulk import jobs
    from senko.extensions import db

    with app.app_context():
        db.session.rollback()
        return jobs.describe(job_id)


def wait_finished(app, job_id: int, wait_for) -> dict:
    """Wait until the job is no longer running."""
    return wait_for(lambda: (lambda s: s if s["status"] != "running" else None)(job_state(app, job_id)),
                    f"bulk job {job_id}", 180, 0.3)


def chunk_rows(app, job_id: int) -> list[tuple]:
    """(seq, status, worker, attempts) of every chunk of the job."""
    from senko.extensions import db
    from senko.models import BulkChunk

    with app.app_context():
        return db.session.execute(select(BulkChunk.seq, BulkChunk.status, BulkChunk.worker, BulkChunk.attempts)
                                  .where(BulkChunk.job_id == job_id).order_by(BulkChunk.seq)).all()


def applied(app, job_id: int) -> dict[int, int]:
    """applicant id → how often a result was applied to it in this job."""
    from senko.extensions import db
    from senko.models import BulkJobItem

    with app.app_context():
        return dict(db.session.execute(select(BulkJobItem.applicant_id, BulkJobItem.applied)
                                       .where(BulkJobItem.job_id == job_id)).all())


def start_rescore(app) -> int:
    """Plan a rescore job with the active model; returns its id."""
    from senko.bulk import jobs

    with app.app_context():
        return jobs.start_rescore().id


def undecided(app) -> int:
    """How many applicants a rescore covers."""
    from senko.extensions import db
    from senko.models import Applicant

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Applicant).where(Applicant.decision.is_(None)))


def test_two_workers_share_a_job_and_survive_a_sigkill(app, two_workers, make_model, seed_labelled, wait_for):
    """Both workers take chunks, every applicant is applied once; kill one mid-chunk: the other finishes it, once."""
    stack = two_workers
    version = make_model(activate=True)  # 120 labelled, 20 undecided; the activation's own job runs on A and B
    activation = wait_for(lambda: (lambda rows: rows[0] if rows else None)(recent_jobs(app)), "activation job", 180)
    assert wait_finished(app, activation, wait_for)["status"] == "done"
    seed_labelled(app, 60, decided=0, start=500)
    total = undecided(app)
    assert total == 80

    job_id = start_rescore(app)
    state = wait_finished(app, job_id, wait_for)
    assert (state["status"], state["total"], state["done"], state["failed"]) == ("done", total, total, 0)
    assert state["chunks"]["total"] == state["chunks"]["done"] == total // CHUNK
    takers = {worker.split("@")[0] for _seq, _status, worker, _attempts in chunk_rows(app, job_id)}
    assert takers == set(WORKERS)
    assert sorted(set(applied(app, job_id).values())) == [1] and len(applied(app, job_id)) == total

    if can_isolate():  # bulk-b is on "another host": its network namespace is not ours
        assert os.readlink(f"/proc/{stack.pid('bulk-b')}/ns/net") != os.readlink("/proc/self/ns/net")

    job_id = start_rescore(app)
    victim = "bulk-b"
    held = wait_for(lambda: [row for row in chunk_rows(app, job_id)
                             if row.status == "running" and row.worker.startswith(victim + "@")],
                    f"a chunk running on {victim}", 60, 0.05)
    os.killpg(stack.pid(victim), signal.SIGKILL)  # the worker and its child: no goodbye, no ack
    killed_seq = held[0].seq
    state = wait_finished(app, job_id, wait_for)
    assert (state["status"], state["done"], state["failed"]) == ("done", total, 0)
    rows = {row.seq: row for row in chunk_rows(app, job_id)}
    assert rows[killed_seq].status == "done" and rows[killed_seq].worker.startswith("bulk-a@")
    assert rows[killed_seq].attempts >= 2
    counts = applied(app, job_id)
    assert len(counts) == total and set(counts.values()) == {1}
    with app.app_context():
        from senko.extensions import db
        from senko.models import Applicant

        versions = set(db.session.scalars(select(Applicant.model_version).where(Applicant.decision.is_(None))))
    assert versions == {version}


def recent_jobs(app) -> list[int]:
    """Ids of the bulk jobs, newest first."""
    from senko.bulk import jobs
    from senko.extensions import db

    with app.app_context():
        db.session.rollback()
        return [job["id"] for job in jobs.recent()]
