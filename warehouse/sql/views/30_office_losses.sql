-- Points lost per lead office (牵头科室) and scheme-year, for schemes whose indicators name one.
CREATE VIEW office_losses AS
SELECT s.scheme, s.year, i.lead_office, count(DISTINCT i.code) AS indicators,
       sum(s.lost) AS lost, sum(s.max_points) AS max_points
FROM indicator_scores s
JOIN indicators i ON i.scheme = s.scheme AND i.rubric = s.rubric AND i.code = s.code
WHERE i.lead_office IS NOT NULL
GROUP BY ALL;
