"""The adverse-impact report over HTTP: auditors and admins only (it is built from protected attributes)."""
from flask import request

from ..errors import ApiError
from ..fairness.report import report
from ..models.fairness import ATTRIBUTES
from .audit import _time_arg, audit
from .base import AuditorResource


class FairnessReport(AuditorResource):
    """``GET /fairness/report?attribute=gender|age_band|prefecture[&from=&to=]``: per group rates, ratios, warnings."""

    def get(self):
        attribute = (request.args.get("attribute") or "").strip()
        if attribute not in ATTRIBUTES:
            raise ApiError(400, f"attribute must be one of {', '.join(ATTRIBUTES)}")
        since, until = _time_arg("from"), _time_arg("to", end_of_day=True)
        if since and until and since > until:
            raise ApiError(400, "from must not be after to")
        result = report(attribute, since, until)
        audit("fairness.report", attribute=attribute)
        return {**result, "from": request.args.get("from") or None, "to": request.args.get("to") or None}
