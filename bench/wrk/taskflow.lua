-- wrk driver for the TaskFlow scenarios; everything comes from the environment:
--   BENCH_MODE    get | create | patch | comment | login
--   BENCH_TOKENS  access tokens, comma-separated (round robin: several users and sessions)
--   BENCH_PATHS   get: request paths, "|"-separated (round robin)
--   BENCH_PROJECT create: the project the new tasks go to
--   BENCH_IDS     patch: task ids, comma-separated; each thread takes its own slice and keeps
--                 every task's version from the ETag it gets back, for If-Match;
--                 comment: the tasks commented on (round robin)
--   BENCH_USERS / BENCH_PASSWORD  login: usernames (comma-separated) and their password
local function split(s, sep)
  local out = {}
  for part in string.gmatch(s or "", "([^" .. sep .. "]+)") do out[#out + 1] = part end
  return out
end

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local mode, tokens, paths, ids, users, versions, counter

function init(args)
  mode = os.getenv("BENCH_MODE") or "get"
  tokens = split(os.getenv("BENCH_TOKENS"), ",")
  paths = split(os.getenv("BENCH_PATHS"), "|")
  users = split(os.getenv("BENCH_USERS"), ",")
  versions = {}
  counter = 0
  local all = split(os.getenv("BENCH_IDS"), ",")
  local n_threads = tonumber(os.getenv("BENCH_THREADS") or "2")
  ids = {}
  for i, id in ipairs(all) do
    if (i - 1) % n_threads == thread_index then
      ids[#ids + 1] = id
      versions[id] = 1
    end
  end
end

local function bearer()
  return "Bearer " .. tokens[(counter % #tokens) + 1]
end

function request()
  counter = counter + 1
  if mode == "get" then
    local path = paths[(counter % #paths) + 1]
    return wrk.format("GET", path, { Authorization = bearer() })
  elseif mode == "create" then
    local body = string.format(
      '{"title":"bench task %d","project_id":%s,"priority":2,"description":"made by wrk"}',
      counter, os.getenv("BENCH_PROJECT"))
    return wrk.format("POST", "/api/v1/tasks",
      { Authorization = bearer(), ["Content-Type"] = "application/json" }, body)
  elseif mode == "patch" then
    local id = ids[(counter % #ids) + 1]
    local body = string.format('{"title":"patched %d","priority":%d}', counter, counter % 5)
    return wrk.format("PATCH", "/api/v1/tasks/" .. id, {
      Authorization = bearer(),
      ["Content-Type"] = "application/json",
      ["If-Match"] = '"' .. versions[id] .. '"',
    }, body)
  elseif mode == "comment" then
    local id = ids[(counter % #ids) + 1]
    local body = string.format('{"body":"comment %d from the benchmark"}', counter)
    return wrk.format("POST", "/api/v1/tasks/" .. id .. "/comments",
      { Authorization = bearer(), ["Content-Type"] = "application/json" }, body)
  else -- login
    local user = users[(counter % #users) + 1]
    local body = "username=" .. user .. "&password=" .. os.getenv("BENCH_PASSWORD")
    return wrk.format("POST", "/api/v1/auth/token",
      { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
  end
end

if os.getenv("BENCH_MODE") == "patch" then
  function response(status, headers, body)
    local etag = headers["ETag"] or headers["etag"]
    local id = string.match(body, '"id":(%d+)')
    if status == 200 and etag and id then
      versions[id] = string.match(etag, "(%d+)")
    end
  end
end
