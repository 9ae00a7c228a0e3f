"""The trail delivered to S3 as CloudTrail delivers it: gzipped ``{"Records": [...]}`` log files under
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`` in a bucket of the sandbox's S3.

CloudTrail writes a log file per account and region every few minutes (about five on average), named
``<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 characters>.json.gz`` after the time it was written; the
folder's date is that time's date, so an event of 23:58 can sit in the next day's folder (CloudTrail user
guide, "Finding your CloudTrail log files"). :func:`deliver` does the same with any records: it groups them by
the account they were recorded in (``recipientAccountId``), their ``awsRegion`` and a delivery slot
(:data:`SLOT`), and writes one file per group, named after the slot's end.

:class:`TrailDelivery` keeps a bucket up to date with the sandbox's own CloudTrail (the recorders of its account,
every region): :meth:`~TrailDelivery.flush` delivers what was recorded since the last flush, and a thread does it
every ``interval`` seconds. Objects are written straight into moto's S3 backend (this is the service writing,
not a client; nothing lands in the trail for it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

#: How much of the trail one log file holds (CloudTrail delivers about every five minutes).
SLOT = timedelta(minutes=5)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _when(record: dict[str, Any]) -> datetime | None:
    value = record.get("eventTime")
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _slot_end(t: datetime, slot: timedelta) -> datetime:
    t = t.astimezone(UTC)
    step = int(slot.total_seconds())
    epoch = int(t.timestamp())
    return datetime.fromtimestamp((epoch // step + 1) * step, UTC)


def _unique(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in digest[:16])


def log_prefix(account: str, region: str, day: datetime | None = None, *, org_id: str | None = None) -> str:
    """``AWSLogs/<account>/CloudTrail/<region>/`` (with ``YYYY/MM/DD/`` when ``day`` is given); an
    organisation trail created with an organisation id puts ``<org_id>/`` after ``AWSLogs/``."""
    base = f"AWSLogs/{org_id + '/' if org_id else ''}{account}/CloudTrail/{region}/"
    return base + (f"{day:%Y/%m/%d}/" if day is not None else "")


def log_key(account: str, region: str, written: datetime, unique: str, *, org_id: str | None = None) -> str:
    """The key of a log file written at ``written`` (UTC)."""
    written = written.astimezone(UTC)
    name = f"{account}_CloudTrail_{region}_{written:%Y%m%dT%H%MZ}_{unique}.json.gz"
    return log_prefix(account, region, written, org_id=org_id) + name


def log_file(records: list[dict[str, Any]]) -> bytes:
    """A log file's bytes: ``{"Records": [...]}``, gzipped."""
    return gzip.compress(json.dumps({"Records": records}, separators=(",", ":")).encode(), compresslevel=6)


def _account_of(record: dict[str, Any], default: str) -> str:
    rid = record.get("recipientAccountId")
    if isinstance(rid, str) and rid:
        return rid
    uid = record.get("userIdentity")
    acct = uid.get("accountId") if isinstance(uid, dict) else None
    return acct if isinstance(acct, str) and acct else default


def files_for(
    records: Iterable[dict[str, Any]],
    *,
    default_account: str,
    default_region: str = "us-east-1",
    slot: timedelta = SLOT,
    org_id: str | None = None,
    salt: str = "",
) -> dict[str, list[dict[str, Any]]]:
    """key -> records: the log files CloudTrail would write for ``records``. A record without a readable
    eventTime goes with the slot of the one before it (as published records sometimes are)."""
    groups: dict[tuple[str, str, datetime], list[dict[str, Any]]] = defaultdict(list)
    last = datetime.now(UTC)
    for rec in records:
        t = _when(rec) or last
        last = t
        region = rec.get("awsRegion") if isinstance(rec.get("awsRegion"), str) else None
        groups[(_account_of(rec, default_account), region or default_region, _slot_end(t, slot))].append(rec)
    out: dict[str, list[dict[str, Any]]] = {}
    for (account, region, written), recs in sorted(groups.items()):
        seed = f"{salt}/{account}/{region}/{written.isoformat()}/{len(recs)}/{recs[0].get('eventID')}"
        out[log_key(account, region, written, _unique(seed), org_id=org_id)] = recs
    return out


