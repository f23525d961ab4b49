#include "persistence/redis_user_store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <utility>

#include "persistence/glicko2.h"

namespace chuhe::persistence {
namespace {

// KEYS: user hash, name index. ARGV: id, name, name_key, guest ("0"/"1"), password_hash, rating, rd,
// volatility, created_at, guest ttl (s). 1 created, 0 the name is taken, -1 the id exists already.
constexpr const char* kCreate =
    "if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end "
    "if ARGV[4] == '0' and not redis.call('SET', KEYS[2], ARGV[1], 'NX') then return 0 end "
    "redis.call('HSET', KEYS[1], 'name', ARGV[2], 'name_key', ARGV[3], 'guest', ARGV[4], "
    "  'password_hash', ARGV[5], 'rating', ARGV[6], 'rd', ARGV[7], 'volatility', ARGV[8], "
    "  'rated_games', '0', 'created_at', ARGV[9]) "
    "if ARGV[4] == '1' then redis.call('EXPIRE', KEYS[1], ARGV[10]) end "
    "return 1";

// KEYS: name index. ARGV: user key prefix. nil, or {id, HGETALL of the user}.
constexpr const char* kFindByName =
    "local id = redis.call('GET', KEYS[1]) "
    "if not id then return false end "
    "return {id, redis.call('HGETALL', ARGV[1] .. id)}";

// KEYS: red, black. {HGETALL red, HGETALL black}.
constexpr const char* kReadPair = "return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}";

// KEYS: red, black, leaderboard. ARGV: 1-4 red's rating, rd, volatility, rated_games as read; 5-8 black's;
// 9-11 red's new rating, rd, volatility; 12-14 black's; 15 red id; 16 black id. 1 written, 0 refused
// (either player changed since the read, or is gone).
constexpr const char* kRateCas =
    "local function same(k, r, d, v, g) "
    "  local c = redis.call('HMGET', k, 'rating', 'rd', 'volatility', 'rated_games', 'guest') "
    "  return c[1] == r and c[2] == d and c[3] == v and c[4] == g and c[5] == '0' "
    "end "
    "if not same(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end "
    "if not same(KEYS[2], ARGV[5], ARGV[6], ARGV[7], ARGV[8]) then return 0 end "
    "redis.call('HSET', KEYS[1], 'rating', ARGV[9], 'rd', ARGV[10], 'volatility', ARGV[11]) "
    "redis.call('HINCRBY', KEYS[1], 'rated_games', 1) "
    "redis.call('HSET', KEYS[2], 'rating', ARGV[12], 'rd', ARGV[13], 'volatility', ARGV[14]) "
    "redis.call('HINCRBY', KEYS[2], 'rated_games', 1) "
    "redis.call('ZADD', KEYS[3], ARGV[9], ARGV[15], ARGV[12], ARGV[16]) "
    "return 1";

// KEYS: leaderboard. ARGV: limit, user key prefix. {id1, HGETALL 1, id2, HGETALL 2, ...}, best first.
constexpr const char* kLeaderboard =
    "local out = {} "
    "for _, id in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)) do "
    "  out[#out + 1] = id "
    "  out[#out + 1] = redis.call('HGETALL', ARGV[2] .. id) "
    "end "
    "return out";

using Fields = std::map<std::string, std::string>;

std::string number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

double to_double(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

long long to_int(const std::string& text) { return std::strtoll(text.c_str(), nullptr, 10); }

// An HGETALL reply as a map; empty for a missing key (or anything unexpected).
Fields fields_of(const RedisReply& reply) {
  Fields fields;
  if (!reply.is_array()) return fields;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    if (reply.elements[i].is_string() && reply.elements[i + 1].is_string())
      fields[reply.elements[i].text] = reply.elements[i + 1].text;
  }
  return fields;
}

std::string field(const Fields& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

// The user in `f`, or not_found when the hash is missing or incomplete.
UserResult user_of(const std::string& id, const Fields& f) {
  UserResult result;
  result.status = UserStatus::not_found;
  if (f.count("name") == 0 || f.count("rating") == 0) return result;
  result.status = UserStatus::ok;
  User& u = result.user;
  u.id = id;
  u.name = field(f, "name");
  u.guest = field(f, "guest") == "1";
  u.password_hash = field(f, "password_hash");
  u.rating = Glicko2{to_double(field(f, "rating")), to_double(field(f, "rd")), to_double(field(f, "volatility"))};
  u.created_at = to_int(field(f, "created_at"));
  u.rated_games = static_cast<int>(to_int(field(f, "rated_games")));
  return result;
}

UserResult error_result() { return UserResult{}; }

using RateDone = std::shared_ptr<std::function<void(RatingUpdate)>>;

void rate_attempt(std::shared_ptr<const RedisUserStore::State> state, std::string red_id, std::string black_id,
                  double red_score, int attempts_left, RateDone done) {
  if (attempts_left <= 0) return (*done)(RatingUpdate{});
  RedisClient& client = state->client;
  std::string red_key = state->user_key(red_id), black_key = state->user_key(black_id);
  client.command(
      {"EVAL", kReadPair, "2", red_key, black_key},
      [state = std::move(state), red_id = std::move(red_id), black_id = std::move(black_id), red_score,
       attempts_left, done](RedisReply reply) mutable {
        RatingUpdate update;
        if (!reply.is_array() || reply.elements.size() != 2) return (*done)(update);  // error
        Fields red = fields_of(reply.elements[0]), black = fields_of(reply.elements[1]);
        auto red_user = user_of(red_id, red), black_user = user_of(black_id, black);
        if (red_user.status != UserStatus::ok || black_user.status != UserStatus::ok || red_user.user.guest ||
            black_user.user.guest || red_id == black_id) {
          update.status = UserStatus::not_found;
          return (*done)(update);
        }
        auto to_rating = [](const Glicko2& g) { return glicko2::Rating{g.rating, g.rd, g.volatility}; };
        auto from_rating = [](const glicko2::Rating& r) { return Glicko2{r.rating, r.deviation, r.volatility}; };
        auto [red_after, black_after] =
            glicko2::rate_game(to_rating(red_user.user.rating), to_rating(black_user.user.rating), red_score);
        update.red_before = red_user.user.rating;
        update.black_before = black_user.user.rating;
        update.red_after = from_rating(red_after);
        update.black_after = from_rating(black_after);
        std::vector<std::string> args{"EVAL",
                                      kRateCas,
                                      "3",
                                      state->user_key(red_id),
                                      state->user_key(black_id),
                                      state->leaderboard_key(),
                                      field(red, "rating"),
                                      field(red, "rd"),
                                      field(red, "volatility"),
                                      field(red, "rated_games"),
                                      field(black, "rating"),
                                      field(black, "rd"),
                                      field(black, "volatility"),
                                      field(black, "rated_games"),
                                      number(update.red_after.rating),
                                      number(update.red_after.rd),
                                      number(update.red_after.volatility),
                                      number(update.black_after.rating),
                                      number(update.black_after.rd),
                                      number(update.black_after.volatility),
                                      red_id,
                                      black_id};
        RedisClient& client = state->client;
        client.command(std::move(args), [state, red_id, black_id, red_score, attempts_left, done,
                                         update](RedisReply written) mutable {
          if (!written.is_integer()) return (*done)(RatingUpdate{});
          if (written.integer == 1) {
            update.status = UserStatus::ok;
            return (*done)(update);
          }
          // Either rating changed since our read (another game of one of them was rated meanwhile, on
          // any node): rate again from the new values.
          rate_attempt(std::move(state), std::move(red_id), std::move(black_id), red_score, attempts_left - 1,
                       std::move(done));
        });
      });
}

}  // namespace

RedisUserStore::RedisUserStore(RedisClient& client, RedisUserStoreOptions options)
    : state_(std::make_shared<State>(State{client, std::move(options)})) {}

void RedisUserStore::create_user(NewUser user, Done done) {
  if (user.guest != user.password_hash.empty()) return done(error_result());  // a caller bug: refuse, say error
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const Glicko2 start;
  const std::string key = name_key(user.name);
  std::vector<std::string> args{"EVAL",
                                kCreate,
                                "2",
                                state_->user_key(user.id),
                                state_->name_key_key(key),
                                user.id,
                                user.name,
                                key,
                                user.guest ? "1" : "0",
                                user.password_hash,
                                number(start.rating),
                                number(start.rd),
                                number(start.volatility),
                                std::to_string(now),
                                std::to_string(std::max<long long>(1, state_->options.guest_ttl.count()))};
  state_->client.command(std::move(args), [user = std::move(user), now, done = std::move(done)](RedisReply reply) {
    UserResult result;
    if (reply.is_integer() && reply.integer == 1) {
      result.status = UserStatus::ok;
      result.user = User{user.id, user.name, user.guest, user.password_hash, Glicko2{}, now};
    } else if (reply.is_integer() && reply.integer == 0) {
      result.status = UserStatus::name_taken;
    }
    done(std::move(result));
  });
}

void RedisUserStore::find_by_name(std::string name, Done done) {
  state_->client.command({"EVAL", kFindByName, "1", state_->name_key_key(name_key(name)), state_->options.prefix + "user:"},
                         [done = std::move(done)](RedisReply reply) {
                           UserResult result;
                           if (reply.is_nil()) {
                             result.status = UserStatus::not_found;
                           } else if (reply.is_array() && reply.elements.size() == 2 &&
                                      reply.elements[0].is_string()) {
                             result = user_of(reply.elements[0].text, fields_of(reply.elements[1]));
                             if (result.status == UserStatus::ok && result.user.guest) result = UserResult{UserStatus::not_found, {}};
                           }
                           done(std::move(result));
                         });
}

void RedisUserStore::find_by_id(std::string id, Done done) {
  std::string key = state_->user_key(id);
  state_->client.command({"HGETALL", std::move(key)}, [id = std::move(id), done = std::move(done)](RedisReply reply) {
    if (!reply.is_array()) return done(error_result());
    done(user_of(id, fields_of(reply)));
  });
}

void RedisUserStore::rate_game(std::string red_id, std::string black_id, double red_score,
                               std::function<void(RatingUpdate)> done) {
  rate_attempt(state_, std::move(red_id), std::move(black_id), red_score, std::max(1, state_->options.rate_attempts),
               std::make_shared<std::function<void(RatingUpdate)>>(std::move(done)));
}

void RedisUserStore::prune_guests(std::int64_t, std::function<void(long long)> done) { done(0); }

void RedisUserStore::leaderboard(int limit, std::function<void(LeaderboardResult)> done) {
  if (limit <= 0) return done(LeaderboardResult{UserStatus::ok, {}});
  state_->client.command(
      {"EVAL", kLeaderboard, "1", state_->leaderboard_key(), std::to_string(limit), state_->options.prefix + "user:"},
      [done = std::move(done)](RedisReply reply) {
        LeaderboardResult result;
        if (!reply.is_array()) return done(std::move(result));
        result.status = UserStatus::ok;
        for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
          if (!reply.elements[i].is_string()) continue;
          auto u = user_of(reply.elements[i].text, fields_of(reply.elements[i + 1]));
          if (u.status != UserStatus::ok || u.user.guest || u.user.rated_games <= 0) continue;
          u.user.password_hash.clear();
          result.users.push_back(std::move(u.user));
        }
        // The sorted set breaks ties by id; the archive's order breaks them by name, as SQLite does.
        std::stable_sort(result.users.begin(), result.users.end(), [](const User& a, const User& b) {
          if (a.rating.rating != b.rating.rating) return a.rating.rating > b.rating.rating;
          return name_key(a.name) < name_key(b.name);
        });
        done(std::move(result));
      });
}

}  // namespace chuhe::persistence
