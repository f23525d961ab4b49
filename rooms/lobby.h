#pragma once
// Seeks waiting for an opponent, and the matchmaking that pairs them: same time control and
// rated-ness, different users, closest rating within a window that widens while a seek waits.
// Not thread-safe: the Hub calls it under its own lock.
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "rooms/client.h"
#include "rooms/time_control.h"

namespace chuhe::rooms {

struct Seek {
  std::shared_ptr<Client> client;
  TimeControl tc;
  bool rated = false;
  std::chrono::steady_clock::time_point since;
};

struct Pairing {
  Seek first;   // the seek that waited longer
  Seek second;
};

class Lobby {
 public:
  using Clock = std::chrono::steady_clock;

  // Rating difference two seeks accept after waiting `waited`: narrow at first, then wide enough
  // that any two compatible seeks are paired within a second.
  static int window(Clock::duration waited);

  // Adds the client's seek (replacing an earlier one of the same connection) and pairs it at once
  // if a compatible seek is within both windows.
  std::optional<Pairing> add(Seek seek, Clock::time_point now);
  // Withdraws the connection's seek; false if it had none.
  bool cancel(const Client* client);
  // Pairs what the widened windows allow now; called a few times a second.
  std::vector<Pairing> tick(Clock::time_point now);

  std::size_t size() const { return seeks_.size(); }

 private:
  bool compatible(const Seek& a, const Seek& b, Clock::time_point now) const;

  std::vector<Seek> seeks_;  // oldest first
};

}  // namespace chuhe::rooms
