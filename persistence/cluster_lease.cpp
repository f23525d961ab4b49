#include "persistence/cluster_lease.h"

#include <algorithm>
#include <charconv>

namespace chuhe::persistence {
namespace {

// KEYS: lease, fence. ARGV: node, lease ms. Returns {1, token} or {0, current owner}.
constexpr const char* kAcquire =
    "local cur = redis.call('GET', KEYS[1]) "
    "if cur then return {0, cur} end "
    "local t = redis.call('INCR', KEYS[2]) "
    "redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t, 'PX', ARGV[2]) "
    "return {1, tostring(t)}";

// KEYS: lease, fence. ARGV: owner, token, lease ms. 1 renewed, 0 lost.
constexpr const char* kRenew =
    "local cur = redis.call('GET', KEYS[1]) "
    "if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1 end "
    "if not cur and redis.call('GET', KEYS[2]) == ARGV[2] then "
    "  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3]) return 1 end "
    "return 0";

// KEYS: lease. ARGV: owner. 1 released, 0 not held by this owner.
constexpr const char* kRelease =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end "
    "return 0";

// KEYS: live set. ARGV: lease key prefix and suffix around the id.
constexpr const char* kOrphans =
    "local out = {} "
    "for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do "
    "  if redis.call('EXISTS', ARGV[1] .. id .. ARGV[2]) == 0 then out[#out + 1] = id end "
    "end "
    "return out";

std::string ms_arg(std::chrono::milliseconds ms) { return std::to_string(std::max<long long>(1, ms.count())); }

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

LeaseStatus status_of(const RedisReply& reply) {
  if (!reply.is_integer()) return LeaseStatus::unavailable;
  return reply.integer == 1 ? LeaseStatus::ok : LeaseStatus::refused;
}

}  // namespace

std::optional<LeaseHolder> LeaseHolder::parse(const std::string& owner) {
  auto bar = owner.rfind('|');
  if (bar == std::string::npos || bar == 0) return std::nullopt;
  auto token = parse_u64(std::string_view(owner).substr(bar + 1));
  if (!token) return std::nullopt;
  return LeaseHolder{owner.substr(0, bar), *token};
}

GameLease::GameLease(RedisClient& client, ClusterKeys keys) : client_(client), keys_(std::move(keys)) {}

void GameLease::acquire(const std::string& game_id, const std::string& node_id, std::chrono::milliseconds lease,
                        std::function<void(LeaseGrant)> done) {
  client_.command({"EVAL", kAcquire, "2", keys_.lease(game_id), keys_.fence(game_id), node_id, ms_arg(lease)},
                  [done = std::move(done)](RedisReply reply) {
                    LeaseGrant grant;
                    if (reply.is_array() && reply.elements.size() == 2 && reply.elements[0].is_integer() &&
                        reply.elements[1].is_string()) {
                      if (reply.elements[0].integer == 1) {
                        if (auto token = parse_u64(reply.elements[1].text)) {
                          grant.status = LeaseStatus::ok;
                          grant.token = *token;
                        }
                      } else {
                        grant.status = LeaseStatus::refused;
                        grant.holder = reply.elements[1].text;
                      }
                    }
                    if (done) done(std::move(grant));
                  });
}

void GameLease::renew(const std::string& game_id, const LeaseHolder& holder, std::chrono::milliseconds lease,
                      std::function<void(LeaseStatus)> done) {
  client_.command({"EVAL", kRenew, "2", keys_.lease(game_id), keys_.fence(game_id), holder.owner(),
                   std::to_string(holder.token), ms_arg(lease)},
                  [done = std::move(done)](RedisReply reply) {
                    if (done) done(status_of(reply));
                  });
}

void GameLease::release(const std::string& game_id, const LeaseHolder& holder,
                        std::function<void(LeaseStatus)> done) {
  client_.command({"EVAL", kRelease, "1", keys_.lease(game_id), holder.owner()},
                  [done = std::move(done)](RedisReply reply) {
                    if (done) done(status_of(reply));
                  });
}

void GameLease::owner(const std::string& game_id, std::function<void(std::optional<LeaseHolder>)> done) {
  client_.command({"GET", keys_.lease(game_id)}, [done = std::move(done)](RedisReply reply) {
    std::optional<LeaseHolder> holder;
    if (reply.is_string()) holder = LeaseHolder::parse(reply.text);
    if (done) done(std::move(holder));
  });
}

void GameLease::orphans(std::function<void(std::vector<std::string>)> done) {
  client_.command({"EVAL", kOrphans, "1", keys_.live(), keys_.prefix + "lease:{", "}"},
                  [done = std::move(done)](RedisReply reply) {
                    std::vector<std::string> ids;
                    if (reply.is_array()) {
                      for (auto& e : reply.elements) {
                        if (e.is_string()) ids.push_back(std::move(e.text));
                      }
                    }
                    if (done) done(std::move(ids));
                  });
}

}  // namespace chuhe::persistence
