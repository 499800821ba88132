-- Scores per unit and indicator group (一级 depth 1, 二级 depth 2, ...): earned, max, lost, share.
-- A leaf belongs to a group when its parent path is the group's path or lies beneath it.
CREATE VIEW group_scores AS
SELECT
    s.scheme, s.year, s.unit, s.unit_type, g.rubric, g.path, g.parent_path, g.depth, g.name,
    g.position,
    sum(s.score)                                   AS score,
    sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS max_points,
    sum(s.lost)                                    AS lost,
    sum(s.score) / nullif(sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END), 0) AS share
FROM indicator_scores s
JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
JOIN indicator_groups g
  ON g.scheme = i.scheme AND g.rubric = i.rubric
 AND (i.group_path = g.path OR starts_with(i.group_path, g.path || ' / '))
GROUP BY ALL;
