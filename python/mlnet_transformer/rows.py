"""Training rows from text files: a .tsv or .csv with a header (columns by name), or any other file read as one text a
line. Every row is kept, empty ones included (an objective gives an empty text no example)."""

import csv
from typing import List, Sequence, Tuple


def read_rows(path: str, columns: Sequence[str]) -> List[Tuple[str, ...]]:
    """The named columns of every row; a file of lines has one column, whatever its name."""
    if not path.endswith((".tsv", ".csv")):
        if len(columns) != 1:
            raise ValueError(f"{path} is read as one text a line, but this objective reads the columns {list(columns)}: "
                             "give a .tsv or .csv file with a header")
        with open(path, encoding="utf-8", newline="") as handle:
            return [(line.rstrip("\n").rstrip("\r"),) for line in handle]
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t" if path.endswith(".tsv") else ",")
        for column in columns:
            if column not in (reader.fieldnames or []):
                raise ValueError(f"column '{column}' not found in {path}; its columns: {reader.fieldnames}")
        return [tuple(row[column] or "" for column in columns) for row in reader]
