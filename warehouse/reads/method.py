"""The 数据与方法 page's reads: the scheme as the warehouse holds it (rubrics and categories,
indicator rules, clauses, content items, interpretations) and the load history."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.reader import query


def rubric_categories(db: Path, scheme: str) -> pl.DataFrame:
    """Rubrics with their unit types and first-level categories (max points), in order."""
    return query(
        db,
        "SELECT r.rubric, r.name AS rubric_name, r.max_points AS rubric_max, r.position, "
        "(SELECT string_agg(t.unit_type, '、' ORDER BY t.position) FROM unit_types t "
        " WHERE t.scheme = r.scheme AND t.rubric = r.rubric) AS unit_types, "
        "g.name AS category, g.max_points, g.weight, g.position AS category_position "
        "FROM rubrics r JOIN indicator_groups g ON g.scheme = r.scheme AND g.rubric = r.rubric "
        "WHERE r.scheme = ? AND g.depth = 1 ORDER BY r.position, g.position",
        [scheme],
    )


def indicator_rules(db: Path, scheme: str) -> pl.DataFrame:
    """Every indicator with its rule, the seed text it comes from and any stated
    interpretation."""
    return query(
        db,
        "SELECT r.name AS rubric_name, i.code, i.name, i.category, i.max_points, i.weight, "
        "i.rule_kind, "
        "i.input_columns, coalesce(i.criteria, i.scoring_text) AS criteria, i.lead_office, "
        "i.source, i.interpretation FROM indicators i "
        "JOIN rubrics r ON r.scheme = i.scheme AND r.rubric = i.rubric "
        "WHERE i.scheme = ? ORDER BY r.position, i.position",
        [scheme],
    )


def clauses(db: Path, scheme: str) -> pl.DataFrame:
    """Bonus and penalty clauses with their points per level."""
    return query(
        db,
        "SELECT kind, clause, text, level, points, source FROM clauses WHERE scheme = ? "
        "ORDER BY kind, clause, points DESC",
        [scheme],
    )


def content_items(db: Path, scheme: str) -> pl.DataFrame:
    """The monthly content-guarantee items and their points (Jintan 附件1)."""
    return query(
        db,
        "SELECT item, category, name, points, per, source FROM content_items WHERE scheme = ? "
        "ORDER BY item",
        [scheme],
    )


def interpretations(db: Path, scheme: str) -> pl.DataFrame:
    """Every interpretation the scheme file states, in file order."""
    return query(
        db,
        "SELECT scope, source, interpretation FROM interpretations WHERE scheme = ? "
        "ORDER BY position",
        [scheme],
    )


def loads(db: Path, scheme: str) -> pl.DataFrame:
    """The load history of one scheme's data, newest first."""
    return query(
        db,
        "SELECT load_id, loaded_at, kind, file, rows, replaced_rows, sha256 FROM loads "
        "WHERE list_contains(string_split(schemes, ','), ?) "
        "ORDER BY loaded_at DESC, load_id DESC",
        [scheme],
    )


def not_applicable_marks(db: Path, scheme: str, year: int) -> pl.DataFrame:
    """Which units had which indicators not applicable (不适用 or 豁免) in the year, with how
    the indicator's group aggregates it (mean, rescale, or the rubric rescaled)."""
    return query(
        db,
        "SELECT s.unit, s.unit_type, s.code, i.name, i.group_path, i.not_applicable "
        "FROM indicator_scores s JOIN indicators i "
        "  ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code "
        "JOIN unit_types t ON t.scheme = s.scheme AND t.unit_type = s.unit_type "
        "WHERE s.scheme = ? AND s.year = ? AND s.exempt "
        "ORDER BY t.position, s.unit, i.position",
        [scheme, year],
    )
