-- wrk script: each thread stops after its share of BENCH_REQUESTS responses, so a run
-- makes (about) BENCH_REQUESTS requests in all. wrk still runs for its whole -d (its
-- main thread sleeps that long), so pick -d from the expected rate.
local total = tonumber(os.getenv("BENCH_REQUESTS") or "1000000")
local threads = tonumber(os.getenv("BENCH_THREADS") or "2")
local share = math.ceil(total / threads)
local count = 0

function response(status, headers, body)
  count = count + 1
  if count >= share then
    wrk.thread:stop()
  end
end
