"""Tests for kg.evaluate on a small invented graph and gold (tests/data/eval/).

The expected values are computed by hand from the comments in graph.ttl and gold.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from kg.evaluate import (
    EXTRA_FIELDS,
    PRF_METRICS,
    EvaluationError,
    Report,
    Score,
    load_gold,
    normalise_organisation,
    score,
    score_graph,
)

DATA = Path(__file__).parent / "data" / "eval"
GOLD = DATA / "gold.json"
GRAPH = DATA / "graph.ttl"
ONTOLOGY = DATA / "ontology.ttl"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_SCORER_CANDIDATES = (
    PROJECT_ROOT.parent / "shared" / "tools" / "score_kg.py",
    Path("/work/shared/tools/score_kg.py"),
)
TOLERANCE = 1e-9


def f1(precision: float, recall: float) -> float:
    """Harmonic mean, as the expected values are written as fractions."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def expected(precision: float, recall: float) -> Score:
    """Build the expected score from hand-computed precision and recall."""
    return Score(precision, recall, f1(precision, recall))


EXPECTED_SCORES = {
    # officials: 张三, 陈东 (Traditional label), 赵六 (reporter), 孙八 (unknown); 钱七 neutral; 李四 not typed
    "officials": expected(2 / 4, 2 / 3),
    # (person, title): 张三 书记, 张三 县长 (Traditional title, duplicate node),
    # 李四 副书记, 陈东 主任, 孙八 局长
    "posts_title": expected(4 / 5, 4 / 4),
    # organisations: 中共某某县委员会 = 某某县委, 某某县人民政府 = 某某县政府; 县委 and no organisation miss
    "posts_strict": expected(2 / 5, 2 / 4),
    # 东风镇青山社区 and 绿水村 right, 白云公园 wrong; 某某县, 施工现场 and 李四's 黑石村 neutral
    "visits": expected(2 / 3, 2 / 3),
    # 2023-05-12 accepted for --05-12 in a 2023 article, 2023-05-14 right, 2023-06-01 wrong
    "dates": expected(2 / 3, 2 / 2),
    # 陈东's extra Meeting is wrong; 李四 leads no gold event, so his Meeting is not judged
    "event_types": expected(3 / 4, 3 / 3),
    # {张三, 李四} right; {张三, 孙八} and {李四, 陈东} wrong
    "participants": expected(1 / 3, 1 / 1),
    # 青山社区⊂东风镇, 东风镇⊂某某县 right; 青山社区⊂绿水村 wrong; implied and gazetteer pairs neutral
    "containment_text": expected(2 / 3, 2 / 3),
}


@pytest.fixture(scope="module")
def report() -> Report:
    """Score the test graph once with the ontology, as callers are told to."""
    return score([GRAPH, ONTOLOGY], GOLD)


@pytest.mark.parametrize("metric", PRF_METRICS)
def test_metric_matches_hand_computation(report: Report, metric: str) -> None:
    actual: Score = getattr(report, metric)
    wanted = EXPECTED_SCORES[metric]
    assert actual.precision == pytest.approx(wanted.precision, abs=TOLERANCE)
    assert actual.recall == pytest.approx(wanted.recall, abs=TOLERANCE)
    assert actual.f1 == pytest.approx(wanted.f1, abs=TOLERANCE)


def test_diagnostics(report: Report) -> None:
    assert report.duplicate_official_nodes == 1  # 张三 and 張三
    assert report.non_officials_typed_official == ["赵六"]
    assert report.unknown_officials == ["孙八"]
    assert report.containment_gazetteer_recall == pytest.approx(1.0)
    assert report.containment_wrong == ["青山社区⊂绿水村"]
    assert report.documents_found == pytest.approx(1 / 2)


def test_macro_f1_is_mean_of_metric_f1(report: Report) -> None:
    wanted = sum(score.f1 for score in EXPECTED_SCORES.values()) / len(EXPECTED_SCORES)
    assert report.macro_f1 == pytest.approx(wanted, abs=TOLERANCE)


