"""The CSV files people upload: spreadsheets saved as CSV, in UTF-8 or in the Windows
encoding, separated by semicolons (French spreadsheets) or commas."""

import csv
import io
from collections.abc import Iterator

# What a "yes/no" cell may say.
YES = {"oui", "o", "1", "vrai", "x", "yes", "true"}
NO = {"non", "n", "0", "faux", "", "no", "false"}


NUL_ERROR = (
    "Le fichier contient un caractère nul : ce n’est pas un fichier CSV en texte. "
    "Enregistrez-le depuis votre tableur au format « CSV UTF-8 » ou « CSV (séparateur : "
    "point-virgule) »."
)


class FileRefused(ValueError):
    """The file cannot be read as a CSV; the message says why, in French."""


class FileTooBig(FileRefused):
    pass


class NulByte(FileRefused):
    """A NUL byte: no text column stores it (PostgreSQL refuses it), no spreadsheet writes
    one in a CSV; the whole file is refused before anything is read from it."""


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A spreadsheet saved as « CSV (séparateur : point-virgule) » under Windows.
        return data.decode("cp1252", errors="replace")


def open_csv(file, *, max_bytes: int, max_label: str) -> tuple[Iterator[list[str]], str]:
    """The rows of an uploaded file, and the separator its first line uses. Reads at most
    ``max_bytes`` (FileTooBig, with the French message, beyond); a NUL byte anywhere
    raises NulByte (a file saved in UTF-16 has them too: it is not one of ours)."""
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooBig(f"Le fichier dépasse la taille maximale de {max_label}.")
    text = _decode(data if isinstance(data, bytes) else data.encode())
    if "\x00" in text:
        raise NulByte(NUL_ERROR)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line or "," not in first_line else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), delimiter
