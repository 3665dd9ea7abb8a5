-- wrk script: rotate over the URLs in $LOAD_URLS (one path a line), count responses by kind and status.
-- Each connection sends no cookie, so to the site every detail request is a new browser.
local urls = {}
for line in io.lines(os.getenv("LOAD_URLS")) do
  if line ~= "" then urls[#urls + 1] = line end
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  index = (id * 7919) % #urls
  last = nil
  detail_ok = 0
  bad = 0
  cache_hits = 0
  wrk.headers["User-Agent"] = "Mozilla/5.0 (load test; hojokin benchmarks)"
  wrk.headers["Accept-Language"] = "ja"
end

function request()
  index = index % #urls + 1
  last = urls[index]
  return wrk.format("GET", last)
end

function response(status, headers, body)
  if headers["X-Page-Cache"] == "hit" then cache_hits = cache_hits + 1 end
  if status ~= 200 then
    bad = bad + 1
  elseif string.match(last, "^/subsidies/%d+/$") then
    detail_ok = detail_ok + 1
  end
end

function done(summary, latency, requests)
  local detail, non200, hits = 0, 0, 0
  for _, thread in ipairs(threads) do
    detail = detail + thread:get("detail_ok")
    non200 = non200 + thread:get("bad")
    hits = hits + thread:get("cache_hits")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f " ..
    "socket_errors=%d non2xx3xx=%d non200=%d detail_200=%d page_cache_hits=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.timeout, e.status, non200, detail, hits))
end
