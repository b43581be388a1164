"""Export formats whose cells can never become spreadsheet formulas.

django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a
leading "="; a payload can also start a formula with +, -, @, a tab or a
carriage return. These formats prefix such text with an apostrophe (OWASP's
advice) and leave numbers alone. JSON is not a spreadsheet and is not escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tablib
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_row(row: Iterable[Any]) -> list[Any]:
    """The row with every text cell that could start a formula prefixed by "'".

    One call per row rather than per cell: at a million rows the calls alone
    were a few percent of an export.
    """
    starts = FORMULA_STARTS
    return [
        "'" + cell if isinstance(cell, str) and cell.startswith(starts) else cell for cell in row
    ]


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    escaped = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        escaped.append(escape_row(row))
    return escaped


class CSV(base_formats.CSV):
    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(escape_dataset(dataset), **kwargs)


class XLSX(base_formats.XLSX):
    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        return super().export_data(escape_dataset(dataset), **kwargs)


EXPORT_FORMATS: list[type[base_formats.Format]] = [CSV, base_formats.JSON, XLSX]
# The same formats by name, for the dashboard's links and the command line.
FILE_FORMATS: dict[str, type[base_formats.Format]] = {
    "csv-file": CSV,
    "json": base_formats.JSON,
    "xlsx": XLSX,
}


def export_file(resource: Any, queryset: Any, name: str) -> tuple[Any, base_formats.Format]:
    """The whole file (built in memory by import-export) and the format that made it."""
    file_format = FILE_FORMATS[name]()
    return file_format.export_data(resource.export(queryset=queryset)), file_format
