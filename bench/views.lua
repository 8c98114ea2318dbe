-- wrk script: POST /v with a rotating article id, as the page beacon does.
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/v", {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
  }, tostring(1 + (n % 2000)))
end
