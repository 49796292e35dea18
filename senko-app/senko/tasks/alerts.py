"""Alert tasks: Celery's side of ``senko.alerts`` (the webhook call, retried with backoff)."""
import logging

import requests
from celery import shared_task
from flask import current_app

from .. import alerts, queue

log = logging.getLogger(__name__)


@shared_task(bind=True, name=queue.SEND_ALERT, max_retries=None, ignore_result=True)
def send_alert(self, text: str) -> bool:
    """Post ``text`` to the chat webhook; retries with doubling waits, then gives up with a warning (never an error)."""
    config = current_app.config
    if not config["SENKO_ALERT_WEBHOOK_URL"]:
        return False
    try:
        alerts.post(text)
        return True
    except requests.RequestException as exc:
        if self.request.retries >= config["SENKO_ALERT_RETRIES"]:
            log.warning("alert dropped after %d attempts: %s", self.request.retries + 1, type(exc).__name__)
            return False
        raise self.retry(countdown=config["SENKO_ALERT_RETRY_BACKOFF"] * 2 ** self.request.retries, exc=exc) from None
