-- Circuit breaker transitions, each one atomic step in Redis.
--
-- KEYS[1] state hash     KEYS[2] window failures (zset)   KEYS[3] window successes (zset)
-- KEYS[4] permits (zset: permit -> expiry)                KEYS[5] providers (set)
-- KEYS[6] events stream  KEYS[7] pub/sub channel name (used as a value, not a key)
-- ARGV[1] operation: "acquire" | "report" | "sweep"   ARGV[2] provider   ARGV[3] now ("" = Redis TIME)
-- ARGV[4..11] failure_threshold, success_threshold, timeout, half_open_max_calls,
--             window, failure_rate, max_timeout, permit_ttl
-- report only: ARGV[12] ok ("1"/"0"), ARGV[13] kind, ARGV[14] counts ("1"/"0"),
--              ARGV[15] latency_ms, ARGV[16] permit, ARGV[17] retry_after_s
local H, F, S, P = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local op, provider = ARGV[1], ARGV[2]
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local failure_threshold = tonumber(ARGV[4])
local success_threshold = tonumber(ARGV[5])
local timeout = tonumber(ARGV[6])
local max_calls = tonumber(ARGV[7])
local window = tonumber(ARGV[8])
local failure_rate = tonumber(ARGV[9])
local max_timeout = tonumber(ARGV[10])
local permit_ttl = tonumber(ARGV[11])

redis.call('SADD', KEYS[5], provider)
local state = redis.call('HGET', H, 'state') or 'closed'
local before = state
local reason = ''

local function transition(to, why)
  reason = why
  redis.call('HSET', H, 'state', to, 'updated_at', tostring(now))
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', 1000, '*', 'provider', provider, 'from', state,
             'to', to, 'reason', why, 'at', tostring(now),
             'failures', redis.call('HGET', H, 'consecutive_failures') or '0')
  redis.call('PUBLISH', KEYS[7], provider)
  state = to
end

local function open(why, at_least)
  local opens = redis.call('HINCRBY', H, 'consecutive_opens', 1)
  local exponent = math.min(opens - 1, 30)
  local duration = math.min(timeout * (2 ^ exponent), max_timeout)
  if at_least > duration then duration = at_least end
  redis.call('HSET', H, 'open_until', tostring(now + duration), 'half_open_successes', 0)
  redis.call('DEL', P)
  transition('open', why)
  redis.call('HSET', H, 'consecutive_failures', 0)
end

local function to_half_open_if_due()
  if state == 'open' and now >= tonumber(redis.call('HGET', H, 'open_until') or '0') then
    redis.call('HSET', H, 'half_open_successes', 0)
    redis.call('DEL', P)
    transition('half_open', 'timeout_elapsed')
  end
end

local function result(a, b, c)
  return {a, state, before, reason, b or '', c or ''}
end

if op == 'sweep' then
  to_half_open_if_due()
  return result('0')
end

if op == 'acquire' then
  to_half_open_if_due()
  if state == 'open' then
    return result('0', tostring(tonumber(redis.call('HGET', H, 'open_until')) - now))
  end
  if state == 'half_open' then
    redis.call('ZREMRANGEBYSCORE', P, '-inf', now)
    if redis.call('ZCARD', P) >= max_calls then
      local soonest = redis.call('ZRANGE', P, 0, 0, 'WITHSCORES')
      return result('0', tostring(tonumber(soonest[2]) - now))
    end
    local permit = provider .. ':' .. redis.call('HINCRBY', H, 'seq', 1)
    redis.call('ZADD', P, now + permit_ttl, permit)
    return result('1', '0', permit)
  end
  return result('1', '0')
end

-- op == 'report'
local ok = ARGV[12] == '1'
local kind = ARGV[13]
local counts = ARGV[14] == '1'
local latency = tonumber(ARGV[15]) or 0
local permit = ARGV[16]
local retry_after = tonumber(ARGV[17]) or 0
-- A provider's Retry-After is untrusted: nan, negative -> 0; inf or a day -> max_timeout.
if retry_after ~= retry_after or retry_after < 0 then retry_after = 0 end
if retry_after > max_timeout then retry_after = max_timeout end

if kind == 'cancelled' then
  -- The caller gave up: its permit goes back, nothing else is learnt about the provider.
  if permit ~= '' then redis.call('ZREM', P, permit) end
  return result('0')
end
if latency > 0 then
  local ewma = tonumber(redis.call('HGET', H, 'latency_ewma_ms') or '')
  if ewma then ewma = 0.8 * ewma + 0.2 * latency else ewma = latency end
  redis.call('HSET', H, 'latency_ewma_ms', tostring(ewma))
end
if ok then
  redis.call('HSET', H, 'config_problem', 0)
else
  redis.call('HSET', H, 'last_error_kind', kind, 'last_error_at', tostring(now),
             'config_problem', kind == 'auth' and 1 or 0)
end
local has_permit = false
if permit ~= '' then
  has_permit = redis.call('ZREM', P, permit) == 1
end
if not ok and not counts then
  return result('0')  -- the request's own fault, or a configuration problem: no transition
end

if state == 'half_open' then
  if not has_permit then return result('0') end  -- only probes decide HALF_OPEN
  if ok then
    local successes = redis.call('HINCRBY', H, 'half_open_successes', 1)
    if successes >= success_threshold then
      redis.call('DEL', F, S, P)
      redis.call('HSET', H, 'consecutive_opens', 0, 'consecutive_failures', 0,
                 'half_open_successes', 0, 'open_until', 0)
      transition('closed', 'probes_succeeded')
    end
  else
    open('probe_failed', retry_after)
  end
  return result('0')
end
if state == 'open' then
  return result('0')  -- a call admitted before the breaker opened: it changes nothing
end

-- CLOSED: the rolling window and the two opening rules.
local seq = redis.call('HINCRBY', H, 'seq', 1)
redis.call('ZREMRANGEBYSCORE', F, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', S, '-inf', now - window)
if ok then
  redis.call('HSET', H, 'consecutive_failures', 0)
  redis.call('ZADD', S, now, seq)
  redis.call('PEXPIRE', S, math.ceil(window * 1000))
  return result('0')
end
local consecutive = redis.call('HINCRBY', H, 'consecutive_failures', 1)
redis.call('ZADD', F, now, seq)
redis.call('PEXPIRE', F, math.ceil(window * 1000))
if kind == 'rate_limited' and retry_after > 0 then
  open('rate_limited', retry_after)
elseif consecutive >= failure_threshold then
  open('consecutive_failures', 0)
else
  local failures = redis.call('ZCARD', F)
  local total = failures + redis.call('ZCARD', S)
  if failures >= failure_threshold and failures / total >= failure_rate then
    open('failure_rate', 0)
  end
end
return result('0')
