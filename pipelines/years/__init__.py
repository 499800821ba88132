"""Years of an evaluation (考核系列): the schemes of one series, units and indicators matched
across them, and each unit's results against the previous year (issue 17).

`series` says which schemes are years of one evaluation and which year comes before which;
`units` matches the units of a year to those of the previous year (names, aliases, 上年名称);
the warehouse views in `warehouse/sql/views/50_years.sql` apply that matching to the results.
"""
