"""状态 of a 整改台账 (rectification) row: the kind's one closed list of values.

In a module of its own because three places name it (the kind's declaration, its validator in
`pipelines/cycle/inputs.py`, the 反馈单's ledger writer) and the writer should not import the
validation machinery, and with it the scheme models, to learn three words.
"""

RECTIFICATION_STATUSES = ("未整改", "整改中", "已整改")
