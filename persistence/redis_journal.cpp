#include "persistence/redis_journal.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace chuhe::persistence {
namespace {

// Every write script answers 1 (written), -1 (fenced: the lease is not the writer's) or -2 (refused:
// unknown / ended / existing game, ply gap or duplicate).

// KEYS: lease, game, moves, live, then each player's history (user_games; none for an AI seat).
// ARGV: owner, id, red, black, tc, rated, initial_fen, started_at_ms.
constexpr const char* kStart =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end "
    "if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return -2 end "
    "redis.call('HSET', KEYS[2], 'red', ARGV[3], 'black', ARGV[4], 'tc', ARGV[5], 'rated', ARGV[6], "
    "  'initial_fen', ARGV[7], 'started_at_ms', ARGV[8], 'status', 'playing') "
    "redis.call('SADD', KEYS[4], ARGV[2]) "
    "for i = 5, #KEYS do redis.call('ZADD', KEYS[i], ARGV[8], ARGV[2]) end "
    "return 1";

// KEYS: lease, game, moves. ARGV: owner, ply, iccs, clock_ms, at_ms.
constexpr const char* kAppend =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end "
    "if redis.call('HGET', KEYS[2], 'status') ~= 'playing' then return -2 end "
    "if redis.call('XLEN', KEYS[3]) ~= tonumber(ARGV[2]) then return -2 end "
    "redis.call('XADD', KEYS[3], '*', 'ply', ARGV[2], 'iccs', ARGV[3], 'clock_ms', ARGV[4], 'at_ms', ARGV[5]) "
    "return 1";

// KEYS: lease, game, moves, live, fence. ARGV: owner, id, result, reason, ended_at_ms, ttl ms (0: none).
constexpr const char* kFinish =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end "
    "if redis.call('HGET', KEYS[2], 'status') ~= 'playing' then return -2 end "
    "redis.call('HSET', KEYS[2], 'status', 'ended', 'result', ARGV[3], 'reason', ARGV[4], "
    "  'ended_at_ms', ARGV[5]) "
    "redis.call('SREM', KEYS[4], ARGV[2]) "
    "redis.call('DEL', KEYS[1]) "
    "redis.call('INCR', KEYS[5]) "
    "local ttl = tonumber(ARGV[6]) "
    "if ttl > 0 then "
    "  redis.call('PEXPIRE', KEYS[2], ttl) redis.call('PEXPIRE', KEYS[3], ttl) "
    "  redis.call('PEXPIRE', KEYS[5], ttl) "
    "end "
    "return 1";

// KEYS: game, moves. Read-only: the hash and the whole stream at one instant.
constexpr const char* kLoad =
    "return {redis.call('HGETALL', KEYS[1]), redis.call('XRANGE', KEYS[2], '-', '+')}";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t to_i64(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// The user id in a player's protocol JSON; empty for an AI seat (or anything unreadable).
std::string player_id(const std::string& player) {
  auto j = nlohmann::json::parse(player, nullptr, false);
  if (!j.is_object()) return {};
  auto id = j.find("id");
  return id != j.end() && id->is_string() ? id->get<std::string>() : std::string();
}

}  // namespace

void read_game_fields(const std::vector<RedisReply>& fields, JournaledGame& g) {
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& name = fields[i].text;
    const std::string& value = fields[i + 1].text;
    if (name == "red") g.game.red = value;
    else if (name == "black") g.game.black = value;
    else if (name == "tc") g.game.tc = value;
    else if (name == "rated") g.game.rated = value == "1";
    else if (name == "initial_fen") g.game.initial_fen = value;
    else if (name == "started_at_ms") g.game.started_at_ms = to_i64(value);
    else if (name == "status") g.status = value;
    else if (name == "result") g.result = value;
    else if (name == "reason") g.reason = value;
    else if (name == "ended_at_ms") g.ended_at_ms = to_i64(value);
  }
}

RedisJournal::RedisJournal(RedisClient& client, RedisJournalOptions options)
    : client_(client), options_(std::move(options)) {}

void RedisJournal::on_fenced(std::function<void(const std::string& game_id)> callback) {
  std::lock_guard lock(shared_->mutex);
  shared_->on_fenced = std::move(callback);
}

RedisJournalStats RedisJournal::stats() const {
  const auto& s = *shared_;
  return RedisJournalStats{s.durable.load(), s.fenced.load(), s.rejected.load(), s.unavailable.load()};
}

