"""The domain document (docs/domain.md) is the one the code cites, and the product and
its documentation speak of the repository only."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_DOC = ROOT / "docs" / "domain.md"

# "DOMAIN §4.2", "DOMAIN §5.3, §6", "DOMAIN §2 and §4.1", "DOMAIN §4.2–4.4".
CITATION = re.compile(
    r"DOMAIN\s*§\s*(\d+(?:\.\d+)*)"
    r"((?:\s*(?:,|and|et|or|ou|–|-)\s*§?\s*\d+(?:\.\d+)*)*)"
)
NUMBER = re.compile(r"\d+(?:\.\d+)*")
HEADING = re.compile(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)
CITING_SUFFIXES = {".py", ".html", ".txt", ".md"}

# The numbering the code's citations rely on: it must not move.
# fmt: skip below: a data table laid out by hand for reading.
SECTIONS = {
    "1", "2",
    "3", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
    "4", "4.1", "4.2", "4.3", "4.4", "4.5",
    "5", "5.1", "5.2", "5.3",
    "6", "7", "8", "9",
}  # fmt: skip

OUTSIDE_REFERENCES = (b"../shared", b"shared/DOMAIN")


def cited_sections(text: str) -> set[str]:
    """Every section number a text cites as "DOMAIN §…"."""
    found = set()
    for match in CITATION.finditer(text):
        found.add(match.group(1))
        found.update(NUMBER.findall(match.group(2)))
    return found


def heading_numbers(text: str) -> set[str]:
    return set(HEADING.findall(text))


def files_under(*names: str):
    for name in names:
        path = ROOT / name
        if path.is_file():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            if child.is_file() and "__pycache__" not in child.parts:
                yield child


def citations_by_file() -> dict[str, set[str]]:
    cited = {}
    for path in files_under("cnfs", "tests"):
        if path.suffix in CITING_SUFFIXES:
            sections = cited_sections(path.read_text(encoding="utf-8", errors="replace"))
            if sections:
                cited[str(path.relative_to(ROOT))] = sections
    return cited


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("(DOMAIN §4.2): which candidate", {"4.2"}),
        ("rules of DOMAIN §5.2.", {"5.2"}),
        ("(DOMAIN §5.3, §6): posts granted", {"5.3", "6"}),
        ("(DOMAIN §2 and §4.1)", {"2", "4.1"}),
        ("(DOMAIN §4.2–4.4): proposals", {"4.2", "4.4"}),
        ("at DOMAIN §1's benchmark scale", {"1"}),
        ("no citation, just §4.2 and DOMAIN alone", set()),
    ],
)
def test_citations_are_read_as_written(text, sections):
    assert cited_sections(text) == sections


def test_domain_document_keeps_its_section_numbering():
    assert heading_numbers(DOMAIN_DOC.read_text(encoding="utf-8")) == SECTIONS


def test_the_code_cites_the_domain_document():
    assert citations_by_file()


def test_every_cited_section_exists_in_the_domain_document():
    headings = heading_numbers(DOMAIN_DOC.read_text(encoding="utf-8"))
    dangling = {
        name: sorted(sections - headings)
        for name, sections in citations_by_file().items()
        if sections - headings
    }
    assert dangling == {}


def test_nothing_points_outside_the_repository():
    offending = [
        str(path.relative_to(ROOT))
        for path in files_under("README.md", "docs", "cnfs")
        if any(reference in path.read_bytes() for reference in OUTSIDE_REFERENCES)
    ]
    assert offending == []


def test_readme_says_how_to_start_the_demo_afresh_and_where_emails_are_read():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`make clean-db`" in readme and "`make run`" in readme
    assert "console" in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nclean-db:" in makefile
