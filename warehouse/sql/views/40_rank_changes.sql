-- Monthly rank and its change against the unit's previous reported month (positive = moved up).
CREATE VIEW rank_changes AS
SELECT m.*,
       lag(m.rank) OVER w                 AS previous_rank,
       lag(m.rank) OVER w - m.rank        AS rank_change,
       lag(m.ytd_rank) OVER w - m.ytd_rank AS ytd_rank_change
FROM monthly_points m
WINDOW w AS (PARTITION BY m.scheme, m.unit ORDER BY m.month);
