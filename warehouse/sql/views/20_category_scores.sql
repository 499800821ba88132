-- The first-level categories (一级指标) only: the heat map's cells.
CREATE VIEW category_scores AS
SELECT scheme, year, unit, unit_type, rubric, name AS category, position, score, max_points,
       lost, share
FROM group_scores
WHERE depth = 1;
