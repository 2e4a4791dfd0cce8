-- bench/e2e/wrk-pool.lua: the wrk side of bench/e2e/load.ts.
-- WRK_POOL names a Lua chunk returning rows {method, path, {headers}, body}.
-- Every connection of the one wrk thread takes the next row in a single round
-- robin (so each pre-signed request goes out once per lap), statuses are
-- counted, and done() prints one line: "WRKJSON {...}".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
  reqs = {}
  for i, r in ipairs(dofile(os.getenv("WRK_POOL"))) do
    reqs[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  idx = 0
end

function request()
  idx = idx % #reqs + 1
  return reqs[idx]
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do agg[k] = (agg[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%d":%d', k, v)) end
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"timeout":%d,"codes":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    table.concat(parts, ",")))
end
