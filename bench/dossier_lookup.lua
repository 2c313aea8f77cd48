-- wrk script for bench/dossier_bench.py: GET (or the method given) <path><query> with a query
-- string drawn at random from a file (one per line: ?code=..&secret=.. for the lookups, ?id=..
-- for the write baseline), then a JSON summary on stdout.
-- wrk -t2 -c16 -d15s -s bench/dossier_lookup.lua http://127.0.0.1:PORT -- <path> <file> <seed> [POST]

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

local queries = {}
local path = "/"
local method = "GET"

function init(args)
  path = args[1]
  for line in io.lines(args[2]) do
    queries[#queries + 1] = line
  end
  math.randomseed(tonumber(args[3]) * 1000 + thread_id)
  if args[4] then
    method = args[4]
  end
end

function request()
  return wrk.format(method, path .. queries[math.random(#queries)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"mean_us": %.1f, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
