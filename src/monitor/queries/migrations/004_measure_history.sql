-- Version 3 -> 4: each load records what its headline cells showed (measure_history), so the
-- overview can say what moved since last week's data. (schema.sql creates the table; history
-- starts with the next load.)
SELECT 1;
