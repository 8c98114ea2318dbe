-- wrk script: POST /v as the page beacon does. With VIEW_TOKEN set (a page's data-view token) it sends
-- that token — the beacon then checks it and the per-client bounds; builds before view tokens take a
-- rotating article id instead.
local n = 0
local token = os.getenv("VIEW_TOKEN")
request = function()
  n = n + 1
  return wrk.format("POST", "/v", {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
  }, token or tostring(1 + (n % 2000)))
end
