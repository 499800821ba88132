"""The scheme lab on the pages: draft comparisons and rank stability."""
