"""The People API's per-minute read quotas, and which one a request counts against.

Contact reads and group reads are separate buckets; a 429 names the bucket that ran
out, so the bucket chosen for a request is remembered per answering thread.
"""

from __future__ import annotations

import threading

from ..faults import RateLimit
from ..wire import Request, Response
from . import errors

# The quota buckets as read in a Cloud Console (per minute per user).
CONTACT_READS = ("Critical read requests (Contact and Profile Reads)", 60)
GROUP_READS = ("Read requests (Contact Group Reads)", 90)


class ReadQuotas:
    """One sliding-window limit per bucket, and Google's answer when one runs out."""

    def __init__(self) -> None:
        self._limits = {
            CONTACT_READS[0]: RateLimit(CONTACT_READS[1], 60.0),
            GROUP_READS[0]: RateLimit(GROUP_READS[1], 60.0),
        }
        self._limited = threading.local()  # which bucket the current request ran out of

    def limits_for(self, request: Request) -> list[RateLimit]:
        metric = GROUP_READS if request.path.startswith("/v1/contactGroups") else CONTACT_READS
        self._limited.metric = metric
        return [self._limits[metric[0]]]

    def exceeded(self) -> Response:
        metric, per_minute = getattr(self._limited, "metric", CONTACT_READS)
        return errors.quota_exceeded(metric, per_minute)
