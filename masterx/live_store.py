"""Decayed outcome sums per (provider, category) in Redis, shared by every router replica.

Per pair, the hash ``masterx:live:{provider}:{category}`` holds the sums of
:class:`masterx.live_quality.Tally` (``r`` rating weight, ``g`` rating score, ``c`` calls,
``b`` bad calls; ``gn``, ``gs``, ``gq`` the 1-5 ratings alone, for their worth) as of ``t``,
Redis's own clock, and its fall detector (:class:`masterx.live_quality.Fall`: ``s``
statistic, ``f`` time of the last fall, ``k`` falls in a row, ``h`` the level its evidence is
measured from, -1 for none); the set ``masterx:live:pairs`` names every pair
(``category/provider``).
Adding is one atomic Lua step that decays the sums to now (and by the ratings it adds, with a
rating half-life), adds, and steps the fall detector with the adding replica's learners' level
of the pair (what its ratings assure) and whether that level is firm (as
``services/health/breaker.lua`` is one step per transition), so replicas never lose each
other's outcomes. A pair with no outcome for ``KEEP_HALF_LIVES`` half-lives expires.

Read by the router (its snapshot) and by the benchmark service (the scores it shows).
"""

from __future__ import annotations

from collections.abc import Mapping

import redis.asyncio as aioredis

from masterx.domain import Category
from masterx.live_quality import Fall, LiveSettings, Tally

PAIRS_KEY = "masterx:live:pairs"
KEEP_HALF_LIVES = 20

_ADD = """
-- KEYS[1] the pair's hash, KEYS[2] the set of pairs
-- ARGV: member, half-life s, now ("" = Redis TIME), dr, dg, dc, db,
--       half-life in the pair's own ratings (0: time only),
--       the learners' level of the pair (0-1; -1: not known yet), fall points,
--       fall threshold (0: off), hold s, max hold s, ratings per unit of rating weight,
--       whether the level is firm enough to be held while evidence accrues (1 or 0),
--       dn, ds, dq (the 1-5 ratings alone: count, scores, squared scores)
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local half = tonumber(ARGV[2])
local half_ratings = tonumber(ARGV[8])
local KEEP = KEEP_HALF_LIVES
local fields = {'r', 'g', 'c', 'b', 'gn', 'gs', 'gq'}
local deltas = {ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[16], ARGV[17], ARGV[18]}
local old = redis.call('HMGET', KEYS[1], 't', unpack(fields))
local at = tonumber(old[1]) or now
local factor = 1
if now > at then factor = math.pow(0.5, (now - at) / half) end
if half_ratings > 0 then factor = factor * math.pow(0.5, tonumber(ARGV[4]) / half_ratings) end
local sums = {}
for i = 1, #fields do
  sums[i] = (tonumber(old[i + 1]) or 0) * factor + tonumber(deltas[i])
  redis.call('HSET', KEYS[1], fields[i], tostring(sums[i]))
end
if now > at then at = now end
redis.call('HSET', KEYS[1], 't', tostring(at))
-- the fall detector, as masterx/live_quality.py Fall.step
local threshold = tonumber(ARGV[11])
local st = redis.call('HMGET', KEYS[1], 's', 'f', 'k', 'h')
local s, f, k = tonumber(st[1]) or 0, tonumber(st[2]) or 0, tonumber(st[3]) or 0
local h = tonumber(st[4]) or -1
local held = false
if threshold <= 0 then
  s, f, k, h = 0, 0, 0, -1
  held = true
elseif k > 0 then
  local hold = math.min(tonumber(ARGV[13]), tonumber(ARGV[12]) * math.pow(2, k - 1))
  if now < f + hold then
    held = true
  else
    if s >= threshold then
      s = 0
      -- back in the band: the ratings re-centred on the mean before the fall (Tally.with_fall),
      -- the level plus its one "plus four" standard error back
      if h >= 0 then
        local r = sums[1]
        local n = math.floor(r * tonumber(ARGV[14]) + 0.5)
        local m = math.min(1, h + 0.5)
        if n > 0 then
          local a = (h * n + 2) / (n + 4)
          m = math.min(1, h + math.sqrt(a * (1 - a) / n))
        end
        redis.call('HSET', KEYS[1], 'g', tostring(r * m))
      end
    end
    if now >= f + 4 * hold then k = 0 end
  end
end
if not held then
  local per = tonumber(ARGV[14])
  local dr = tonumber(ARGV[4]) * per
  local level = tonumber(ARGV[9])
  if dr > 0 and level >= 0 then
    if s <= 0 or h < 0 or ARGV[15] ~= '1' then h = level end
    local before = math.min(0.98, math.max(0.02, h))
    local after = math.max(0.01, before - tonumber(ARGV[10]) / 100)
    local good = math.min(dr, math.max(0, tonumber(ARGV[5]) * per))
    local e = good * math.log(after / before) + (dr - good) * math.log((1 - after) / (1 - before))
    s = math.max(0, s + e)
  end
  if s >= threshold then
    f = now
    k = k + 1
  end
end
redis.call('HSET', KEYS[1], 's', tostring(s), 'f', tostring(f), 'k', tostring(k), 'h', tostring(h))
redis.call('PEXPIRE', KEYS[1], math.floor(half * 1000 * KEEP))
redis.call('SADD', KEYS[2], ARGV[1])
return tostring(at)
""".replace("KEEP_HALF_LIVES", str(KEEP_HALF_LIVES))