void RedisJournal::run(std::vector<std::string> args, std::string game_id, Done done) {
  client_.command(std::move(args), [shared = shared_, game_id = std::move(game_id),
                                    done = std::move(done)](RedisReply reply) {
    bool durable = false;
    if (!reply.is_integer()) {
      shared->unavailable.fetch_add(1, std::memory_order_relaxed);
    } else if (reply.integer == 1) {
      shared->durable.fetch_add(1, std::memory_order_relaxed);
      durable = true;
    } else if (reply.integer == -1) {
      shared->fenced.fetch_add(1, std::memory_order_relaxed);
      std::function<void(const std::string&)> fenced;
      {
        std::lock_guard lock(shared->mutex);
        fenced = shared->on_fenced;
      }
      if (fenced) fenced(game_id);
    } else {
      shared->rejected.fetch_add(1, std::memory_order_relaxed);
    }
    if (done) done(durable);
  });
}

void RedisJournal::start_game(const LeaseHolder& writer, JournalGame game, Done done) {
  const auto& k = options_.keys;
  std::int64_t started = game.started_at_ms != 0 ? game.started_at_ms : now_ms();
  std::vector<std::string> keys = {k.lease(game.id), k.game(game.id), k.moves(game.id), k.live()};
  const std::string red = player_id(game.red), black = player_id(game.black);
  if (!red.empty()) keys.push_back(k.user_games(red));
  if (!black.empty() && black != red) keys.push_back(k.user_games(black));
  std::vector<std::string> args = {"EVAL", kStart, std::to_string(keys.size())};
  for (auto& key : keys) args.push_back(std::move(key));
  args.insert(args.end(), {writer.owner(), game.id, std::move(game.red), std::move(game.black), std::move(game.tc),
                           game.rated ? "1" : "0", std::move(game.initial_fen), std::to_string(started)});
  run(std::move(args), std::move(game.id), std::move(done));
}

void RedisJournal::append(const LeaseHolder& writer, JournalMove move, Done done) {
  const auto& k = options_.keys;
  std::int64_t at = move.at_ms != 0 ? move.at_ms : now_ms();
  std::vector<std::string> args = {"EVAL", kAppend, "3", k.lease(move.game_id), k.game(move.game_id),
                                   k.moves(move.game_id), writer.owner(), std::to_string(move.ply),
                                   std::move(move.iccs), std::to_string(move.clock_ms), std::to_string(at)};
  run(std::move(args), std::move(move.game_id), std::move(done));
}

void RedisJournal::finish(const LeaseHolder& writer, std::string game_id, std::string result, std::string reason,
                          std::int64_t ended_at_ms, Done done) {
  const auto& k = options_.keys;
  std::int64_t ended = ended_at_ms != 0 ? ended_at_ms : now_ms();
  std::vector<std::string> args = {"EVAL", kFinish, "5", k.lease(game_id), k.game(game_id), k.moves(game_id),
                                   k.live(), k.fence(game_id), writer.owner(), game_id, std::move(result),
                                   std::move(reason), std::to_string(ended),
                                   std::to_string(std::max<long long>(0, options_.finished_ttl.count()))};
  run(std::move(args), std::move(game_id), std::move(done));
}

void RedisJournal::load_game(const std::string& id, std::function<void(std::optional<JournaledGame>)> done) {
  const auto& k = options_.keys;
  client_.command({"EVAL", kLoad, "2", k.game(id), k.moves(id)}, [id, done = std::move(done)](RedisReply reply) {
    std::optional<JournaledGame> result;
    if (reply.is_array() && reply.elements.size() == 2 && reply.elements[0].is_array() &&
        !reply.elements[0].elements.empty()) {
      JournaledGame g;
      g.game.id = id;
      read_game_fields(reply.elements[0].elements, g);
      bool ok = true;
      if (reply.elements[1].is_array()) {
        for (const auto& entry : reply.elements[1].elements) {
          // [id, [field, value, ...]]
          if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[1].is_array()) {
            ok = false;
            break;
          }
          JournalMove m;
          m.game_id = id;
          const auto& f = entry.elements[1].elements;
          for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
            if (f[i].text == "ply") m.ply = static_cast<int>(to_i64(f[i + 1].text));
            else if (f[i].text == "iccs") m.iccs = f[i + 1].text;
            else if (f[i].text == "clock_ms") m.clock_ms = to_i64(f[i + 1].text);
            else if (f[i].text == "at_ms") m.at_ms = to_i64(f[i + 1].text);
          }
          g.moves.push_back(std::move(m));
        }
      }
      if (ok) result = std::move(g);
    }
    if (done) done(std::move(result));
  });
}

}  // namespace chuhe::persistence
