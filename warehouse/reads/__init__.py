"""The dashboard's reads of the warehouse, one module per page (view: what every page reads for
its sidebar and header; rankings, targets, indicators, units, method, loads). dashboard/kit/data.py
caches them. Every value goes in as a parameter. These only select, join, order and count: ranks,
grades, totals, lost points and target status all come from the result tables as the scoring
pipelines wrote them."""
