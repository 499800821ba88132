"""Normalisation methods of the rule kind `normalise`, one file per method."""
