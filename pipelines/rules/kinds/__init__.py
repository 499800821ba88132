"""One module per rule kind; each defines `KIND`, an instance of `pipelines.rules.base.RuleKind`.

`pipelines.rules.registry` finds every module here: adding a kind is one new file (and its row and
worked example in docs/schemes.md, which tests/pipelines/rules/test_rule_registry.py checks).
"""
