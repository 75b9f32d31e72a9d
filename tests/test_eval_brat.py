"""brat standoff gold (PolNeAR's layout) on a tiny hand-written fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.evaluation import GoldFormatError, detect_format, load_gold, read_brat
from saidwhat.evaluation.brat import choose_annotation_files
from saidwhat.evaluation.gold import span_text

TEXT = ('Governor Ida Brenner said the budget was balanced. '
        '"We kept our word," she said, "every single time." '
        'Critics are reportedly unconvinced.\n')


def off(s: str, occurrence: int = 1) -> str:
    i = -1
    for _ in range(occurrence):
        i = TEXT.index(s, i + 1)
    return f"{i} {i + len(s)}"


def ann_lines() -> list[str]:
    q1, q2 = '"We kept our word,"', '"every single time."'
    return [
        f"T1\tSource {off('Governor Ida Brenner')}\tGovernor Ida Brenner",
        f"T2\tCue {off('said')}\tsaid",
        f"T3\tContent {off('the budget was balanced')}\tthe budget was balanced",
        f"T4\tAttribution {off('said')}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {off('she')}\tshe",
        f"T6\tCue {off('said', 2)}\tsaid",
        f"T7\tContent {off(q1)};{off(q2)}\t{q1} {q2}",
        f"T8\tAttribution {off('said', 2)}\tsaid",
        "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7",
        f"T9\tCue {off('reportedly')}\treportedly",
        f"T10\tContent {off('Critics are')}\tCritics are",
        f"T11\tAttribution-no-source {off('reportedly')}\treportedly",
        f"T12\tContent {off('unconvinced')}\tunconvinced",
        "E3\tAttribution-no-source:T11 Content:T10 Cue:T9 Content2:T12",
        f"T13\tDiscard {off('Critics')}\tCritics",
        f"T14\tDiscuss {off('the budget')}\tthe budget",
        "#1\tAnnotatorNotes T3\ta note",
    ]


@pytest.fixture()
def brat_dir(tmp_path: Path) -> Path:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "gov_budget.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "gov_budget_a111.ann").write_text(
        "\n".join(ann_lines()) + "\n", encoding="utf-8")
    return tmp_path


def test_reads_attributions(brat_dir: Path) -> None:
    assert detect_format(brat_dir) == "brat"
    gold = load_gold(brat_dir)
    assert gold.errors == [] and gold.warnings == []
    [doc] = gold.documents
    assert doc.doc_id == "gov_budget" and doc.text == TEXT
    assert "speaker" not in doc.annotated and "cue" in doc.annotated
    a1, a2, a3 = doc.attributions
    assert span_text(TEXT, a1.source) == "Governor Ida Brenner"
    assert a1.kind == "indirect" and a1.id == "E1"
    # discontinuous content keeps its two parts
    assert [TEXT[x:y] for x, y in a2.content] == ['"We kept our word,"', '"every single time."']
    assert a2.kind == "direct" and span_text(TEXT, a2.source) == "she"
    assert TEXT[a2.cue[0][0]:a2.cue[0][1]] == "said" and a2.cue[0][0] > a1.cue[0][0]
    # no source; Content2 is a further part of the content (Discard/Discuss spans are ignored)
    assert a3.source == ()
    assert [TEXT[x:y] for x, y in a3.content] == ["Critics are", "unconvinced"]


def test_first_annotator_file_in_sorted_order_is_used(brat_dir: Path) -> None:
    other = [ln for ln in ann_lines() if not ln.startswith(("E2", "E3"))]
    (brat_dir / "attributions" / "gov_budget_b222.ann").write_text("\n".join(other), encoding="utf-8")
    (brat_dir / "attributions" / "gov_budget_0000.ann").write_text("\n".join(other), encoding="utf-8")
    chosen = choose_annotation_files(brat_dir / "text", brat_dir / "attributions")
    assert chosen["gov_budget"] is not None and chosen["gov_budget"].name == "gov_budget_0000.ann"
    gold = read_brat(brat_dir)
    assert len(gold.documents) == 1 and len(gold.documents[0].attributions) == 1


def test_span_text_mismatch_is_an_error_naming_the_line(brat_dir: Path) -> None:
    lines = ann_lines()
    lines[0] = f"T1\tSource {off('Governor Ida Brenner')}\tGovernor Ada Brenner"
    (brat_dir / "attributions" / "gov_budget_a111.ann").write_text("\n".join(lines), encoding="utf-8")
    gold = read_brat(brat_dir)
    assert gold.documents == []
    assert len(gold.errors) == 1 and "gov_budget_a111.ann:1" in gold.errors[0]
    assert "does not match the text file" in gold.errors[0]


def test_event_without_content_is_skipped_with_a_warning(brat_dir: Path) -> None:
    lines = ann_lines() + ["E4\tAttribution-no-source:T11"]
    (brat_dir / "attributions" / "gov_budget_a111.ann").write_text("\n".join(lines), encoding="utf-8")
    gold = read_brat(brat_dir)
    assert len(gold.documents[0].attributions) == 3
    assert len(gold.warnings) == 1 and "E4 has no Content" in gold.warnings[0]


def test_missing_and_orphan_annotation_files(brat_dir: Path) -> None:
    (brat_dir / "text" / "lonely.txt").write_text("Nobody said anything.", encoding="utf-8")
    (brat_dir / "attributions" / "orphan_c333.ann").write_text("", encoding="utf-8")
    gold = read_brat(brat_dir)
    assert [d.doc_id for d in gold.documents] == ["gov_budget"]
    assert any("lonely.txt: no annotation file" in e for e in gold.errors)
    assert any("orphan_c333.ann: no text file" in e for e in gold.errors)


def test_bad_offsets_and_unknown_references(brat_dir: Path) -> None:
    ann = brat_dir / "attributions" / "gov_budget_a111.ann"
    ann.write_text("T1\tContent 5 99999\tx\n", encoding="utf-8")
    assert "outside the text" in read_brat(brat_dir).errors[0]
    ann.write_text("E1\tAttribution:T4 Content:T3\n", encoding="utf-8")
    assert "unknown or unused span T3" in read_brat(brat_dir).errors[0]


def test_not_a_brat_folder(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="not a brat folder"):
        read_brat(tmp_path)
