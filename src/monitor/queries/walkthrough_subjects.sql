-- The subjects learning walks observed, most observed first. Grain: (subject).
SELECT subject, count(*) AS observations
FROM walkthroughs
WHERE subject IS NOT NULL
GROUP BY subject
ORDER BY observations DESC, subject;
