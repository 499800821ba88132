-- The egov warehouse: one DuckDB file. Dimensions come from the scheme files, facts from the
-- offices' workbooks, results from the scoring pipelines. Pages only read it.

-- ---------------------------------------------------------------- dimensions (schemes) ----
CREATE TABLE schemes (
    scheme        VARCHAR PRIMARY KEY,   -- jintan-2013 ...
    name          VARCHAR NOT NULL,
    jurisdiction  VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    series        VARCHAR,               -- the evaluation (jintan ...); NULL: a scheme alone
    total_points  DOUBLE  NOT NULL,
    has_content   BOOLEAN NOT NULL,      -- monthly content-guarantee stage (Jintan)
    has_grades    BOOLEAN NOT NULL,
    builtin       BOOLEAN NOT NULL,
    version       INTEGER NOT NULL,
    added_at      TIMESTAMP NOT NULL,
    documents     VARCHAR NOT NULL,      -- '坛政办发〔2013〕63号; ...'
    definition    VARCHAR NOT NULL       -- the scheme file as JSON, for export and history
);

CREATE TABLE scheme_history (            -- earlier versions replaced by `egov scheme add --replace`
    scheme       VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    added_at     TIMESTAMP NOT NULL,
    replaced_at  TIMESTAMP NOT NULL,
    definition   VARCHAR NOT NULL,
    PRIMARY KEY (scheme, version)
);

CREATE TABLE unit_types (
    scheme       VARCHAR NOT NULL,
    unit_type    VARCHAR NOT NULL,
    position     INTEGER NOT NULL,
    rubric       VARCHAR NOT NULL,
    description  VARCHAR,
    excess_step  DOUBLE,                 -- content points per +bonus step above the full mark
    ranked       BOOLEAN NOT NULL,       -- false: the type's units are scored but never ranked
    PRIMARY KEY (scheme, unit_type)
);

CREATE TABLE rubrics (
    scheme          VARCHAR NOT NULL,
    rubric          VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    max_points      DOUBLE  NOT NULL,
    position        INTEGER NOT NULL,
    missing_input   VARCHAR NOT NULL,    -- zero | full
    allows_exemption BOOLEAN NOT NULL,
    PRIMARY KEY (scheme, rubric)
);

CREATE TABLE stages (
    scheme      VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    basis       VARCHAR NOT NULL,        -- content | rubric
    weight      DOUBLE  NOT NULL,
    max_points  DOUBLE  NOT NULL,        -- weight × total_points, before any excess bonus
    position    INTEGER NOT NULL,
    PRIMARY KEY (scheme, stage)
);

CREATE TABLE indicator_groups (          -- 一级 (depth 1) and 二级/三级 grouping nodes
    scheme         VARCHAR NOT NULL,
    rubric         VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,     -- names joined by ' / '
    parent_path    VARCHAR,              -- NULL for a category
    depth          INTEGER NOT NULL,
    name           VARCHAR NOT NULL,
    max_points     DOUBLE  NOT NULL,     -- declared, or the sum of its leaves where the seed gives none
    declared       BOOLEAN NOT NULL,
    position       INTEGER NOT NULL,
    weight         VARCHAR,              -- 权重 as written (2/3) where the scheme gives weights
    PRIMARY KEY (scheme, rubric, path)
);

