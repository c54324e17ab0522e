"""A CSV table as its text: every record keeps the exact characters it was written with, so
that an edit changes the cells it changes and nothing else. Untouched records, their order,
quoting, line endings, a byte-order mark and columns no edit names stay byte for byte; an
edited record is written again with the file's line ending; a new one is appended.

For the small edits of people (a web save, an exhibitor form), never for reading large
tables: those go through io.tables, column by column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from carbonexpo.io.writers import write_bytes_atomic

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
BOM = "\ufeff"


@dataclass
class Record:
    """One record: the text it was read from (None once edited or when new) and its cells."""

    cells: list[str]
    raw: str | None = None

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class CsvDocument:
    header: list[str]  # the header's cells as written (stripped of a byte-order mark)
    records: list[Record] = field(default_factory=list)
    header_raw: str | None = None
    newline: str = "\n"
    bom: bool = False
    _index: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> CsvDocument:
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        taken: list[str] = []

        def lines() -> Iterator[str]:
            for m in _LINE.finditer(text):
                taken.append(m.group())
                yield m.group()

        reader = csv.reader(lines())
        records: list[Record] = []
        header: list[str] | None = None
        header_raw = None
        for cells in reader:
            raw = "".join(taken)
            taken.clear()
            if header is None:
                header, header_raw = cells, raw
            else:
                records.append(Record(cells, raw))
        newline = "\n"
        if header_raw and header_raw.endswith("\r\n"):
            newline = "\r\n"
        elif header_raw and header_raw.endswith("\r"):
            newline = "\r"
        return cls(header or [], records, header_raw if header is not None else "", newline, bom)

    @classmethod
    def read(cls, path: Path) -> CsvDocument:
        with path.open(encoding="utf-8", newline="") as f:
            return cls.parse(f.read())

    @classmethod
    def new(cls, columns: list[str]) -> CsvDocument:
        return cls(list(columns))

    # -- columns ------------------------------------------------------------------------------

    def index(self, column: str) -> int | None:
        """The position of a column, its header matched as tables are read (case and spaces
        around it do not count). Looked up per record: the map is made once per header."""
        if self._index is None:
            self._index = {}
            for i, name in enumerate(self.header):
                self._index.setdefault(name.strip().strip('"').strip().lower(), i)
        return self._index.get(column.strip().lower())

    def get(self, record: Record, column: str) -> str:
        i = self.index(column)
        return record.cells[i] if i is not None and i < len(record.cells) else ""

    def as_dict(self, record: Record) -> dict[str, str]:
        """The record by column name (the header's names, stripped)."""
        names = [n.strip().strip('"').strip() for n in self.header]
        return {n: (record.cells[i] if i < len(record.cells) else "") for i, n in enumerate(names)}

    def add_column(self, column: str) -> int:
        """A column at the end: the header and every record change (an empty cell each)."""
        self.header.append(column)
        self.header_raw = None
        self._index = None
        for r in self.records:
            if r.cells:  # a blank line stays a blank line
                r.cells.append("")
                r.raw = None
        return len(self.header) - 1

    # -- records ------------------------------------------------------------------------------

    def set(self, record: Record, values: Mapping[str, str]) -> bool:
        """Set cells by column (a column the file lacks is added); True if a cell changed."""
        changed = False
        for column, value in values.items():
            i = self.index(column)
            if i is None:
                if not value:
                    continue
                i = self.add_column(column)
            while len(record.cells) <= i:
                record.cells.append("")
            if record.cells[i] != value:
                record.cells[i] = value
                changed = True
        if changed:
            record.raw = None
        return changed

    def append(self, values: Mapping[str, str]) -> Record:
        record = Record([""] * len(self.header))
        self.set(record, values)
        record.raw = None
        self.records.append(record)
        return record

    # -- text ---------------------------------------------------------------------------------

    def text(self) -> str:
        out = [BOM] if self.bom else []
        out.append(self.header_raw if self.header_raw is not None else self._line(self.header))
        for r in self.records:
            if out and not out[-1].endswith(("\n", "\r")):
                out[-1] += self.newline  # a last record without a line ending, now followed
            out.append(r.raw if r.raw is not None else self._line(r.cells))
        return "".join(out)

    def _line(self, cells: list[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator=self.newline).writerow(cells)
        return buffer.getvalue()

    def write(self, path: Path) -> None:
        write_bytes_atomic(path, self.text().encode("utf-8"))
