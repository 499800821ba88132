-- Scores per unit and indicator group (一级 depth 1, 二级 depth 2, ...): earned, max, lost, share.
-- A leaf belongs to a group when its parent path is the group's path or lies beneath it. A group
-- of a rubric scored by its tree of means (group_shares: geometric, harmonic, not applicable)
-- takes its aggregated share × its points instead of the sum of its leaves.
CREATE VIEW group_scores AS
WITH summed AS (
SELECT
    s.scheme, s.year, s.unit, s.unit_type, g.rubric, g.path, g.parent_path, g.depth, g.name,
    g.position, g.max_points AS group_points,
    sum(s.score)                                   AS score,
    sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END) AS max_points,
    sum(s.lost)                                    AS lost,
    sum(s.score) / nullif(sum(CASE WHEN s.exempt THEN 0 ELSE s.max_points END), 0) AS share
FROM indicator_scores s
JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
JOIN indicator_groups g
  ON g.scheme = i.scheme AND g.rubric = i.rubric
 AND (i.group_path = g.path OR starts_with(i.group_path, g.path || ' / '))
GROUP BY ALL
)
SELECT m.scheme, m.year, m.unit, m.unit_type, m.rubric, m.path, m.parent_path, m.depth, m.name,
       m.position,
       coalesce(t.share * m.group_points, m.score)                 AS score,
       CASE WHEN t.share IS NULL THEN m.max_points ELSE m.group_points END AS max_points,
       CASE WHEN t.share IS NULL THEN m.lost ELSE m.group_points * (1 - t.share) END AS lost,
       coalesce(t.share, m.share)                                  AS share
FROM summed m
LEFT JOIN group_shares t
  ON t.scheme = m.scheme AND t.year = m.year AND t.unit = m.unit AND t.rubric = m.rubric
 AND t.path = m.path;
