-- The database schema: one table per data family, as loaded; measures are derived at query
-- time by the table macros below, so a changed cut score or goal needs no reload.
-- Grain of each table is in its comment. Identifiers only; values are always bound.

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

-- One row per file loaded (or refused).
CREATE SEQUENCE IF NOT EXISTS load_ids START 1;
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    duplicates_skipped INTEGER NOT NULL,
    nearest_window INTEGER NOT NULL,
    not_on_roster INTEGER NOT NULL,
    school_years VARCHAR,
    windows VARCHAR,
    -- Rows an earlier version of the same file had contributed and this load replaced.
    rows_replaced INTEGER DEFAULT 0,
    -- Coded values not recognised, one per line: "Rush Flag: 1,333 rows with 'maybe' ..."
    unrecognised VARCHAR
);

-- One row per load, column and reason: the rows a load rejected.
CREATE TABLE IF NOT EXISTS load_rejections (
    load_id INTEGER NOT NULL,
    column_name VARCHAR,
    reason VARCHAR NOT NULL,
    rows INTEGER NOT NULL
);

-- The data health check after each load run: rows per source, school year and reason they
-- count in no measure (reason NULL = rows that count). run_id is the run's last load_id.
CREATE TABLE IF NOT EXISTS data_health (
    run_id INTEGER NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    source VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    reason VARCHAR,
    rows BIGINT NOT NULL
);

-- What the data health check counts over every loaded row, kept with the version the load made
-- (monitor.health.keep): queries/data_health.sql's rows, so the Data page and the overview do
-- not count every row again at a first view. Read only when meta's 'counts_rules' is the
-- current rules' fingerprint (else counted live).
CREATE TABLE IF NOT EXISTS health_counts (
    source VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    load_id INTEGER,
    reason VARCHAR,                     -- NULL: the rows that count in a measure
    rows BIGINT NOT NULL,
    not_on_roster BIGINT NOT NULL,
    no_grade BIGINT NOT NULL
);

-- Which schools have results in which window (queries/coverage_by_school_window.sql), kept
-- with the version as health_counts is. Grain: (source, school_year, window_id, school_code).
CREATE TABLE IF NOT EXISTS coverage_counts (
    source VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    window_id VARCHAR,
    school_code VARCHAR,
    n BIGINT NOT NULL
);

-- One row per school.
CREATE TABLE IF NOT EXISTS schools (
    school_code VARCHAR PRIMARY KEY,
    school_name VARCHAR NOT NULL,
    level VARCHAR NOT NULL          -- Elementary / Middle / High / Other, from grades served
);

-- One row per student per school year (the SIS roster).
CREATE TABLE IF NOT EXISTS roster (
    school_year VARCHAR NOT NULL,
    student_id VARCHAR NOT NULL,
    school_code VARCHAR NOT NULL,
    grade VARCHAR NOT NULL,
    race_ethnicity VARCHAR,
    english_learner VARCHAR,
    disability VARCHAR,
    socioeconomic VARCHAR,
    foster VARCHAR,
    homeless VARCHAR,
    load_id INTEGER NOT NULL
);

-- One row per student per school year per configured group the student belongs to.
CREATE TABLE IF NOT EXISTS roster_groups (
    school_year VARCHAR NOT NULL,
    student_id VARCHAR NOT NULL,
    group_id VARCHAR NOT NULL
);

-- One row per student test event: ESGI, district benchmarks, performance tasks, state test.
CREATE TABLE IF NOT EXISTS assessment_results (
    source VARCHAR NOT NULL,        -- esgi / benchmark / performance_task / state_test
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,
    student_id VARCHAR NOT NULL,
    school_code VARCHAR,            -- from the file where it has one; else from the roster
    grade VARCHAR,
    subject VARCHAR NOT NULL,
    assessment VARCHAR NOT NULL,
    test_date DATE,
    score DOUBLE,
    points_possible DOUBLE,
    percent_correct DOUBLE,
    level_rank INTEGER,             -- 1 Not Met .. 4 Exceeded (state test: achievement level)
    load_id INTEGER NOT NULL
);

-- One row per i-Ready diagnostic.
CREATE TABLE IF NOT EXISTS iready_results (
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,
    student_id VARCHAR NOT NULL,
    school_code VARCHAR,
    grade VARCHAR,
    subject VARCHAR NOT NULL,
    completion_date DATE NOT NULL,
    is_baseline BOOLEAN NOT NULL,
    scale_score DOUBLE NOT NULL,
    placement VARCHAR,
    typical_growth DOUBLE,
    stretch_growth DOUBLE,
    pct_typical DOUBLE,
    pct_stretch DOUBLE,
    rushed BOOLEAN NOT NULL,
    load_id INTEGER NOT NULL
);