def test_without_ontology_subclass_events_are_not_seen() -> None:
    events_need_ontology = score([GRAPH], GOLD)
    assert events_need_ontology.visits == Score(0.0, 0.0, 0.0)
    assert events_need_ontology.officials == EXPECTED_SCORES["officials"]


def test_score_graph_accepts_graph_in_memory(report: Report) -> None:
    graph = Graph()
    graph.parse(GRAPH)
    graph.parse(ONTOLOGY)
    assert score_graph(graph, GOLD) == report
    assert score_graph(graph, load_gold(GOLD)) == report
    assert score_graph(graph, json.loads(GOLD.read_text(encoding="utf-8"))) == report


def test_to_text_layout(report: Report) -> None:
    lines = report.to_text().splitlines()
    assert lines[0] == "officials          P=0.50 R=0.67 F1=0.57"
    assert lines[7] == "containment_text   P=0.67 R=0.67 F1=0.67"
    assert lines[8] == "duplicate_official_nodes 1"
    assert lines[9] == "non_officials_typed_official ['赵六']"
    assert lines[12] == "containment_wrong  ['青山社区⊂绿水村']"
    assert lines[13] == "documents_found    0.5"
    assert lines[-1] == f"macro_f1 {report.macro_f1:.3f}"
    assert len(lines) == len(PRF_METRICS) + len(EXTRA_FIELDS) + 1


def test_to_json_shape(report: Report) -> None:
    result = report.to_json()
    assert set(result) == set(PRF_METRICS) | set(EXTRA_FIELDS) | {"macro_f1"}
    assert result["dates"] == pytest.approx([2 / 3, 1.0, 0.8])
    json.dumps(result, ensure_ascii=False)  # serialisable as is


@pytest.mark.parametrize(
    ("spelling", "short_form"),
    [
        ("中共某某县委员会", "某某县委"),
        ("中國共產黨某某縣委員會", "某某县委"),
        ("某某县人民代表大会常务委员会", "某某县人大常委会"),
        ("中共中央办公厅", "中共中央办公厅"),
    ],
)
def test_organisation_spellings_normalise(spelling: str, short_form: str) -> None:
    assert normalise_organisation(spelling) == short_form


def test_missing_gold_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(EvaluationError, match="nowhere.json.*not found"):
        score([GRAPH], missing)


def test_malformed_gold_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"documents": [{"file": "x.txt"}]}', encoding="utf-8")
    with pytest.raises(EvaluationError, match="broken.json"):
        score([GRAPH], broken)


def test_unparsable_graph_names_the_file(tmp_path: Path) -> None:
    bad_graph = tmp_path / "bad.ttl"
    bad_graph.write_text("this is not turtle <<<", encoding="utf-8")
    with pytest.raises(EvaluationError, match="bad.ttl.*cannot parse"):
        score([bad_graph], GOLD)


def test_missing_graph_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="absent.ttl.*not found"):
        score([tmp_path / "absent.ttl"], GOLD)


def test_evaluation_error_is_a_value_error() -> None:
    assert issubclass(EvaluationError, ValueError)


def _reference_scorer() -> Path | None:
    """The shared reference scorer, when this checkout sits beside the shared folder."""
    return next((path for path in REFERENCE_SCORER_CANDIDATES if path.is_file()), None)


def test_agrees_with_reference_scorer(report: Report) -> None:
    scorer = _reference_scorer()
    if scorer is None:
        pytest.skip("reference scorer shared/tools/score_kg.py not available")
    completed = subprocess.run(
        [sys.executable, str(scorer), str(GRAPH), str(ONTOLOGY), "--json", "--gold", str(GOLD)],
        capture_output=True,
        text=True,
        check=True,
    )
    reference = json.loads(completed.stdout)
    ours = report.to_json()
    assert set(reference) == set(ours)
    for name, value in reference.items():
        if isinstance(value, list) and value and isinstance(value[0], float):
            assert ours[name] == pytest.approx(value, abs=0.01), name
        elif isinstance(value, float):
            assert ours[name] == pytest.approx(value, abs=0.01), name
        else:
            assert ours[name] == value, name
