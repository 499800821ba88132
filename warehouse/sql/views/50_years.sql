-- Years of an evaluation (issue 17; pipelines/years/). Views, not tables: they follow whatever
-- units and results the warehouse holds, so loading the years in any order gives the same rows,
-- and reverting a year's load clears exactly the comparisons that read it.

-- Each scheme of a series with the latest earlier year of its series (NULL: the first year).
CREATE VIEW series_years AS
SELECT scheme, series, year,
       lag(scheme) OVER w AS prev_scheme,
       lag(year)   OVER w AS prev_year
FROM schemes
WHERE series IS NOT NULL
WINDOW w AS (PARTITION BY series ORDER BY year);

-- Each unit of a year matched to its unit(s) of the previous year: the names in its 上年名称
-- (renamed: one; merged: several; split: two units name the same one), else its own name and
-- aliases; a name is found among the previous year's unit names and aliases.
CREATE VIEW unit_links AS
WITH current_units AS (
    SELECT u.scheme, u.unit, u.previous_names, y.prev_scheme
    FROM units u JOIN series_years y ON y.scheme = u.scheme
    WHERE y.prev_scheme IS NOT NULL
), named AS (
    SELECT scheme, unit, prev_scheme, trim(name) AS name, true AS by_previous_name
    FROM (SELECT scheme, unit, prev_scheme,
                 unnest(string_split(previous_names, '、')) AS name
          FROM current_units WHERE previous_names IS NOT NULL AND previous_names <> '')
), own AS (
    SELECT scheme, unit, prev_scheme, unit AS name, false AS by_previous_name
    FROM current_units WHERE previous_names IS NULL OR previous_names = ''
    UNION
    SELECT c.scheme, c.unit, c.prev_scheme, a.alias, false
    FROM current_units c JOIN unit_aliases a ON a.scheme = c.scheme AND a.unit = c.unit
    WHERE c.previous_names IS NULL OR c.previous_names = ''
), previous_names AS (
    SELECT scheme, unit AS name, unit FROM units
    UNION
    SELECT scheme, alias, unit FROM unit_aliases
)
SELECT DISTINCT m.scheme, m.unit, m.prev_scheme, p.unit AS prev_unit, m.by_previous_name
FROM (SELECT * FROM named UNION ALL SELECT * FROM own) m
JOIN previous_names p ON p.scheme = m.prev_scheme AND p.name = m.name;

-- The previous year's result of each linked unit.
CREATE VIEW unit_previous AS
SELECT l.scheme, l.unit, l.prev_scheme, l.prev_unit,
       p.year AS prev_year, p.unit_type AS prev_unit_type, p.total AS prev_total,
       p.rank AS prev_rank, p.grade AS prev_grade
FROM unit_links l
JOIN results p ON p.scheme = l.prev_scheme AND p.unit = l.prev_unit;

-- Each result beside the previous year's: one previous unit gives its total and rank (the rank
-- change only within the same unit type: ranks are within a type); a merger (several previous
-- units) gives none of them as one figure, only the names (unit_previous has each).
CREATE VIEW results_vs_previous AS
SELECT r.scheme, r.year, r.unit, r.unit_type, r.total, r.rank, r.grade,
       y.prev_scheme, y.prev_year,
       count(p.prev_unit) AS prev_units,
       string_agg(p.prev_unit, '、' ORDER BY p.prev_unit) AS prev_unit_names,
       CASE WHEN count(p.prev_unit) = 1 THEN any_value(p.prev_total) END AS prev_total,
       CASE WHEN count(p.prev_unit) = 1 THEN any_value(p.prev_rank) END AS prev_rank,
       CASE WHEN count(p.prev_unit) = 1 THEN any_value(p.prev_grade) END AS prev_grade,
       CASE WHEN count(p.prev_unit) = 1 AND any_value(p.prev_unit_type) = r.unit_type
            THEN any_value(p.prev_rank) - r.rank END AS rank_change,
       CASE WHEN count(p.prev_unit) = 1 THEN any_value(p.prev_unit_type) <> r.unit_type
            ELSE false END AS type_changed
FROM results r
LEFT JOIN series_years y ON y.scheme = r.scheme
LEFT JOIN unit_previous p ON p.scheme = r.scheme AND p.unit = r.unit
GROUP BY r.scheme, r.year, r.unit, r.unit_type, r.total, r.rank, r.grade, y.prev_scheme,
         y.prev_year;

-- Every year of a unit under its latest name: a unit of the latest year (or a unit no later
-- year took up) starts a line; each step back follows unit_links. A split unit's previous
-- years appear under each of its successors; a merger's under the merged unit.
CREATE VIEW unit_lineage AS
WITH RECURSIVE chain(series, scheme, year, unit, latest_scheme, latest_unit) AS (
    SELECT y.series, u.scheme, y.year, u.unit, u.scheme, u.unit
    FROM units u JOIN series_years y ON y.scheme = u.scheme
    WHERE NOT EXISTS (SELECT 1 FROM unit_links l
                      WHERE l.prev_scheme = u.scheme AND l.prev_unit = u.unit)
    UNION ALL
    SELECT c.series, l.prev_scheme, py.year, l.prev_unit, c.latest_scheme, c.latest_unit
    FROM chain c
    JOIN unit_links l ON l.scheme = c.scheme AND l.unit = c.unit
    JOIN series_years py ON py.scheme = l.prev_scheme
)
SELECT DISTINCT * FROM chain;
