"""Rule kinds (计分规则): one file per kind in `kinds/`, read through `registry`.

See `base.RuleKind` for what a kind declares and docs/schemes.md (计分规则) for each kind's
formula and worked example.
"""
