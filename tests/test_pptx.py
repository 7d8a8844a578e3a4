"""The org chart as an editable PowerPoint deck, read back with python-pptx as a leader's PowerPoint would."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess

import pytest
from click.testing import CliRunner

pptx = pytest.importorskip("pptx")

from pptx import Presentation  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402

from orgplan import OptionError, load_profile, plan, render_chart  # noqa: E402
from orgplan.cli import cli  # noqa: E402
from orgplan.outputs.charts.pages import chart_options, slide_page  # noqa: E402
from orgplan.outputs.charts.slides import slide_pages  # noqa: E402

from .conftest import EXAMPLES  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def meridian(templates):
    path = next(e for e in EXAMPLES if e.stem == "meridian-bank")
    return plan(load_profile(path, templates=templates), templates=templates)


@pytest.fixture(scope="module")
def deck(meridian, tmp_path_factory):
    path = render_chart(meridian, tmp_path_factory.mktemp("deck") / "chart.pptx")
    return path, Presentation(str(path))


def boxes(slide):
    """The rounded rectangles of a slide: shape id -> text."""
    geometry = (s._element.find(f"{qn('p:spPr')}/{qn('a:prstGeom')}") for s in slide.shapes)
    return {
        s.shape_id: s.text_frame.text
        for s, g in zip(slide.shapes, geometry, strict=True)
        if g is not None and g.get("prst") == "roundRect"
    }


def connectors(slide):
    """The lines between boxes (the legend's sample line left out)."""
    return [s for s in slide.shapes if s._element.tag == qn("p:cxnSp") and not s.name.startswith("Legend")]


def test_slides_are_16_by_9(deck):
    _, prs = deck
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 1e-3
    for holder in (prs.slide_master, *prs.slide_layouts):  # a slide a leader adds fits the slide too
        for shape in holder.placeholders:
            assert shape.left + shape.width <= prs.slide_width, (holder.name, shape.name)
    wide = [s for s in prs.slide_master.placeholders if s.width > prs.slide_width * 0.8]
    assert wide, "the master's title spans the 16:9 slide, not a 4:3 one"


def test_the_first_slide_folds_as_the_png_and_its_boxes_carry_the_seat_titles(deck, meridian):
    _, prs = deck
    first = prs.slides[0]
    assert first.shapes.title.text == "Meridian Bancorp - recommended HR organisation"
    texts = list(boxes(first).values())
    layout = slide_page(meridian, chart_options({})).layout
    assert len(texts) == len(layout.boxes)
    for box in layout.boxes:
        title = " ".join(text for style, text in box.paragraphs if style == "title")
        assert any(t.startswith(title) for t in texts), title
    folded = [b for b in layout.boxes if b.hidden]
    assert folded and all(any(f"+{len(b.hidden)} seat" in t for t in texts) for b in folded), "folded boxes say so"


def test_every_seat_is_on_some_slide_and_folded_boxes_name_their_slide(deck, meridian):
    _, prs = deck
    pages = slide_pages(meridian, chart_options({}))
    assert len(prs.slides) == len(pages) > 1
    drawn = {i for page in pages for b in page.layout.boxes for i in b.seat_ids}
    assert drawn == {s.id for s in meridian.seats}
    for n, slide in enumerate(prs.slides, start=1):
        assert any(f"slide {n} of {len(pages)}" in s.text_frame.text for s in slide.shapes if s.has_text_frame)
    linked = [s for slide in prs.slides for s in slide.shapes if s.click_action.target_slide is not None]
    assert linked, "a folded box links to the slide it continues on"


def test_every_reporting_line_is_an_elbow_connector_glued_to_its_boxes(deck, meridian):
    _, prs = deck
    pages = slide_pages(meridian, chart_options({}))
    for page, slide in zip(pages, prs.slides, strict=True):
        lines = connectors(slide)
        elbows = [c for c in lines if c._element.spPr.find(qn("a:prstGeom")).get("prst").startswith("bentConnector")]
        assert len(elbows) == len(page.layout.connectors)
        assert len(lines) == len(page.layout.connectors) + len(page.layout.dotted)
        ids = set(boxes(slide))
        for line in lines:
            ends = line._element.nvCxnSpPr.cNvCxnSpPr
            assert {int(ends.stCxn.get("id")), int(ends.endCxn.get("id"))} <= ids


def test_speaker_notes_give_each_seat_its_reason(deck, meridian):
    _, prs = deck
    notes = prs.slides[0].notes_slide.notes_text_frame.text
    layout = slide_page(meridian, chart_options({})).layout
    seats = {s.id: s for s in meridian.seats}
    for box in layout.boxes:
        for sid in box.seat_ids:
            for reason in seats[sid].rationale:
                assert reason.reason in notes, reason.reason
    assert "folded below" in notes


def test_a_dotted_line_is_a_dashed_connector(meridian, tmp_path):
    head = next(s for s in meridian.seats if s.reports_to == meridian.root.id)
    target = next(s for s in meridian.seats if s.role == "hr_analyst")
    p = dataclasses.replace(
        meridian,
        seats=tuple(dataclasses.replace(s, dotted_to=head.id) if s.id == target.id else s for s in meridian.seats),
    )
    prs = Presentation(str(render_chart(p, tmp_path / "c.pptx", levels=5)))
    lines = connectors(prs.slides[0])
    dashed = [c for c in lines if c.line.dash_style is not None]
    assert len(dashed) == 1 and dashed[0].name == "Dotted line"
    assert all(c.line.dash_style is None for c in lines if c not in dashed), "reporting lines are solid"


def test_a_small_plan_is_one_slide_and_bad_options_write_nothing(make_plan, tmp_path):
    prs = Presentation(str(render_chart(make_plan(employees=300), tmp_path / "small.pptx")))
    assert len(prs.slides) == 1
    with pytest.raises(OptionError, match="no seat with id"):
        render_chart(make_plan(employees=300), tmp_path / "bad.pptx", root="nobody")
    assert not (tmp_path / "bad.pptx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.pptx"], "no temporary file is left"


def test_cli_writes_a_deck(tmp_path):
    profile = next(str(p) for p in EXAMPLES if p.name == "keystone-manufacturing.yaml")
    out = tmp_path / "chart.pptx"
    result = CliRunner().invoke(cli, ["chart", profile, "-o", str(out), "--detail", "cost"])
    assert result.exit_code == 0, result.output
    assert len(Presentation(str(out)).slides) == 1


@pytest.mark.xdist_group("libreoffice")
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_deck(deck, tmp_path):
    path, prs = deck
    profile = tmp_path / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir"]
        + [str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    data = (tmp_path / "chart.pdf").read_bytes()
    import re

    assert int(re.search(rb"/Count\s+(\d+)", data).group(1)) == len(prs.slides)


@pytest.mark.filterwarnings("ignore:Glyph")
def test_a_name_with_a_character_the_chart_font_lacks_is_drawn(make_plan, tmp_path):
    p = make_plan(company="Rocket \U0001f680 Co", employees=300)
    for suffix in (".png", ".pptx"):
        assert render_chart(p, tmp_path / f"c{suffix}").stat().st_size > 1000
    assert Presentation(str(tmp_path / "c.pptx")).slides[0].shapes.title.text.startswith("Rocket \U0001f680 Co")
