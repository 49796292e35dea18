"""Beat's heartbeat: the scheduler beat runs (``beat_scheduler``) writes one to Redis as it ticks.

``flask health beat`` (compose's health check of senko-beat) and ``make status`` read it: how long
ago beat ticked and when each periodic job last ran.
"""
import logging
import time

from celery.beat import PersistentScheduler

from .. import health

EVERY_SECONDS = 10.0
logger = logging.getLogger(__name__)


class HeartbeatScheduler(PersistentScheduler):
    """Celery's default scheduler (schedule file) plus a heartbeat at most every ``EVERY_SECONDS``."""

    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._last_heartbeat >= EVERY_SECONDS:
            self._last_heartbeat = now
            try:
                with self.app.flask_app.app_context():
                    # A new entry's last_run_at is its creation time: "never" until beat has sent it once.
                    health.write_heartbeat({name: entry.last_run_at.isoformat() if entry.total_run_count else None
                                            for name, entry in self.schedule.items()})
            except Exception as exc:  # Redis down: beat keeps scheduling; the missing heartbeat is the signal
                logger.warning("beat heartbeat not written: %s", type(exc).__name__)
        return min(interval, EVERY_SECONDS)