Pair = tuple[str, Category]
_READ = ("r", "g", "c", "b", "t", "s", "f", "k", "h", "gn", "gs", "gq")


def _known(level: float | None) -> float:
    return -1.0 if level is None else level


def pair_key(provider: str, category: Category) -> str:
    return f"masterx:live:{{{provider}}}:{category.value}"


def _member(provider: str, category: Category) -> str:
    return f"{category.value}/{provider}"


def _pair(member: str) -> Pair | None:
    category, _, provider = member.partition("/")
    try:
        return provider, Category(category)
    except ValueError:
        return None


class LiveStore:
    def __init__(self, client: aioredis.Redis, settings: LiveSettings) -> None:
        """``settings`` are the estimate's own (``masterx/live_quality.py``): its half-lives,
        fall detector and rating weight, so that the sums and the estimate never disagree."""
        self._redis = client
        self._half_life = settings.half_life_s
        self._half_life_ratings = settings.half_life_ratings
        self._fall = settings.fall
        self._ratings_per_weight = 1.0 / settings.rating_weight
        self._add = client.register_script(_ADD)

    async def add(
        self,
        deltas: Mapping[Pair, Tally],
        now: float | None = None,
        levels: Mapping[Pair, float | None] | None = None,
        firm: Mapping[Pair, bool] | None = None,
    ) -> None:
        """Decay each pair's sums to now and add its delta (``delta.at`` is ignored), and step
        its fall detector with ``levels[pair]`` (the learners' level, 0-1,
        ``FallSettings.level``; absent: not known yet) as the level before, held while
        evidence accrues where ``firm[pair]`` (``FallSettings.firm``; absent: not firm): one Lua
        step per pair, all in one round trip."""
        fall, levels, firm = self._fall, levels or {}, firm or {}
        if not deltas:
            return
        stamp = "" if now is None else repr(now)
        async with self._redis.pipeline(transaction=False) as pipe:
            for (provider, category), d in deltas.items():
                await self._add(
                    keys=[pair_key(provider, category), PAIRS_KEY],
                    args=[
                        _member(provider, category),
                        self._half_life,
                        stamp,
                        d.rating_weight,
                        d.rating_score,
                        d.calls,
                        d.bad_calls,
                        self._half_life_ratings,
                        _known(levels.get((provider, category))),
                        fall.points,
                        fall.threshold,
                        fall.hold_s,
                        fall.max_hold_s,
                        self._ratings_per_weight,
                        "1" if firm.get((provider, category), False) else "0",
                        d.graded,
                        d.graded_score,
                        d.graded_square,
                    ],
                    client=pipe,
                )
            await pipe.execute()

    async def read(self, now: float | None = None) -> dict[Pair, Tally]:
        """Every pair's sums decayed to now (Redis's clock unless given)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.time()
            pipe.smembers(PAIRS_KEY)
            seconds, members = await pipe.execute()
        clock = now if now is not None else float(seconds[0]) + float(seconds[1]) / 1e6
        pairs = [p for p in (_pair(str(m)) for m in members) if p is not None]
        if not pairs:
            return {}
        async with self._redis.pipeline(transaction=False) as pipe:
            for provider, category in pairs:
                pipe.hmget(pair_key(provider, category), [*_READ])
            rows = await pipe.execute()
        result: dict[Pair, Tally] = {}
        gone: list[str] = []
        for pair, row in zip(pairs, rows, strict=True):
            if row[4] is None:  # expired: forget the pair
                gone.append(_member(*pair))
                continue
            r, g, c, b, t, s, f, k = (float(v or 0) for v in row[:8])
            h = float(row[8]) if row[8] is not None else -1.0
            gn, gs, gq = (float(v or 0) for v in row[9:])
            fall = Fall(s, f, int(k), h if h >= 0 else None)
            tally = Tally(r, g, c, b, t, fall, gn, gs, gq)
            result[pair] = tally.decayed(clock, self._half_life)
        if gone:
            await self._redis.srem(PAIRS_KEY, *gone)
        return result

    async def claim(self, key: str, seconds: float) -> bool:
        """True for the one caller that claims ``key`` within ``seconds`` (SET NX PX): a
        rate limit every replica shares."""
        return bool(
            await self._redis.set(f"masterx:live:claim:{key}", "1", nx=True, px=int(seconds * 1000))
        )
