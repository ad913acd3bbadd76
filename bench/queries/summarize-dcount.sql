-- DuckDB counterpart of summarize-dcount.kql. Kusto's dcount() is an estimate, so the
-- closest match is DuckDB's approx_count_distinct (HyperLogLog as well); the two estimates
-- need not agree exactly.
COPY (
  SELECT DeviceName,
         time_bucket(INTERVAL 1 hour, CAST(TimeGenerated AS TIMESTAMP)) AS TimeGenerated,
         count(*) AS count_,
         approx_count_distinct(RemoteIP) AS dcount_RemoteIP
  FROM read_ndjson('{DeviceNetworkEvents}')
  GROUP BY ALL
) TO '{out}' (FORMAT JSON, ARRAY true);
