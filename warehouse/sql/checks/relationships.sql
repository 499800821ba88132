-- Relationships the warehouse must keep, one query per check; each returns the offending rows.
-- Run by tests/warehouse/test_warehouse.py against the demo warehouse (and cheap enough for any build).
-- check: units_have_a_known_scheme_and_type
SELECT u.* FROM units u
LEFT JOIN unit_types t ON t.scheme = u.scheme AND t.unit_type = u.unit_type
WHERE t.unit_type IS NULL;
-- check: aliases_point_at_units
SELECT a.* FROM unit_aliases a LEFT JOIN units u ON u.scheme = a.scheme AND u.unit = a.unit
WHERE u.unit IS NULL;
-- check: yearend_inputs_name_known_units
SELECT y.* FROM yearend_inputs y LEFT JOIN units u ON u.scheme = y.scheme AND u.unit = y.unit
WHERE u.unit IS NULL;
-- check: content_items_are_known
SELECT c.* FROM content_tallies c
LEFT JOIN content_items i ON i.scheme = c.scheme AND i.item = c.item
WHERE i.item IS NULL;
-- check: scores_point_at_indicators
SELECT s.* FROM indicator_scores s
LEFT JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
WHERE i.code IS NULL;
-- check: every_unit_has_a_result
SELECT u.* FROM units u
LEFT JOIN results r ON r.scheme = u.scheme AND r.unit = u.unit
WHERE r.unit IS NULL;
-- check: scores_within_max
SELECT * FROM indicator_scores WHERE score < 0 OR score > max_points + 1e-9;
-- check: facts_come_from_a_recorded_load
SELECT 'yearend_inputs' AS t, load_id FROM yearend_inputs WHERE load_id NOT IN (SELECT load_id FROM loads)
UNION ALL
SELECT 'content_tallies', load_id FROM content_tallies WHERE load_id NOT IN (SELECT load_id FROM loads)
UNION ALL
SELECT 'units', load_id FROM units WHERE load_id NOT IN (SELECT load_id FROM loads);
-- check: adoption_never_exceeds_count
SELECT * FROM content_tallies WHERE city_adopted + province_adopted > count;
-- check: category_maxima_match_the_scheme
SELECT g.* FROM indicator_groups g
JOIN (SELECT scheme, rubric, split_part(group_path, ' / ', 1) AS category, sum(max_points) AS leaves
      FROM indicators GROUP BY ALL) l
  ON l.scheme = g.scheme AND l.rubric = g.rubric AND l.category = g.path
WHERE g.depth = 1 AND abs(l.leaves - g.max_points) > 1e-6;
-- check: fact_and_result_keys_are_unique
SELECT 'content_tallies' AS t, count(*) AS n FROM content_tallies GROUP BY scheme, month, unit, item HAVING n > 1
UNION ALL
SELECT 'yearend_inputs', count(*) AS n FROM yearend_inputs GROUP BY scheme, year, unit, indicator, part HAVING n > 1
UNION ALL
SELECT 'indicator_scores', count(*) AS n FROM indicator_scores GROUP BY scheme, year, unit, code HAVING n > 1
UNION ALL
SELECT 'stage_scores', count(*) AS n FROM stage_scores GROUP BY scheme, year, unit, stage HAVING n > 1
UNION ALL
SELECT 'results', count(*) AS n FROM results GROUP BY scheme, year, unit HAVING n > 1
UNION ALL
SELECT 'monthly_points', count(*) AS n FROM monthly_points GROUP BY scheme, month, unit HAVING n > 1;
