"""Sections of pages, each a function drawing one part (the 总览's 预警 and month's movers, the
years sections of several pages)."""
