-- Repeated blocks (issue 20 item 4, pipelines/schemes/blocks.py): each indicator of a block
-- rolled up over its items (the per-item roll-up is the item's group in group_scores).
CREATE VIEW repeated_indicator_scores AS
SELECT s.scheme, s.year, s.unit, s.unit_type, s.rubric, i.item_of AS code,
       any_value(i.name)                                      AS name,
       sum(s.score)                                           AS score,
       sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END)   AS max_points,
       count(*) FILTER (WHERE NOT s.exempt)                   AS items
FROM indicator_scores s
JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
WHERE i.item IS NOT NULL
GROUP BY s.scheme, s.year, s.unit, s.unit_type, s.rubric, i.item_of;