# ---------------------------------------------------------------------------------------------- moto's S3
def s3_backend(account_id: str) -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[account_id]["aws"]


def ensure_bucket(bucket: str, *, account_id: str, region: str) -> None:
    """Create ``bucket`` in the account's S3 unless it is there."""
    backend = s3_backend(account_id)
    if bucket not in backend.buckets:
        backend.create_bucket(bucket, region)


def put(bucket: str, files: dict[str, list[dict[str, Any]]], *, account_id: str) -> int:
    """Write ``files`` (key -> records) into ``bucket``; returns the bytes written."""
    backend = s3_backend(account_id)
    written = 0
    for key, recs in files.items():
        body = log_file(recs)
        backend.put_object(bucket, key, body)
        written += len(body)
    return written


def deliver(
    bucket: str,
    records: Iterable[dict[str, Any]],
    *,
    account_id: str,
    region: str = "us-east-1",
    slot: timedelta = SLOT,
    org_id: str | None = None,
    salt: str = "",
) -> list[str]:
    """Deliver ``records`` into ``bucket`` (created when missing, in ``account_id``'s S3) as CloudTrail log
    files; returns the keys written."""
    ensure_bucket(bucket, account_id=account_id, region=region)
    files = files_for(
        records, default_account=account_id, default_region=region, slot=slot, org_id=org_id, salt=salt
    )
    put(bucket, files, account_id=account_id)
    return list(files)


# ---------------------------------------------------------------------------------------------- live trail
class TrailDelivery:
    """Delivers the sandbox account's CloudTrail (every region's recorder) into ``bucket``: what was recorded
    since the last :meth:`flush`, and with :meth:`start` every ``interval`` seconds on a thread."""

    def __init__(
        self, bucket: str, *, account_id: str, region: str, interval: float = 30.0, org_id: str | None = None
    ) -> None:
        self.bucket = bucket
        self.account_id = account_id
        self.region = region
        self.interval = interval
        self.org_id = org_id
        self._seen: dict[int, int] = {}  # id(recorder) -> the last sequence number delivered
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._flushes = 0

    def _recorders(self) -> list[Any]:
        from smtui.sandbox import recorder as _recorder

        with _recorder._recorders_lock:
            return [r for (acct, _), r in _recorder._recorders.items() if acct == self.account_id]

    def flush(self) -> list[str]:
        """Deliver the records recorded since the last flush; returns the keys written."""
        with self._lock:
            # by recorder: a record without an awsRegion was recorded in its recorder's region, and is
            # delivered under that region's prefix (not under the region this delivery was set up in)
            fresh: list[tuple[str, list[dict[str, Any]]]] = []
            for rec in self._recorders():
                last = self._seen.get(id(rec), 0)
                newest = last
                mine = []
                for _ts, seq, record, _raw in rec.snapshot():
                    if seq > last:
                        mine.append(record)
                        newest = max(newest, seq)
                self._seen[id(rec)] = newest
                if mine:
                    fresh.append((rec.region, mine))
            if not fresh:
                return []
            self._flushes += 1
            files: dict[str, list[dict[str, Any]]] = {}
            for region, records in fresh:
                for key, recs in files_for(
                    records,
                    default_account=self.account_id,
                    default_region=region,
                    org_id=self.org_id,
                    salt=f"flush-{self._flushes}-{region}",
                ).items():
                    files.setdefault(key, []).extend(recs)
            ensure_bucket(self.bucket, account_id=self.account_id, region=self.region)
            put(self.bucket, files, account_id=self.account_id)
            return list(files)

    def start(self) -> TrailDelivery:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="smtui-trail-delivery", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:  # pragma: no cover - a delivery that fails is tried again next time
                continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
