#pragma once
// ClusterLobby: the seeks of every node in one Redis, paired atomically (DESIGN.md, "Scale"). The rules
// are those of rooms::Lobby: same time control and rated-ness, different users, the closest rating within
// a window that widens while a seek waits (both seeks' windows must allow the difference; on a tie the
// longer-waiting seek wins).
//
// Every operation is ONE Lua script, so two nodes adding seeks at the same moment are serialised by Redis:
// a seek is paired at most once, and a paired seek is removed in the same step.
//
// Keys:
//   <prefix>seeks:<tc>:<r|c>   sorted set per pool (time control + rated): member seek id, score rating
//   <prefix>seek:<id>          hash: user, node, tc, rated, rating, created_ms, payload
//   <prefix>seeks:pools        set of the pool keys in use (for tick)
// Every pairing is also PUBLISHed (JSON, see ClusterPairing) on `pairing_channel`, so the node holding
// the other seeker's connection learns its seek was taken (on_paired). The scripts touch keys they do not
// declare: fine on one Redis primary, not on a Redis Cluster.
//
// Times are Unix ms given by the caller (now_ms), so nodes must have roughly synchronised clocks (NTP);
// a skew of s ms only shifts a window by s ms of widening.
// Callbacks run on the RedisClient's (on_paired: the RedisSubscriber's) thread. Thread-safe.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"

namespace chuhe::persistence {

struct ClusterSeek {
  std::string id;         // unique across nodes (e.g. node id + counter, or a UUID)
  std::string user_id;
  std::string node_id;    // the node holding the seeker's connection
  std::string tc;         // time control, e.g. "5+3"
  bool rated = false;
  int rating = 1500;
  std::int64_t created_ms = 0;  // when it began waiting (Unix ms); 0: the now_ms of add_seek
  std::string payload;    // opaque to the lobby (e.g. the player as protocol JSON; valid UTF-8), handed back when paired
};

struct ClusterPairing {
  ClusterSeek first;   // the seek that waited longer
  ClusterSeek second;
};

// window(age) = base + age_ms * per_second / 1000 points, unlimited once age >= unlimited_after_ms
// (0: never unlimited). The default is rooms::Lobby::window: 150 at once, +50 per 100 ms, unlimited at 0.8 s.
struct SeekWindow {
  int base = 150;
  int per_second = 500;
  std::int64_t unlimited_after_ms = 800;
};

struct ClusterLobbyOptions {
  std::string prefix = "chuhe:";
  std::string pairing_channel = "chuhe:pairings";
  SeekWindow window;
  int scan_limit = 256;    // add_seek: candidates looked at on each side of the rating
  int tick_limit = 1000;   // tick: seeks looked at per pool (lowest ratings first)
};

enum class SeekStatus {
  paired,       // paired at once: `pairing` holds both seeks (second is the one just added)
  waiting,      // stored; a later add_seek (of any node) or tick pairs it
  duplicate,    // a seek with this id is already waiting: nothing done
  unavailable,  // Redis could not be asked (or answered an error): outcome unknown
};

struct AddSeekResult {
  SeekStatus status = SeekStatus::unavailable;
  std::optional<ClusterPairing> pairing;
};

class ClusterLobby {
 public:
  explicit ClusterLobby(RedisClient& client, ClusterLobbyOptions options = {});

  // Pairs `seek` with the best compatible waiting seek and removes that one, or stores `seek`: atomically.
  void add_seek(ClusterSeek seek, std::int64_t now_ms, std::function<void(AddSeekResult)> done);
  // Withdraws a waiting seek: done(true) if it was waiting, false if not (already paired, unknown) or on
  // error.
  void cancel_seek(const std::string& seek_id, std::function<void(bool)> done);
  // Pairs the waiting seeks whose windows have widened enough by now_ms, every pool, oldest seeks first.
  // Call it a few times a second from one node or several (each call is atomic; concurrent calls are
  // harmless). Empty on error.
  void tick(std::int64_t now_ms, std::function<void(std::vector<ClusterPairing>)> done);

  // `callback` runs on the subscriber thread for every pairing made by any node (add_seek or tick),
  // including this node's own. Pairings made while the subscriber was disconnected are not delivered.
  void on_paired(RedisSubscriber& subscriber, std::function<void(const ClusterPairing&)> callback);

  // Parses a pairing as the scripts encode it (JSON); nullopt if malformed.
  static std::optional<ClusterPairing> parse_pairing(const std::string& json);

  const ClusterLobbyOptions& options() const { return options_; }

 private:
  RedisClient& client_;
  const ClusterLobbyOptions options_;
};

}  // namespace chuhe::persistence
