#pragma once
// GameLease: which node owns a game in play, when several chuhe-server nodes share one Redis (DESIGN.md,
// "Scale"). A node may run a game only while it holds the game's lease; the lease expires unless renewed,
// so a dead (or SIGSTOPped, or partitioned) node's games become orphans that a surviving node can take
// over. Every acquisition draws a new FENCING TOKEN from a per-game counter that only grows: a write to the
// game's journal (RedisJournal) carries the writer's node|token and Redis refuses it unless the lease holds
// exactly that, so a node that lost its lease cannot write after resuming, whatever it believes.
//
// Keys (ClusterKeys; the game id in braces is a Redis Cluster hash tag, so one game's keys share a slot):
//   <prefix>lease:{id}   "node|token", with a TTL of lease_ms (PX)
//   <prefix>fence:{id}   the fencing counter (INCR on every acquisition and when the game finishes)
//   <prefix>games:live   set of the ids of games in play: RedisJournal adds at start, removes at finish
// Node ids must not contain '|'. Every operation is one Lua script (atomic on the Redis server). The
// orphan scan touches keys it does not declare: fine on a single Redis primary (what we run), not on a
// Redis Cluster.
//
// Callbacks run on the RedisClient's thread (see redis_client.h): keep them short, post to your strand.
// The class holds no state of its own beyond its options: thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "persistence/redis_client.h"

namespace chuhe::persistence {

// Key names shared by GameLease and RedisJournal (they must agree).
struct ClusterKeys {
  std::string prefix = "chuhe:";

  std::string lease(const std::string& game_id) const { return prefix + "lease:{" + game_id + "}"; }
  std::string fence(const std::string& game_id) const { return prefix + "fence:{" + game_id + "}"; }
  std::string game(const std::string& game_id) const { return prefix + "game:{" + game_id + "}"; }
  std::string moves(const std::string& game_id) const { return prefix + "moves:{" + game_id + "}"; }
  std::string live() const { return prefix + "games:live"; }
  // A player's games, in play or ended, scored by start time (Unix ms): the history every node reads.
  std::string user_games(const std::string& user_id) const { return prefix + "user-games:{" + user_id + "}"; }
};

// Who writes for a game: the node and the fencing token its acquisition returned.
struct LeaseHolder {
  std::string node_id;
  std::uint64_t token = 0;

  // The lease key's value: "node|token".
  std::string owner() const { return node_id + "|" + std::to_string(token); }
  // Parses "node|token"; nullopt if malformed.
  static std::optional<LeaseHolder> parse(const std::string& owner);
  bool operator==(const LeaseHolder&) const = default;
};

enum class LeaseStatus {
  ok,           // granted / renewed / released
  refused,      // acquire: another owner holds it; renew/release: this holder does not (lease lost)
  unavailable,  // Redis could not be asked (or answered an error): the outcome is unknown
};

struct LeaseGrant {
  LeaseStatus status = LeaseStatus::unavailable;
  std::uint64_t token = 0;  // ok: the fencing token (greater than every earlier one for this game)
  std::string holder;       // refused: the current owner, "node|token"
  bool ok() const { return status == LeaseStatus::ok; }
};

class GameLease {
 public:
  explicit GameLease(RedisClient& client, ClusterKeys keys = {});

  // If nobody holds the game's lease (never held, released, or expired): INCR the fence counter, SET the
  // lease to "node|token" PX lease, done({ok, token}). Otherwise done({refused, 0, current owner}).
  void acquire(const std::string& game_id, const std::string& node_id, std::chrono::milliseconds lease,
               std::function<void(LeaseGrant)> done);

  // Extends the lease to `lease` from now, only if it holds exactly holder.owner(). Also revives a lease
  // that expired while nobody else took it (no lease key and the fence counter still equals the token —
  // any takeover or finish bumps the counter, so this cannot steal). Otherwise refused: the lease is lost
  // and the node must stop running the game at once. Renew well within the lease (e.g. every lease/3).
  void renew(const std::string& game_id, const LeaseHolder& holder, std::chrono::milliseconds lease,
             std::function<void(LeaseStatus)> done);

  // Deletes the lease if it holds exactly holder.owner() (ok), else refused. The fence counter stays.
  // (RedisJournal::finish releases the lease itself.)
  void release(const std::string& game_id, const LeaseHolder& holder, std::function<void(LeaseStatus)> done);

  // The current holder, nullopt if none (or Redis unavailable).
  void owner(const std::string& game_id, std::function<void(std::optional<LeaseHolder>)> done);

  // Games in play (in <prefix>games:live) whose lease key is gone: their node died or stalled past its
  // lease. A surviving node acquires each (one wins), then RedisJournal::load_game and resumes it.
  // Empty on error. One script over the whole set: O(live games).
  void orphans(std::function<void(std::vector<std::string>)> done);

  const ClusterKeys& keys() const { return keys_; }

 private:
  RedisClient& client_;
  const ClusterKeys keys_;
};

}  // namespace chuhe::persistence
