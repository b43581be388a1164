"""Insert many events inside the database, with no Python object per row.

For the streaming-memory test and the million-row benchmarks: the rows vary in
type, status, account and time like a real log, and carry a ~400-byte payload.
"""

from __future__ import annotations

from django.db import connection

TYPES = [
    "invoice.paid",
    "invoice.payment_failed",
    "customer.created",
    "customer.subscription.updated",
    "payment_intent.succeeded",
    "charge.refunded",
    "checkout.session.completed",
    "price.updated",
]

COLUMNS = (
    "stripe_id, type, api_version, livemode, account, endpoint, validation, object_id,"
    " object_type, customer_id, request_id, idempotency_key, payload, payload_hash,"
    " payload_differs,"
    " status, received_at, last_received_at, delivery_count, attempt_count, last_error,"
    " retries, gave_up"
)

POSTGRES = f"""
INSERT INTO hookconsole_event ({COLUMNS})
SELECT 'evt_bulk_' || n, t.type, '2026-04-22.dahlia', n %% 50 = 0,
       CASE WHEN n %% 20 = 0 THEN 'acct_' || (n %% 7) ELSE '' END, 'default', 'valid',
       'obj_' || n, 'invoice', 'cus_' || (n %% 5000), 'req_' || n, '',
       jsonb_build_object('id', 'evt_bulk_' || n, 'object', 'event', 'type', t.type,
         'data', jsonb_build_object('object', jsonb_build_object(
           'id', 'obj_' || n, 'object', 'invoice', 'customer', 'cus_' || (n %% 5000),
           'lines', jsonb_build_array(repeat('x', 300))))),
       md5(n::text) || md5(n::text), false,
       CASE WHEN n %% 10 = 0 THEN 'failed' ELSE 'succeeded' END,
       timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second',
       timestamptz '2026-01-01 00:00:00+00' + n * interval '1 second',
       1, 1, CASE WHEN n %% 10 = 0 THEN 'ValueError: bulk' ELSE '' END, 0, false
FROM generate_series(%s, %s) AS n
JOIN (SELECT ordinality - 1 AS k, type FROM unnest(%s::text[]) WITH ORDINALITY AS type)
  AS t ON t.k = n %% {len(TYPES)}
"""

SQLITE = f"""
WITH RECURSIVE seq(n) AS (SELECT %s UNION ALL SELECT n + 1 FROM seq WHERE n < %s),
types(k, type) AS (SELECT key, value FROM json_each(%s))
INSERT INTO hookconsole_event ({COLUMNS})
SELECT 'evt_bulk_' || n, t.type, '2026-04-22.dahlia', n % 50 = 0,
       CASE WHEN n % 20 = 0 THEN 'acct_' || (n % 7) ELSE '' END, 'default', 'valid',
       'obj_' || n, 'invoice', 'cus_' || (n % 5000), 'req_' || n, '',
       json_object('id', 'evt_bulk_' || n, 'object', 'event', 'type', t.type,
         'data', json_object('object', json_object(
           'id', 'obj_' || n, 'object', 'invoice', 'customer', 'cus_' || (n % 5000),
           'lines', json_array(substr(hex(zeroblob(150)), 1, 300))))),
       printf('%%064d', n), 0,
       CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'succeeded' END,
       strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2026-01-01', '+' || n || ' seconds'),
       strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2026-01-01', '+' || n || ' seconds'),
       1, 1, CASE WHEN n % 10 = 0 THEN 'ValueError: bulk' ELSE '' END, 0, 0
FROM seq JOIN types AS t ON t.k = n % {len(TYPES)}
"""


def insert_events(count: int, start: int = 1, since: str = "2026-01-01 00:00:00") -> None:
    """Insert ``count`` events numbered from ``start``, one a second from ``since`` (UTC)."""
    import json

    end = start + count - 1
    pg, lite = POSTGRES, SQLITE
    if since != "2026-01-01 00:00:00":
        pg = pg.replace("2026-01-01 00:00:00+00", since + "+00")
        lite = lite.replace("'2026-01-01'", f"'{since}'")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(pg, [start, end, TYPES])
        else:
            cursor.execute(lite, [start, end, json.dumps(TYPES)])
