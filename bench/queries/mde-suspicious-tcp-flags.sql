-- DuckDB counterpart of queries/mde-suspicious-tcp-flags.kql.
-- `has "In"` is a whole-term, case-insensitive match, written as a regular expression with
-- non-alphanumeric (or string) boundaries; `has_any` likewise over the flag list. The
-- lookup is a LEFT JOIN on a VALUES table. DuckDB has no GeoIP function, so Geo_IP is an
-- empty string here while kql looks every remaining row up in its embedded database.
COPY (
  WITH events AS (
    SELECT TimeGenerated, DeviceName, LocalIP, LocalPort, RemoteIP, RemotePort, ActionType,
           json_extract_string(AdditionalFields, '$."Tcp Flags"') AS TcpFlags,
           json_extract_string(AdditionalFields, '$.direction') AS direction
    FROM read_ndjson('{DeviceNetworkEvents}')
  ),
  inbound AS (
    SELECT * FROM events
    WHERE regexp_matches(direction, '(^|[^[:alnum:]])[Ii][Nn]($|[^[:alnum:]])')
  ),
  flags(TcpFlagDecimal, Comment) AS (
    VALUES ('6', 'SYN + RST (invalid, often scanning)'),
           ('7', 'FIN + SYN + RST (highly abnormal)'),
           ('19', 'FIN + PSH + SYN (malformed scan)'),
           ('27', 'FIN + PSH + SYN + URG (malformed, stealth scan)'),
           ('30', 'FIN + PSH + RST + SYN (Xmas variant)'),
           ('31', 'FIN + PSH + RST + SYN + URG (classic Xmas scan)'),
           ('63', 'All flags set including ECE/CWR (invalid combination)')
  )
  SELECT TimeGenerated, DeviceName, LocalIP, LocalPort, RemoteIP,
         regexp_matches(RemoteIP, '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.)') AS IsPrivate,
         RemotePort, '' AS Geo_IP, TcpFlags, ActionType, flags.Comment
  FROM inbound LEFT JOIN flags ON inbound.TcpFlags = flags.TcpFlagDecimal
  WHERE regexp_matches(TcpFlags, '(^|[^[:alnum:]])(6|7|19|27|30|31|63)($|[^[:alnum:]])')
) TO '{out}' (FORMAT JSON, ARRAY true);
