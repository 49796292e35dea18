"""What the metrics exporter reads at scrape time: applicants per status, queue depth, the active model.

A Prometheus collector (``SenkoCollector``) registered by ``flask metrics serve`` only: the API and
the worker never run these queries. Answers are cached for ``CACHE_SECONDS``, so a scrape every few
seconds costs the database two grouped counts at most that often. Labels: statuses, the queue name
and the active model's version (one), never personal data.
"""
import logging
import threading
import time

import redis
from flask import Flask
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from .extensions import db
from .models import Applicant, MlModel
from .models.applicant import STATUSES

log = logging.getLogger(__name__)
CACHE_SECONDS = 10.0
QUEUES = ("celery",)  # Celery's default queue: every task of Senko goes there
SCORE_BUCKETS = tuple(round(0.1 * step, 1) for step in range(1, 11))  # 0.1 … 1.0


def score_buckets(rows) -> tuple[list[tuple[str, float]], float]:
    """Cumulative buckets (``le`` 0.1 … 1.0, +Inf) and the sum, from ``(tenth, count, sum)`` rows."""
    per_tenth = {min(int(tenth), 9): 0 for tenth, _count, _sum in rows}
    total_sum = 0.0
    for tenth, count, score_sum in rows:
        per_tenth[min(int(tenth), 9)] += int(count)  # a score of exactly 1.0 belongs to the last bucket
        total_sum += float(score_sum or 0)
    buckets, running = [], 0
    for index, bound in enumerate(SCORE_BUCKETS):
        running += per_tenth.get(index, 0)
        buckets.append((str(bound), running))
    buckets.append(("+Inf", running))
    return buckets, total_sum


class SenkoCollector:
    """Applicants per status, the queue's length, the active model and the distribution of its scores."""

    def __init__(self, app: Flask):
        self.app = app
        self.lock = threading.Lock()
        self.cached_at = float("-inf")
        self.families: list = []

    def collect(self):
        """The cached families, refreshed when older than ``CACHE_SECONDS``."""
        with self.lock:
            if time.monotonic() - self.cached_at > CACHE_SECONDS:
                self.families = self.read()
                self.cached_at = time.monotonic()
            return list(self.families)

    def read(self) -> list:
        """Query the database and the broker (a failing one is left out and logged, the others stay)."""
        families = []
        for reader in (self.applicants, self.model, self.queue_depth):
            try:
                families += reader()
            except Exception:  # a scrape must answer even with MariaDB or Redis down
                log.exception("metrics: %s unavailable", reader.__name__)
        return families

    def applicants(self) -> list:
        """``senko_applicants{status}``: how many applicants are at each status."""
        with self.app.app_context():
            rows = dict(db.session.execute(select(Applicant.status, func.count()).group_by(Applicant.status)).all())
            db.session.remove()
        family = GaugeMetricFamily("senko_applicants", "Applicants per status", labels=["status"])
        for status in STATUSES:
            family.add_metric([status], rows.get(status, 0))
        return [family]

    def model(self) -> list:
        """``senko_active_model_info{version}`` and ``senko_scores``: the active model and its scores."""
        with self.app.app_context():
            active = MlModel.active()
            version = active.version if active else None
            rows = []
            if version:
                tenth = func.floor(Applicant.score * 10)
                rows = db.session.execute(
                    select(tenth, func.count(), func.sum(Applicant.score))
                    .where(Applicant.model_version == version, Applicant.score.is_not(None)).group_by(tenth)).all()
            db.session.remove()
        info = GaugeMetricFamily("senko_active_model_info", "The active model (1 for its version; none: no model)",
                                 labels=["version"])
        if version:
            info.add_metric([version], 1)
        buckets, total = score_buckets(rows)
        scores = GaugeHistogramMetricFamily("senko_scores", "OK probabilities the active model gave the applicants it scored",
                                            buckets=buckets, gsum_value=total)
        return [info, scores]

    def queue_depth(self) -> list:
        """``senko_queue_depth{queue}``: messages waiting in the broker (Redis lists), as the broker user."""
        client = redis.Redis.from_url(self.app.config["SENKO_CELERY_BROKER_URL"], socket_timeout=2)
        try:
            family = GaugeMetricFamily("senko_queue_depth", "Tasks waiting in the queue", labels=["queue"])
            for queue in QUEUES:
                family.add_metric([queue], client.llen(queue))
            return [family]
        finally:
            client.close()
