"""The briefing: rendered to PDF, it has 4-8 pages, every section, vector charts, and every
footnote mark resolves to a note. Section titles are those the issue lists."""

from __future__ import annotations

import re

import pypdf
import pytest

from tariffline.brief.build import render_html, write
from tariffline.errors import TariffLineError

AS_OF, START = "2026-03-31", "2025-03-31"
SECTIONS = ("U.S. tariffs on JP now, by authority", "The effective tariff rate over time",
            "What changed in the last 90 days", "Japan's tariffs on U.S. goods against competitors",
            "The framework commitments and their pace", "Upcoming deadlines")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    return write(tmp_path_factory.mktemp("brief") / "brief.pdf", AS_OF, "JP", start=START)


def test_pdf_has_four_to_eight_pages_and_every_section(pdf):
    reader = pypdf.PdfReader(pdf)
    assert 4 <= len(reader.pages) <= 8
    text = " ".join(p.extract_text() for p in reader.pages).replace("’", "'")
    for title in SECTIONS:
        assert title in text, title


def test_charts_are_vectors(pdf):
    html = render_html(AS_OF, "JP", start=START)
    assert html.count('<svg class="chart"') + html.count('class="chart" role="img"') >= 2
    assert b"/Subtype /Image" not in pdf.read_bytes()  # no raster images: charts drawn as paths


def test_every_footnote_resolves_and_every_note_is_used():
    html = render_html(AS_OF, "JP", start=START)
    marks = set(re.findall(r'href="#fn-(\d+)"', html))
    notes = set(re.findall(r'<li id="fn-(\d+)">', html))
    assert marks and marks == notes
    assert "%" in html and re.search(r"\d+\.\d\d%<sup", html)  # numbers carry their mark


def test_bad_output_and_dates_are_refused(tmp_path):
    with pytest.raises(TariffLineError, match="must end in .pdf or .html"):
        write(tmp_path / "brief.docx", AS_OF)
    with pytest.raises(TariffLineError, match="does not exist"):
        write(tmp_path / "nowhere" / "brief.pdf", AS_OF)
    with pytest.raises(TariffLineError):
        write(tmp_path / "brief.pdf", "not-a-day")
