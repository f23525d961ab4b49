#pragma once
// Cluster mode: spectators of a game owned by another node get its broadcasts through the game's channel
// `chuhe:game:<id>`. The owner publishes each spectator broadcast there once, however many nodes and
// spectators there are; every node with spectators of the game subscribes once and hands each message to
// its own spectators (one buffer for all of them, as on a single node). Unicast answers (a watch's
// state, errors, the requester's copy of its own chat line) still go to the connection's node inbox.
//
// Payload: the spectator that already got its own copy as "<node>|<conn>" (or nothing), a newline, then
// the protocol message verbatim (no re-encoding on either side).
//
// Order. The owner publishes on one Redis connection, and each node reads every channel and its inbox on
// one subscriber connection, so a spectator sees the owner's messages in the order they were sent. Two
// rules make a new spectator miss nothing and get nothing twice:
// - A watch is forwarded to the owner only once Redis has confirmed this node's subscription to the
//   game's channel; the requests of that connection sent after it wait behind it (they keep their order).
// - The owner says "watching on" (inbox) just before the game's state, and "off" on unwatch: this node
//   fans out to a connection only in between, so nothing published before the state reaches it.
// A node unsubscribes when its last spectator of the game unwatches or disconnects.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"
#include "rooms/client.h"

namespace chuhe::server {

class GameChannels : public rooms::WatcherChannel, public std::enable_shared_from_this<GameChannels> {
 public:
  // One request of a local connection on its way to the game's owner (the owner lookup and PUBLISH).
  using Forward = std::function<void()>;

  // `redis` and `subscriber` must outlive the channels. `max_watched`: games one connection may watch.
  GameChannels(persistence::RedisClient& redis, persistence::RedisSubscriber& subscriber, std::size_t max_watched);
  void set_node_id(std::string node_id);  // before anything else

  static std::string channel(const std::string& game) { return "chuhe:game:" + game; }

  // ---- On the owner: rooms::WatcherChannel ----
  void publish(const std::string& game, const rooms::Message& message, const rooms::Client* except) override;

  // ---- On a spectator's node; `conn` is the node's id of a local connection ----
  // Runs `forward` now, or after the requests of `conn` that still wait for a channel.
  void forward(std::uint64_t conn, Forward forward);
  // A watch of `game`: subscribes to its channel if this node is not yet, and runs `forward` once that is
  // confirmed (in order, as above). false: `conn` watches too many games already (nothing done).
  bool watch(std::uint64_t conn, const std::shared_ptr<rooms::Client>& client, const std::string& game,
             Forward forward);
  // `conn` unwatches `game` (or the owner turned out not to exist): its broadcasts stop at once.
  void unwatch(std::uint64_t conn, const std::string& game);
  // The owner's word: `conn` is now a spectator of `game` (on), or no longer is (off).
  void watching(std::uint64_t conn, const std::string& game, bool on);
  // The connection is gone.
  void gone(std::uint64_t conn);

  // Games this node is subscribed to (or subscribing to) for its spectators.
  std::size_t games() const;

  // After a takeover of `game`: its spectators here, still connected. take_watchers also forgets them
  // (and unsubscribes): the game is now this node's, which serves its spectators itself.
  std::vector<std::shared_ptr<rooms::Client>> watchers_of(const std::string& game) const;
  std::vector<std::shared_ptr<rooms::Client>> take_watchers(const std::string& game);

 private:
  struct Held {
    std::string watch;  // a watch waiting for this game's channel; empty for any other request
    Forward forward;
  };
  struct Conn {
    std::deque<Held> held;  // requests not yet forwarded, in order
    bool running = false;   // a drain() is forwarding this connection's requests now
    std::unordered_set<std::string> games;
  };
  struct Watcher {
    std::weak_ptr<rooms::Client> client;
    bool live = false;  // between the owner's "watching on" and "off"
  };
  struct Game {
    std::unordered_map<std::uint64_t, Watcher> watchers;
    std::uint64_t generation = 0;  // which subscription this is (a game may be dropped and taken again)
    bool confirmed = false;
    std::vector<std::uint64_t> waiting;  // connections whose next request is a watch of this game
  };

  void drain(std::uint64_t conn);
  void on_confirmed(const std::string& game, std::uint64_t generation);
  void on_message(const std::string& game, const std::string& payload);
  // Under mutex_: removes `conn` from `game`; true if the game has no watcher left (then unsubscribe).
  bool remove(const std::string& game, std::uint64_t conn);

  persistence::RedisClient& redis_;
  persistence::RedisSubscriber& subscriber_;
  const std::size_t max_watched_;
  std::string node_id_;

  mutable std::mutex mutex_;  // guards what follows; never held while forwarding, sending or subscribing
  std::unordered_map<std::uint64_t, Conn> conns_;
  std::unordered_map<std::string, Game> games_;
  std::uint64_t generation_ = 0;
};

}  // namespace chuhe::server
