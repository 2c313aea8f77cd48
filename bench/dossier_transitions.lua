-- wrk script for bench/dossier_bench.py: the "distinct" transition runs. Each wrk thread has
-- one connection (run with -tN -cN) and moves its own dossiers through the bench's lifecycle,
-- one request at a time, each with the version from the previous answer: receive, hand over,
-- request a supplement, supplement, hand over, complete, return the result (next_action() in
-- dossier_bench.py decides the same way).
--
-- wrk -tN -cN -dSs -s bench/dossier_transitions.lua http://127.0.0.1:PORT -- <dossiers> <N> <tokens>
--   <dossiers>: one "id version to_agency_code" a line, shared out among the threads by line;
--   <tokens>: one API token a line, thread k uses token k modulo their number.
-- The report goes to the file named by EGOV_WRK_OUT: "S id action sent returned" for each
-- success, "P id action sent" for the request still in flight when wrk stopped (its answer is
-- never read: the bench looks in the database whether it was committed), "C status count",
-- "E text" for unexpected answers (at most 5 a thread) and one "R" line of totals.

local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local dossiers = {}
local index = 0
local current = nil
local headers = {["Content-Type"] = "application/json"}
pending = nil
log = {}
codes = {}
errors = {}

function init(args)
  local nthreads = tonumber(args[2])
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid - 1 then
      local id, version, agency = line:match("^(%d+) (%d+) (%S+)$")
      dossiers[#dossiers + 1] = {id = id, version = tonumber(version), to_agency = agency}
    end
    i = i + 1
  end
  local tokens = {}
  for line in io.lines(args[3]) do
    tokens[#tokens + 1] = line
  end
  headers["Authorization"] = "Bearer " .. tokens[(tid - 1) % #tokens + 1]
end

local function next_action(d)
  if d.state == "submitted" then return "receive" end
  if d.state == "received" then return "hand_over" end
  if d.state == "in_progress" then
    if not d.supplemented then return "request_supplement" end
    if d.step < 2 then return "hand_over" end
    return "complete"
  end
  if d.state == "supplement_requested" then return "supplement" end
  if d.state == "processed" then return "return_result" end
  return nil
end

function request()
  if current == nil or next_action(current) == nil then
    index = index + 1
    local d = dossiers[index]
    if d == nil then
      pending = nil
      if #errors < 5 then errors[#errors + 1] = "ran out of dossiers" end
      return wrk.format("GET", "/api/v1/health")
    end
    current = {id = d.id, version = d.version, state = "submitted", step = 0,
               supplemented = false, to_agency = d.to_agency}
  end
  local action = next_action(current)
  local body
  if action == "hand_over" then
    body = string.format('{"version": %d, "to_agency": "%s", "comment": "Chuyển bước tiếp theo"}',
                         current.version, current.to_agency)
  elseif action == "request_supplement" then
    body = string.format('{"version": %d, "missing": "Bổ sung bản sao giấy tờ tùy thân"}',
                         current.version)
  elseif action == "supplement" then  -- an empty supplement is refused (400)
    body = string.format('{"version": %d, "comment": "Đã bổ sung"}', current.version)
  else
    body = string.format('{"version": %d}', current.version)
  end
  pending = current.id .. " " .. action .. " " .. current.version
  return wrk.format("POST", "/api/v1/dossiers/" .. current.id .. "/actions/" .. action,
                    headers, body)
end

function response(status, hdrs, body)
  codes[status] = (codes[status] or 0) + 1
  local sent = pending
  pending = nil
  if sent == nil then return end  -- the health check sent after running out
  if status == 200 then
    local version = tonumber(body:match('"version":%s*(%d+)'))
    log[#log + 1] = sent .. " " .. version
    current.version = version
    current.state = body:match('"state":%s*"([%w_]+)"')
    current.step = tonumber(body:match('"step_index":%s*(%d+)'))
    if sent:match(" supplement ") then current.supplemented = true end
  else
    if #errors < 5 then errors[#errors + 1] = sent .. ": " .. status .. " " .. body:sub(1, 300) end
    current = nil  -- unexpected on one's own dossier: leave it, take the next
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("EGOV_WRK_OUT"), "w"))
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("log")) do out:write("S ", line, "\n") end
    local p = thread:get("pending")
    if p then out:write("P ", p, "\n") end
    for status, n in pairs(thread:get("codes")) do out:write("C ", status, " ", n, "\n") end
    for _, text in ipairs(thread:get("errors")) do
      out:write("E ", (text:gsub("\n", " ")), "\n")
    end
  end
  local e = summary.errors
  out:write(string.format("R %d %d %d %d %d %d %d %.1f %d %d\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.timeout, e.status, latency.mean,
    latency:percentile(50), latency:percentile(99)))
  out:close()
end
