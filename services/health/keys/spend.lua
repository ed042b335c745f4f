-- Spend limits of one API key, checked and charged in one atomic step (services/health/keys/
-- redis_limiter.py documents the keys). Every key name starts with KEYS[1], which carries the
-- hash tag {<key id>}, so all of a key's state is in one slot.
--
-- ARGV[1] = "admit" | "settle"
-- admit:  ARGV[2] now_ms ("" = Redis TIME), [3] reservation id, [4] tokens, [5] worst micros,
--         [6] user ("" = none), [7] rpm, [8] tpm (0 = no limit), [9] budget day micros,
--         [10] budget month micros, [11] user budget day micros (-1 = no limit),
--         [12] reservation ttl ms
--   -> {admitted 0|1, refused_by, retry_after_ms (-1 never), remaining requests, tokens,
--       budget micros (-1 = no such limit): after this request when admitted, before it when
--       refused (every limit's, whichever refused)}
-- settle: ARGV[2] unused, [3] reservation id, [4] actual tokens, [5] actual micros
--   -> {1 settled | 0 unknown reservation, what was charged in micros}

local base = KEYS[1]
local WINDOW = 60000
local DAY = 86400000

local function now_ms(given)
  if given ~= "" then return tonumber(given) end
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Howard Hinnant's civil-from-days and days-from-civil (proleptic Gregorian, UTC).
local function civil(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return y, m
end

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function periods(now)
  local day = math.floor(now / DAY)
  local y, m = civil(day)
  local ny, nm = y, m + 1
  if nm > 12 then ny, nm = y + 1, 1 end
  return day, string.format("%04d%02d", y, m), (day + 1) * DAY, days_from_civil(ny, nm, 1) * DAY
end

local function num(key, field)
  return tonumber(redis.call("HGET", key, field) or "0") or 0
end

-- A reservation whose caller never settled (a crashed replica) is charged its worst case.
local function sweep(now)
  local expired = redis.call("ZRANGEBYSCORE", base .. ":holds", "-inf", now)
  for _, id in ipairs(expired) do
    local hold = base .. ":hold:" .. id
    local worst = num(hold, "worst")
    if redis.call("HGET", hold, "state") == "held" then
      for _, spend in ipairs({"day", "month", "user"}) do
        local key = redis.call("HGET", hold, spend)
        if key and key ~= "" then
          redis.call("HINCRBY", key, "held", -worst)
          redis.call("HINCRBY", key, "spent", worst)
        end
      end
      redis.call("HSET", hold, "state", "expired")
    end
    redis.call("ZREM", base .. ":holds", id)
  end
end

local function trim_tokens(now)
  local old = redis.call("ZRANGEBYSCORE", base .. ":tok", "-inf", now - WINDOW)
  local freed = 0
  for _, member in ipairs(old) do
    freed = freed + tonumber(string.match(member, "|(%d+)$"))
  end
  if #old > 0 then
    redis.call("ZREMRANGEBYSCORE", base .. ":tok", "-inf", now - WINDOW)
    return redis.call("INCRBY", base .. ":toksum", -freed)
  end
  return tonumber(redis.call("GET", base .. ":toksum") or "0")
end

local function tokens_retry(now, sum, tokens, tpm)
  local entries = redis.call("ZRANGE", base .. ":tok", 0, -1, "WITHSCORES")
  local freed = 0
  for i = 1, #entries, 2 do
    freed = freed + tonumber(string.match(entries[i], "|(%d+)$"))
    if sum - freed + tokens <= tpm then return tonumber(entries[i + 1]) + WINDOW - now end
  end
  return WINDOW
end

local function admit()
  local now = now_ms(ARGV[2])
  local id, tokens, worst, user = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
  local rpm, tpm = tonumber(ARGV[7]), tonumber(ARGV[8])
  local budgets = {tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])}
  local ttl = tonumber(ARGV[12])
  if redis.call("EXISTS", base .. ":revoked") == 1 then
    return {0, "revoked", -1, -1, -1, -1}
  end
  sweep(now)
  redis.call("ZREMRANGEBYSCORE", base .. ":req", "-inf", now - WINDOW)
  local count = redis.call("ZCARD", base .. ":req")
  local sum = trim_tokens(now)
  local day, month, day_end, month_end = periods(now)
  local spends = {base .. ":day:" .. day, base .. ":month:" .. month, ""}
  if user ~= "" then spends[3] = base .. ":user:" .. user .. ":day:" .. day end
  local names = {"budget_day", "budget_month", "user_budget_day"}
  local resets = {day_end, month_end, day_end}

  -- What is left before this request: a refusal reports every limit, not only its own.
  local rooms = {}
  local left_now = -1
  for i = 1, 3 do
    if budgets[i] >= 0 and spends[i] ~= "" then
      rooms[i] = budgets[i] - num(spends[i], "spent") - num(spends[i], "held")
      local shown = math.max(rooms[i], 0)
      if left_now < 0 or shown < left_now then left_now = shown end
    end
  end
  local req_now = rpm > 0 and math.max(rpm - count, 0) or -1
  local tok_now = tpm > 0 and math.max(tpm - sum, 0) or -1

  if rpm > 0 and count + 1 > rpm then
    local oldest = redis.call("ZRANGE", base .. ":req", 0, 0, "WITHSCORES")
    return {0, "rpm", tonumber(oldest[2]) + WINDOW - now, req_now, tok_now, left_now}
  end
  if tpm > 0 and sum + tokens > tpm then
    if tokens > tpm then return {0, "tpm", -1, req_now, tok_now, left_now} end
    return {0, "tpm", tokens_retry(now, sum, tokens, tpm), req_now, tok_now, left_now}
  end
  local left = -1
  for i = 1, 3 do
    local room = rooms[i]
    if room ~= nil then
      if worst > room then
        if worst > budgets[i] then return {0, names[i], -1, req_now, tok_now, left_now} end
        return {0, names[i], resets[i] - now, req_now, tok_now, left_now}
      end
      if left < 0 or room - worst < left then left = room - worst end
    end
  end

  redis.call("ZADD", base .. ":req", now, id)
  redis.call("PEXPIRE", base .. ":req", WINDOW * 2)
  redis.call("ZADD", base .. ":tok", now, id .. "|" .. tokens)
  redis.call("INCRBY", base .. ":toksum", tokens)
  redis.call("PEXPIRE", base .. ":tok", WINDOW * 2)
  redis.call("PEXPIRE", base .. ":toksum", WINDOW * 2)
  local hold = base .. ":hold:" .. id
  -- Spend is counted in every period, limited or not, so usage can be read back.
  redis.call("HSET", hold, "state", "held", "worst", worst, "tokens", tokens, "at", now,
    "day", spends[1], "month", spends[2], "user", spends[3])
  redis.call("PEXPIRE", hold, ttl + DAY)
  redis.call("ZADD", base .. ":holds", now + ttl, id)
  redis.call("PEXPIRE", base .. ":holds", ttl + DAY)
  for i = 1, 3 do
    if spends[i] ~= "" then
      redis.call("HINCRBY", spends[i], "held", worst)
      redis.call("PEXPIRE", spends[i], (i == 2 and 63 or 2) * DAY)
    end
  end
  local rem_req = rpm > 0 and rpm - count - 1 or -1
  local rem_tok = tpm > 0 and tpm - sum - tokens or -1
  return {1, "", 0, rem_req, rem_tok, left}
end

local function settle()
  local id, tokens, actual = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
  local hold = base .. ":hold:" .. id
  local state = redis.call("HGET", hold, "state")
  if not state then return {0, 0} end
  local worst, held_tokens = num(hold, "worst"), num(hold, "tokens")
  local release = state == "held" and worst or 0
  local charge = state == "held" and actual or actual - worst
  for _, spend in ipairs({"day", "month", "user"}) do
    local key = redis.call("HGET", hold, spend)
    if key and key ~= "" then
      if release > 0 then redis.call("HINCRBY", key, "held", -release) end
      redis.call("HINCRBY", key, "spent", charge)
    end
  end
  local member = id .. "|" .. held_tokens
  local at = redis.call("ZSCORE", base .. ":tok", member)
  if at then
    redis.call("ZREM", base .. ":tok", member)
    redis.call("ZADD", base .. ":tok", at, id .. "|" .. tokens)
    redis.call("INCRBY", base .. ":toksum", tokens - held_tokens)
  end
  redis.call("ZREM", base .. ":holds", id)
  redis.call("DEL", hold)
  return {1, charge}
end

if ARGV[1] == "admit" then return admit() end
return settle()
