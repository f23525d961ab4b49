#include "rooms/lobby.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace chuhe::rooms {

int Lobby::window(Clock::duration waited) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(waited).count();
  // 150 points at once, +50 per 100 ms; unlimited from 0.8 s on, so a compatible pair always meets
  // within the protocol's one second.
  if (ms >= 800) return INT_MAX;
  return 150 + static_cast<int>(ms / 2);
}

bool Lobby::compatible(const Seek& a, const Seek& b, Clock::time_point now) const {
  if (a.tc != b.tc || a.rated != b.rated) return false;
  if (a.client->user().id == b.client->user().id) return false;
  int diff = std::abs(a.client->user().rating - b.client->user().rating);
  return diff <= window(now - a.since) && diff <= window(now - b.since);
}

std::optional<Pairing> Lobby::add(Seek seek, Clock::time_point now) {
  cancel(seek.client.get());
  // The closest rating among the compatible seeks; the longest waiting on a tie.
  int best_diff = INT_MAX;
  auto best = seeks_.end();
  for (auto it = seeks_.begin(); it != seeks_.end(); ++it) {
    if (!compatible(*it, seek, now)) continue;
    int diff = std::abs(it->client->user().rating - seek.client->user().rating);
    if (diff < best_diff) {
      best_diff = diff;
      best = it;
    }
  }
  if (best == seeks_.end()) {
    seeks_.push_back(std::move(seek));
    return std::nullopt;
  }
  Pairing pairing{std::move(*best), std::move(seek)};
  seeks_.erase(best);
  return pairing;
}

bool Lobby::cancel(const Client* client) {
  auto it = std::find_if(seeks_.begin(), seeks_.end(), [client](const Seek& s) { return s.client.get() == client; });
  if (it == seeks_.end()) return false;
  seeks_.erase(it);
  return true;
}

std::vector<Pairing> Lobby::tick(Clock::time_point now) {
  std::vector<Pairing> pairings;
  // Oldest first: the longest-waiting seek picks its closest compatible opponent.
  for (std::size_t i = 0; i < seeks_.size(); ++i) {
    int best_diff = INT_MAX;
    std::size_t best = seeks_.size();
    for (std::size_t j = i + 1; j < seeks_.size(); ++j) {
      if (!compatible(seeks_[i], seeks_[j], now)) continue;
      int diff = std::abs(seeks_[i].client->user().rating - seeks_[j].client->user().rating);
      if (diff < best_diff) {
        best_diff = diff;
        best = j;
      }
    }
    if (best == seeks_.size()) continue;
    pairings.push_back(Pairing{std::move(seeks_[i]), std::move(seeks_[best])});
    seeks_.erase(seeks_.begin() + static_cast<long>(best));
    seeks_.erase(seeks_.begin() + static_cast<long>(i));
    --i;
  }
  return pairings;
}

}  // namespace chuhe::rooms
