#pragma once
// A connected client as the rooms see it. net/ implements it over a WebSocket; tests implement it
// with a recorder. Messages are shared, already-serialized buffers: one per broadcast, whatever the
// number of recipients.
#include <memory>
#include <string>
#include <string_view>

namespace chuhe::rooms {

struct User {
  std::string id;
  std::string name;
  bool guest = true;
  int rating = 1500;
};

using Message = std::shared_ptr<const std::string>;

inline Message make_message(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

// Who a message is for decides how much of it a slow reader may have queued: a spectator that falls
// behind is dropped early; a player gets a larger allowance before being disconnected.
enum class Audience { player, spectator };

class Client;

// Cluster mode: one channel per game through which every node that has spectators of the game gets each
// spectator broadcast once, and hands it to its own spectators (one serialized buffer per node, as on a
// single node). A room publishes a broadcast once per channel instead of once per such spectator.
class WatcherChannel {
 public:
  virtual ~WatcherChannel() = default;
  // `except`: a spectator of this channel that was sent its own copy (the requester's, with its id).
  virtual void publish(const std::string& game, const Message& message, const Client* except) = 0;
};

class Client {
 public:
  virtual ~Client() = default;

  // Queues `message`; never blocks; safe from any thread. A client whose queue is over its cap is
  // closed instead (and the message dropped).
  virtual void send(Message message, Audience audience = Audience::player) = 0;
  // Closes the connection with a WebSocket close code (4xxx are ours) after queued messages.
  virtual void close(int code, std::string_view reason) = 0;

  // Cluster mode: a spectator on another node, reached through the game's channel (see WatcherChannel),
  // returns that channel; the room then sends it spectator broadcasts there, not one by one.
  virtual std::shared_ptr<WatcherChannel> watcher_channel() const { return nullptr; }
  // The room tells a channel spectator when it starts watching `game` (just before the game's state is
  // sent to it) and when it stops being a spectator while still connected (unwatch, or it turned out to
  // be a player): its node fans the channel's broadcasts out to it in between.
  virtual void watching(const std::string& game, bool on) { (void)game, (void)on; }

  virtual const User& user() const = 0;
  // Which login session (JWT id) this connection belongs to: logout closes all of them.
  virtual const std::string& session_id() const = 0;
};

// Close codes of our own (the 4000–4999 range RFC 6455 leaves to applications).
inline constexpr int kCloseRevoked = 4001;     // the session was logged out or revoked
inline constexpr int kCloseSlow = 4002;        // the send queue overflowed: the client stopped reading
inline constexpr int kCloseFlood = 4003;       // far past the rate limit
inline constexpr int kCloseDraining = 4004;    // the server is shutting down; reconnect elsewhere/later

}  // namespace chuhe::rooms
