"""Assessing bodies per first-level category (docs/schemes.md): an indicator that names none
takes the nearest grouping node's `assessing_bodies`; its own list wins."""

from __future__ import annotations

from pipelines.schemes.model import Scheme
from pipelines.schemes.tables import indicators_frame


def test_a_category_names_the_body_of_its_indicators_without_one(schemes):
    data = schemes["yueyang-2017"].model_dump()
    first, second = data["rubrics"][0]["categories"][:2]
    first["assessing_bodies"] = ["市政务公开办"]
    leaf = first["children"][0]
    while "code" not in leaf:
        leaf = leaf["children"][0]
    leaf["assessing_bodies"] = ["市政务服务中心"]
    frame = indicators_frame(Scheme.model_validate(data)).filter(
        rubric=data["rubrics"][0]["id"])
    bodies = dict(frame.select("code", "assessing_bodies").iter_rows())
    assert bodies[leaf["code"]] == "市政务服务中心"  # its own
    codes_first = frame.filter(category=first["name"])["code"].to_list()
    assert all(bodies[c] == "市政务公开办" for c in codes_first if c != leaf["code"])
    codes_second = frame.filter(category=second["name"])["code"].to_list()
    assert codes_second and all(bodies[c] is None for c in codes_second)
