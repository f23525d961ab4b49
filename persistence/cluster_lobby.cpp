#include "persistence/cluster_lobby.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace chuhe::persistence {
namespace {

// Shared by the scripts: the window rule and a seek hash read into a table (every value a string).
const std::string kPrelude = R"lua(
local function win(age, base, per, unl)
  if unl > 0 and age >= unl then return math.huge end
  if age < 0 then age = 0 end
  return base + math.floor(age * per / 1000)
end
local function load(key)
  local h = redis.call('HGETALL', key)
  if #h == 0 then return nil end
  local t = {}
  for i = 1, #h, 2 do t[h[i]] = h[i + 1] end
  t.pool = nil
  return t
end
local function pair(a, b)
  if tonumber(b.created_ms) < tonumber(a.created_ms) then a, b = b, a end
  return cjson.encode({first = a, second = b})
end
)lua";

// KEYS: pool, pools set, new seek hash.
// ARGV: 1 id, 2 user, 3 node, 4 tc, 5 rated, 6 rating, 7 created_ms, 8 payload, 9 now, 10 base,
//       11 per_second, 12 unlimited_after, 13 scan_limit, 14 seek hash prefix, 15 channel.
// Returns {1, pairing json}, {0} stored, {-1} duplicate id.
const std::string kAdd = kPrelude + R"lua(
if redis.call('EXISTS', KEYS[3]) == 1 then return {-1} end
local rating = tonumber(ARGV[6])
local now = tonumber(ARGV[9])
local base, per, unl = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
local limit = tonumber(ARGV[13])
local wmine = win(now - tonumber(ARGV[7]), base, per, unl)
local best, bestdiff, bestcreated = nil, nil, nil
local function consider(list)
  for i = 1, #list, 2 do
    local id = list[i]
    local diff = math.abs(tonumber(list[i + 1]) - rating)
    if diff > wmine or (bestdiff and diff > bestdiff) then break end
    local f = redis.call('HMGET', ARGV[14] .. id, 'user', 'created_ms')
    if not f[1] then
      redis.call('ZREM', KEYS[1], id)
    elseif f[1] ~= ARGV[2] then
      local c = tonumber(f[2])
      if diff <= win(now - c, base, per, unl) then
        if best == nil or diff < bestdiff or (diff == bestdiff and c < bestcreated) then
          best, bestdiff, bestcreated = id, diff, c
        end
      end
    end
  end
end
consider(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[6], '+inf', 'WITHSCORES', 'LIMIT', 0, limit))
consider(redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. ARGV[6], '-inf', 'WITHSCORES', 'LIMIT', 0, limit))
local mine = {id = ARGV[1], user = ARGV[2], node = ARGV[3], tc = ARGV[4], rated = ARGV[5],
              rating = ARGV[6], created_ms = ARGV[7], payload = ARGV[8]}
if best then
  local other = load(ARGV[14] .. best)
  redis.call('ZREM', KEYS[1], best)
  redis.call('DEL', ARGV[14] .. best)
  local msg = pair(other, mine)
  redis.call('PUBLISH', ARGV[15], msg)
  return {1, msg}
end
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'user', ARGV[2], 'node', ARGV[3], 'tc', ARGV[4], 'rated', ARGV[5],
           'rating', ARGV[6], 'created_ms', ARGV[7], 'payload', ARGV[8], 'pool', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[6], ARGV[1])
redis.call('SADD', KEYS[2], KEYS[1])
return {0}
)lua";

// KEYS: seek hash. ARGV: seek id. 1 removed, 0 not waiting.
const std::string kCancel = R"lua(
local pool = redis.call('HGET', KEYS[1], 'pool')
if not pool then return 0 end
redis.call('ZREM', pool, ARGV[1])
redis.call('DEL', KEYS[1])
return 1
)lua";