-- One row per classroom observation.
CREATE TABLE IF NOT EXISTS walkthroughs (
    observation_id VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,     -- learning walk (Q1..Q4)
    observed_on DATE NOT NULL,
    school_code VARCHAR NOT NULL,
    grade VARCHAR,
    subject VARCHAR,
    observer VARCHAR,
    teacher VARCHAR,                -- kept for analysts; never selected by an aggregate query
    ca1a BOOLEAN, ca1b BOOLEAN, ca1c BOOLEAN,
    ca2 INTEGER, ca3 INTEGER,       -- 1 Not Yet .. 4 Yes
    hqim BOOLEAN,
    grade_appropriate BOOLEAN, strong_instruction BOOLEAN,
    deep_engagement BOOLEAN, high_expectations BOOLEAN,
    load_id INTEGER NOT NULL
);

-- Coaching logs: one row per coaching entry for its goal (aspect 'goal': the goal and whether
-- it was met) and one per rubric domain rated in it (aspect = the domain, rating its level).
CREATE TABLE IF NOT EXISTS coaching_log (
    entry_id VARCHAR NOT NULL,
    aspect VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,     -- coaching cycle
    coached_on DATE NOT NULL,
    school_code VARCHAR NOT NULL,
    coach VARCHAR,                  -- kept for analysts; never selected by an aggregate query
    coachee VARCHAR NOT NULL,       -- likewise
    role VARCHAR NOT NULL,          -- teacher / leader
    goal VARCHAR,
    goal_met VARCHAR,               -- yes / partly / no; NULL = not yet assessed
    rating INTEGER,                 -- the rubric level, 1 = lowest
    load_id INTEGER NOT NULL
);

-- One row per respondent per item.
CREATE TABLE IF NOT EXISTS survey_responses (
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,     -- fall / spring
    survey VARCHAR NOT NULL,        -- student / teacher / leader / caregiver
    respondent_id VARCHAR NOT NULL,
    student_id VARCHAR,
    school_code VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    construct VARCHAR NOT NULL,
    response_value INTEGER,         -- position on the scale, 1 = least agreement; NULL = excluded
    scale_points INTEGER NOT NULL,
    load_id INTEGER NOT NULL
);

-- California CAASPP public research files: one row per entity x group x grade x test.
-- pct_met_above is NULL where the state suppressed it (*).
CREATE TABLE IF NOT EXISTS caaspp_results (
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,
    test_year VARCHAR NOT NULL,
    county_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    school_code VARCHAR NOT NULL,
    student_group_id VARCHAR NOT NULL,
    grade VARCHAR NOT NULL,         -- 3..8, 11, or 'all' (the files' grade 13)
    subject VARCHAR NOT NULL,
    students_tested DOUBLE,
    pct_met_above DOUBLE,
    load_id INTEGER NOT NULL
);

-- Names of CAASPP entities per test year (Type ID 4 state, 5 county, 6 district, 7+ school).
CREATE TABLE IF NOT EXISTS caaspp_entities (
    test_year VARCHAR NOT NULL,
    county_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    school_code VARCHAR NOT NULL,
    type_id VARCHAR,
    county_name VARCHAR,
    district_name VARCHAR,
    school_name VARCHAR,
    load_id INTEGER NOT NULL
);

-- Names of CAASPP student groups.
CREATE TABLE IF NOT EXISTS caaspp_groups (
    student_group_id VARCHAR NOT NULL,
    group_name VARCHAR,
    category VARCHAR,
    load_id INTEGER NOT NULL
);

-- The measures lattice (monitor.lattice): every cell a user can reach, counted and protected,
-- built by each load for the version it makes. Hidden cells have no value and no counts in
-- the public columns; `true_*` keep them for the suppression of narrower views (a principal's)
-- and are never returned to a page.
CREATE TABLE IF NOT EXISTS measure_lattice (
    measure VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,             -- a school code or '__district__'
    grade VARCHAR NOT NULL,             -- a grade, a band, or '*' (all grades)
    subject VARCHAR NOT NULL,           -- a subject (surveys: the survey) or '*' (pooled)
    detail VARCHAR NOT NULL,            -- an indicator, construct or item, or '*' (pooled)
    group_id VARCHAR NOT NULL,          -- 'all' or a configured group
    n DOUBLE, n_records DOUBLE, n_meeting DOUBLE,
    value DOUBLE, ci_low DOUBLE, ci_high DOUBLE,
    hidden BOOLEAN NOT NULL,
    reason VARCHAR,                     -- small / one outcome / complementary
    hidden_label VARCHAR,               -- 'n<10' or 'suppressed'
    schools INTEGER,                    -- schools with results in the cell
    mean_a DOUBLE, median_a DOUBLE, median_b DOUBLE, n_excluded DOUBLE,
    true_n DOUBLE, true_n_records DOUBLE, true_n_meeting DOUBLE,
    true_n_teachers DOUBLE               -- learning walks: distinct teachers observed
);

-- What each headline cell showed after each load (every measure and subject, each school and
-- the district, all students, all grades, details pooled), recorded only when it changed:
-- a cell's value at a time is its latest entry at or before it. value and n are as shown
-- (NULL when hidden); present = false when the cell has gone. Read by "What moved".
CREATE TABLE IF NOT EXISTS measure_history (
    taken_at TIMESTAMP NOT NULL,        -- the load run that made this version
    measure VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    school_year VARCHAR NOT NULL,
    window_id VARCHAR NOT NULL,
    value DOUBLE,
    n DOUBLE,
    present BOOLEAN NOT NULL
);
