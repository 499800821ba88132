"""Sections drawn by one page only (the 总览's 预警)."""