// KEYS: pools set. ARGV: 1 now, 2 base, 3 per_second, 4 unlimited_after, 5 tick_limit, 6 seek hash prefix,
// 7 channel. Returns the pairings' JSON.
const std::string kTick = kPrelude + R"lua(
local now = tonumber(ARGV[1])
local base, per, unl = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local out = {}
for _, pool in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local z = redis.call('ZRANGE', pool, 0, limit - 1, 'WITHSCORES')
  local s = {}
  for i = 1, #z, 2 do
    local f = redis.call('HMGET', ARGV[6] .. z[i], 'user', 'created_ms')
    if f[1] then
      s[#s + 1] = {id = z[i], rating = tonumber(z[i + 1]), user = f[1], created = tonumber(f[2])}
    else
      redis.call('ZREM', pool, z[i])
    end
  end
  local order = {}
  for i = 1, #s do order[i] = i end
  table.sort(order, function(a, b)
    if s[a].created ~= s[b].created then return s[a].created < s[b].created end
    return a < b
  end)
  local taken = {}
  for _, i in ipairs(order) do
    if not taken[i] then
      local wi = win(now - s[i].created, base, per, unl)
      local best, bd, bc = nil, nil, nil
      for _, dir in ipairs({-1, 1}) do
        local j = i + dir
        while j >= 1 and j <= #s do
          local d = math.abs(s[j].rating - s[i].rating)
          if d > wi or (bd and d > bd) then break end
          if not taken[j] and s[j].user ~= s[i].user and d <= win(now - s[j].created, base, per, unl) then
            if best == nil or d < bd or (d == bd and s[j].created < bc) then best, bd, bc = j, d, s[j].created end
          end
          j = j + dir
        end
      end
      if best then
        taken[i] = true
        taken[best] = true
        local a, b = load(ARGV[6] .. s[i].id), load(ARGV[6] .. s[best].id)
        redis.call('ZREM', pool, s[i].id, s[best].id)
        redis.call('DEL', ARGV[6] .. s[i].id, ARGV[6] .. s[best].id)
        local msg = pair(a, b)
        redis.call('PUBLISH', ARGV[7], msg)
        out[#out + 1] = msg
      end
    end
  end
  if redis.call('ZCARD', pool) == 0 then redis.call('SREM', KEYS[1], pool) end
end
return out
)lua";

template <class T>
bool parse_int(const std::string& text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::optional<ClusterSeek> seek_from(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  auto str = [&](const char* name) -> std::optional<std::string> {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto id = str("id"), user = str("user"), node = str("node"), tc = str("tc"), rated = str("rated"),
       rating = str("rating"), created = str("created_ms");
  if (!id || !user || !node || !tc || !rated || !rating || !created) return std::nullopt;
  ClusterSeek s;
  s.id = *id;
  s.user_id = *user;
  s.node_id = *node;
  s.tc = *tc;
  s.rated = *rated == "1";
  if (!parse_int(*rating, s.rating) || !parse_int(*created, s.created_ms)) return std::nullopt;
  s.payload = str("payload").value_or("");
  return s;
}

}  // namespace

ClusterLobby::ClusterLobby(RedisClient& client, ClusterLobbyOptions options)
    : client_(client), options_(std::move(options)) {}

std::optional<ClusterPairing> ClusterLobby::parse_pairing(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("first") || !j.contains("second")) return std::nullopt;
  auto first = seek_from(j["first"]);
  auto second = seek_from(j["second"]);
  if (!first || !second) return std::nullopt;
  return ClusterPairing{std::move(*first), std::move(*second)};
}

void ClusterLobby::add_seek(ClusterSeek seek, std::int64_t now_ms, std::function<void(AddSeekResult)> done) {
  const auto& p = options_.prefix;
  if (seek.created_ms == 0) seek.created_ms = now_ms;
  std::string pool = p + "seeks:" + seek.tc + ":" + (seek.rated ? "r" : "c");
  const auto& w = options_.window;
  client_.command({"EVAL", kAdd, "3", pool, p + "seeks:pools", p + "seek:" + seek.id, seek.id, seek.user_id,
                   seek.node_id, seek.tc, seek.rated ? "1" : "0", std::to_string(seek.rating),
                   std::to_string(seek.created_ms), seek.payload, std::to_string(now_ms), std::to_string(w.base),
                   std::to_string(w.per_second), std::to_string(w.unlimited_after_ms),
                   std::to_string(options_.scan_limit), p + "seek:", options_.pairing_channel},
                  [done = std::move(done)](RedisReply reply) {
                    AddSeekResult result;
                    if (reply.is_array() && !reply.elements.empty() && reply.elements[0].is_integer()) {
                      auto code = reply.elements[0].integer;
                      if (code == 0) {
                        result.status = SeekStatus::waiting;
                      } else if (code == -1) {
                        result.status = SeekStatus::duplicate;
                      } else if (code == 1 && reply.elements.size() == 2) {
                        result.pairing = parse_pairing(reply.elements[1].text);
                        if (result.pairing) result.status = SeekStatus::paired;
                      }
                    }
                    if (done) done(std::move(result));
                  });
}

void ClusterLobby::cancel_seek(const std::string& seek_id, std::function<void(bool)> done) {
  client_.command({"EVAL", kCancel, "1", options_.prefix + "seek:" + seek_id, seek_id},
                  [done = std::move(done)](RedisReply reply) {
                    if (done) done(reply.is_integer() && reply.integer == 1);
                  });
}

void ClusterLobby::tick(std::int64_t now_ms, std::function<void(std::vector<ClusterPairing>)> done) {
  const auto& p = options_.prefix;
  const auto& w = options_.window;
  client_.command({"EVAL", kTick, "1", p + "seeks:pools", std::to_string(now_ms), std::to_string(w.base),
                   std::to_string(w.per_second), std::to_string(w.unlimited_after_ms),
                   std::to_string(options_.tick_limit), p + "seek:", options_.pairing_channel},
                  [done = std::move(done)](RedisReply reply) {
                    std::vector<ClusterPairing> pairings;
                    if (reply.is_array()) {
                      for (const auto& e : reply.elements) {
                        if (auto pairing = parse_pairing(e.text)) pairings.push_back(std::move(*pairing));
                      }
                    }
                    if (done) done(std::move(pairings));
                  });
}

void ClusterLobby::on_paired(RedisSubscriber& subscriber, std::function<void(const ClusterPairing&)> callback) {
  subscriber.subscribe(options_.pairing_channel,
                       [callback = std::move(callback)](const std::string&, const std::string& message) {
                         if (auto pairing = parse_pairing(message)) callback(*pairing);
                       });
}

}  // namespace chuhe::persistence