CREATE TABLE indicators (                -- scored leaves
    scheme              VARCHAR NOT NULL,
    rubric              VARCHAR NOT NULL,
    code                VARCHAR NOT NULL,
    position            INTEGER NOT NULL,
    name                VARCHAR NOT NULL, -- the seed's name, or the nearest named ancestor's
    category            VARCHAR NOT NULL, -- 一级指标
    group_path          VARCHAR NOT NULL, -- path of the parent node
    level2              VARCHAR,
    level3              VARCHAR,
    max_points          DOUBLE  NOT NULL,
    rule_kind           VARCHAR NOT NULL,
    rule_params         VARCHAR NOT NULL, -- JSON
    input_columns       VARCHAR NOT NULL, -- 得分 / 扣分 / 实际值 / 分子,分母 ...
    criteria            VARCHAR,
    scoring_text        VARCHAR,
    lead_office         VARCHAR,
    supporting_offices  VARCHAR,          -- joined by '、'
    assessing_bodies    VARCHAR,
    evidence            VARCHAR,
    source              VARCHAR,
    interpretation      VARCHAR,
    weight              VARCHAR,          -- 权重 as written (2/3) where the scheme gives weights
    not_applicable      VARCHAR,          -- how a 不适用/豁免 mark here aggregates: mean | rescale
                                          -- (its group's), rubric (exemption); NULL: refused
    item                VARCHAR,          -- a repeated block's item (生命事件 …); NULL: none
    item_of             VARCHAR,          -- the written code of a repeated block's copy
    PRIMARY KEY (scheme, rubric, code)
);

CREATE TABLE content_items (
    scheme       VARCHAR NOT NULL,
    item         INTEGER NOT NULL,
    category     VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    description  VARCHAR,
    points       DOUBLE  NOT NULL,
    per          VARCHAR NOT NULL,
    source       VARCHAR,
    PRIMARY KEY (scheme, item)
);

CREATE TABLE clauses (                   -- one row per clause and level (level NULL: fixed value)
    scheme   VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,           -- 加分 | 减分
    clause   INTEGER NOT NULL,
    text     VARCHAR NOT NULL,
    level    VARCHAR,
    points   DOUBLE  NOT NULL,
    source   VARCHAR
);

CREATE TABLE grades (
    scheme      VARCHAR NOT NULL,
    grade       VARCHAR NOT NULL,
    min_points  DOUBLE,                  -- NULL for the lowest band
    position    INTEGER NOT NULL,        -- 0 = best
    PRIMARY KEY (scheme, grade)
);

CREATE TABLE targets (
    scheme          VARCHAR NOT NULL,
    target          VARCHAR NOT NULL,    -- metric code
    name            VARCHAR NOT NULL,
    text            VARCHAR NOT NULL,
    measure         VARCHAR NOT NULL,    -- rank | cumulative | level | rate | count
    direction       VARCHAR NOT NULL,    -- higher_better | lower_better
    strict          BOOLEAN NOT NULL,
    floor           DOUBLE  NOT NULL,
    stretch         DOUBLE,
    aggregate       VARCHAR NOT NULL,    -- sum | last | mean
    unit            VARCHAR NOT NULL,
    position        INTEGER NOT NULL,
    source          VARCHAR,
    interpretation  VARCHAR,
    PRIMARY KEY (scheme, target)
);

CREATE TABLE interpretations (           -- every stated choice and its seed clause, for the method page
    scheme          VARCHAR NOT NULL,
    scope           VARCHAR NOT NULL,    -- e.g. '年终评分细则 · 指标 12', '加分条款 2'
    source          VARCHAR,
    interpretation  VARCHAR NOT NULL,
    position        INTEGER NOT NULL
);

-- ---------------------------------------------------------------- dimensions (units) ------
CREATE TABLE units (
    scheme     VARCHAR NOT NULL,
    unit       VARCHAR NOT NULL,
    unit_type  VARCHAR NOT NULL,
    is_sample  BOOLEAN NOT NULL,         -- 示例数据
    load_id    INTEGER NOT NULL,
    previous_names VARCHAR,              -- 上年名称: the unit's name(s) in the previous year of
                                         -- the series, joined by '、'; NULL: matched by name
    unranked   BOOLEAN,                  -- 不排名: scored and published, never ranked (NULL: ranked
                                         -- unless its unit type is unranked)
    PRIMARY KEY (scheme, unit)
);

CREATE TABLE unit_aliases (
    scheme  VARCHAR NOT NULL,
    alias   VARCHAR NOT NULL,
    unit    VARCHAR NOT NULL,
    PRIMARY KEY (scheme, alias)
);

-- ---------------------------------------------------------------- facts ---------------------
CREATE TABLE loads (
    load_id        INTEGER PRIMARY KEY,
    file           VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    schemes        VARCHAR NOT NULL,     -- the scheme ids the file's rows belong to, joined by ','
    rows           INTEGER NOT NULL,
    replaced_rows  INTEGER NOT NULL,
    loaded_at      TIMESTAMP NOT NULL,
    batch          INTEGER,              -- the load: files loaded by one command share it (its first load_id)
    loaded_by      VARCHAR,              -- the signed-in user, else the OS user who ran the command
    reverts        INTEGER               -- for a revert (kind 'revert'): the load (batch) it undid
);

-- Rows a load replaced (or a revert removed), kept so `egov revert` can bring them back.
CREATE TABLE superseded_rows (
    table_name     VARCHAR NOT NULL,     -- units | unit_aliases | content_tallies | ...
    superseded_by  INTEGER NOT NULL,     -- the load (batch) that replaced or removed the row
    row_json       VARCHAR NOT NULL      -- the row as it was, every column, as JSON
);

-- What each load changed in the published results: one row per unit and period that moved.
CREATE TABLE revisions (
    batch        INTEGER NOT NULL,       -- the load (loads.batch)
    scheme       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    period       VARCHAR NOT NULL,       -- 'YYYY' for year-end totals, 'YYYY-MM' for a month
    unit         VARCHAR NOT NULL,
    unit_type    VARCHAR NOT NULL,
    measure      VARCHAR NOT NULL,       -- total (year-end) | points (the month's content points)
    before       DOUBLE,                 -- NULL: the unit had no result before this load
    after        DOUBLE,                 -- NULL: the load removed the result
    rank_before  INTEGER,
    rank_after   INTEGER
);

CREATE TABLE content_tallies (
    scheme            VARCHAR NOT NULL,
    month             VARCHAR NOT NULL,  -- YYYY-MM
    year              INTEGER NOT NULL,
    unit              VARCHAR NOT NULL,
    item              INTEGER NOT NULL,
    count             INTEGER NOT NULL,
    city_adopted      INTEGER NOT NULL,
    province_adopted  INTEGER NOT NULL,
    load_id           INTEGER NOT NULL
    -- key (scheme, month, unit, item): unique, kept by the pipeline, checked in checks/relationships.sql;
    -- no PRIMARY KEY index: it made publishing 6,000 units 4x slower and the file 10x larger
);

CREATE TABLE yearend_inputs (
    scheme       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    unit         VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    part         VARCHAR NOT NULL DEFAULT '',  -- 分项 of a composite indicator; '' for none
    score        DOUBLE,
    deduction    DOUBLE,
    actual       DOUBLE,
    numerator    DOUBLE,
    denominator  DOUBLE,
    times        DOUBLE,
    place        INTEGER,
    choice       VARCHAR,
    exempt       BOOLEAN NOT NULL,
    note         VARCHAR,
    load_id      INTEGER NOT NULL
    -- key (scheme, year, unit, indicator, part): unique, kept by the pipeline, checked in
    -- checks/relationships.sql; no PRIMARY KEY index: it made publishing 6,000 units 4x slower
);

-- The units' self-assessment (评分来源 自评 rows of 年终评分): the columns of yearend_inputs,
-- stored apart so that no score is ever computed from them (pipelines/cycle/).
CREATE TABLE self_assessments (
    scheme       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    unit         VARCHAR NOT NULL,
    indicator    VARCHAR NOT NULL,
    part         VARCHAR NOT NULL DEFAULT '',
    score        DOUBLE,
    deduction    DOUBLE,
    actual       DOUBLE,
    numerator    DOUBLE,
    denominator  DOUBLE,
    times        DOUBLE,
    place        INTEGER,
    choice       VARCHAR,
    exempt       BOOLEAN NOT NULL,
    note         VARCHAR,
    load_id      INTEGER NOT NULL
);

-- 整改台账: the problems found, each unit's measure, owner, due date and status.
CREATE TABLE rectifications (
    scheme     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    unit       VARCHAR NOT NULL,
    indicator  VARCHAR NOT NULL,
    issue      VARCHAR NOT NULL,
    measure    VARCHAR NOT NULL,
    owner      VARCHAR NOT NULL,
    due        DATE    NOT NULL,
    status     VARCHAR NOT NULL,         -- 未整改 | 整改中 | 已整改
    note       VARCHAR,
    load_id    INTEGER NOT NULL
);

-- The cycle's records: when the assessing bodies' rows are due, the spot-check draws (enough
-- to draw again: seed, weighting, count), and each unit's feedback sheet issued.
CREATE TABLE cycle_deadlines (
    scheme   VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    due      DATE    NOT NULL,
    set_by   VARCHAR,
    set_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (scheme, year)
);

CREATE TABLE spot_checks (
    draw       INTEGER NOT NULL,         -- 1, 2, ... in the order drawn
    scheme     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    seed       BIGINT  NOT NULL,
    weighted   BOOLEAN NOT NULL,         -- by the self-vs-verified gap, else uniform
    requested  INTEGER NOT NULL,
    units      VARCHAR NOT NULL,         -- the units drawn, in draw order, as a JSON list
    drawn_by   VARCHAR,
    drawn_at   TIMESTAMP NOT NULL
);

CREATE TABLE feedback_issued (
    scheme     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    unit       VARCHAR NOT NULL,
    issued_at  TIMESTAMP NOT NULL,       -- the first time the unit's 反馈单 was written
    issued_by  VARCHAR,
    PRIMARY KEY (scheme, year, unit)
);

CREATE TABLE adjustment_inputs (
    scheme   VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    unit     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,           -- 加分 | 减分
    clause   INTEGER NOT NULL,
    level    VARCHAR,
    reason   VARCHAR NOT NULL,
    points   DOUBLE  NOT NULL,           -- positive; a 减分 is subtracted
    load_id  INTEGER NOT NULL
);

CREATE TABLE metric_values (
    scheme   VARCHAR NOT NULL,
    month    VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    metric   VARCHAR NOT NULL,
    value    DOUBLE  NOT NULL,
    load_id  INTEGER NOT NULL,
    PRIMARY KEY (scheme, month, metric)
);

-- ---------------------------------------------------------------- results -------------------
CREATE TABLE indicator_scores (
    scheme      VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    unit        VARCHAR NOT NULL,
    unit_type   VARCHAR NOT NULL,
    rubric      VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    max_points  DOUBLE  NOT NULL,
    score       DOUBLE  NOT NULL,        -- 0 when exempt
    lost        DOUBLE  NOT NULL,        -- max_points - score; 0 when exempt
    exempt      BOOLEAN NOT NULL,
    has_input   BOOLEAN NOT NULL
    -- key (scheme, year, unit, code): unique, kept by the pipeline, checked in checks/relationships.sql;
    -- no PRIMARY KEY index: it made publishing 6,000 units 4x slower and the file 10x larger
);

CREATE TABLE group_shares (              -- groups of a rubric scored by its tree of means (a
    scheme      VARCHAR NOT NULL,         -- geometric, harmonic or not-applicable group): each
    year        INTEGER NOT NULL,         -- group's aggregated share, which the sum of its
    unit        VARCHAR NOT NULL,         -- leaves' points is not (view group_scores)
    rubric      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    share       DOUBLE  NOT NULL
);

CREATE TABLE stage_scores (
    scheme      VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    unit        VARCHAR NOT NULL,
    unit_type   VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,
    raw_points  DOUBLE  NOT NULL,        -- content points P, or the rubric score (rescaled if exempt)
    points      DOUBLE  NOT NULL,        -- contribution to the total
    max_points  DOUBLE  NOT NULL,
    excess_bonus DOUBLE NOT NULL
    -- key (scheme, year, unit, stage): unique, kept by the pipeline, checked in checks/relationships.sql;
    -- no PRIMARY KEY index: it made publishing 6,000 units 4x slower and the file 10x larger
);

CREATE TABLE results (
    scheme       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    unit         VARCHAR NOT NULL,
    unit_type    VARCHAR NOT NULL,
    stages_total DOUBLE  NOT NULL,
    bonus        DOUBLE  NOT NULL,       -- after the cap
    penalty      DOUBLE  NOT NULL,       -- after the cap, positive
    total        DOUBLE  NOT NULL,
    grade        VARCHAR,                -- NULL where the scheme has no grades
    rank         INTEGER                -- within unit type, 1 best, ties share the best rank;
                                         -- NULL for a unit not ranked (不排名, docs/schemes.md)
    -- key (scheme, year, unit): unique, kept by the pipeline, checked in checks/relationships.sql;
    -- no PRIMARY KEY index: it made publishing 6,000 units 4x slower and the file 10x larger
);

CREATE TABLE monthly_points (
    scheme       VARCHAR NOT NULL,
    month        VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    unit         VARCHAR NOT NULL,
    unit_type    VARCHAR NOT NULL,
    item_points  DOUBLE  NOT NULL,       -- Σ count × item points
    adoption_points DOUBLE NOT NULL,     -- 2 × 市级录用 + 5 × 省级录用
    points       DOUBLE  NOT NULL,
    ytd_points   DOUBLE  NOT NULL,
    rank         INTEGER,                -- by the month's points within unit type (NULL: unranked)
    ytd_rank     INTEGER
    -- key (scheme, month, unit): unique, kept by the pipeline, checked in checks/relationships.sql;
    -- no PRIMARY KEY index: it made publishing 6,000 units 4x slower and the file 10x larger
);

CREATE TABLE target_progress (
    scheme        VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    target        VARCHAR NOT NULL,
    month         VARCHAR NOT NULL,
    value         DOUBLE  NOT NULL,      -- the month's figure as loaded
    actual        DOUBLE  NOT NULL,      -- aggregated to this month (sum, last or mean)
    floor         DOUBLE  NOT NULL,
    stretch       DOUBLE,
    status        VARCHAR NOT NULL,      -- 达争 | 达保 | 未达, of the figure to date
    projected_status VARCHAR NOT NULL,   -- the same judged on the projection (cumulative), else = status
    pace          DOUBLE,                -- cumulative targets: floor × months elapsed / 12
    projection    DOUBLE,                -- cumulative targets: actual / months elapsed × 12
    PRIMARY KEY (scheme, year, target, month)
);

-- ---------------------------------------------------------------- rank stability ------------
-- Not stored: computed from the year-end results when a page or `egov scores --stability` asks
-- (pipelines/stability_on_demand.py); a warehouse written before that loses its two tables
-- rank_stability and indicator_weights at its next load (pipelines/delta.py).
