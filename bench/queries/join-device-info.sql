-- DuckDB counterpart of join-device-info.kql: an inner join on DeviceId, then a row count.
COPY (
  SELECT count(*) AS Count
  FROM read_ndjson('{DeviceNetworkEvents}') AS events
  JOIN (SELECT DeviceId, OSPlatform FROM read_ndjson('{DeviceInfo}')) AS devices
    ON events.DeviceId = devices.DeviceId
) TO '{out}' (FORMAT JSON, ARRAY true);
