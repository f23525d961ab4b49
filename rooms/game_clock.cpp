#include "rooms/game_clock.h"

#include <algorithm>

#include "rooms/ai_player.h"

namespace chuhe::rooms {

using std::chrono::duration_cast;

GameClock::GameClock(const TimeControl& tc) : left_{initial_time(tc), initial_time(tc)}, increment_(tc.increment()) {}

GameClock::ms GameClock::initial_time(const TimeControl& tc) {
  return tc.base() > ms::zero() ? tc.base() : tc.increment();
}

void GameClock::start(rules::Color side, Clock::time_point now) {
  running_ = side;
  since_ = now;
}

bool GameClock::stop(Clock::time_point at, bool add_increment) {
  if (!running_) return true;
  ms& left = left_[index(*running_)];
  auto used = duration_cast<ms>(std::max(at - since_, Clock::duration::zero()));
  running_.reset();
  if (used >= left) {
    left = ms::zero();
    return false;
  }
  left -= used;
  if (add_increment) left += increment_;
  return true;
}

GameClock::ms GameClock::remaining(rules::Color side, Clock::time_point now) const {
  ms left = left_[index(side)];
  if (running_ == side) left -= duration_cast<ms>(std::max(now - since_, Clock::duration::zero()));
  return std::max(left, ms::zero());
}

std::chrono::milliseconds ai_budget(std::chrono::milliseconds remaining, std::chrono::milliseconds increment) {
  using ms = std::chrono::milliseconds;
  ms budget = remaining / 30 + increment * 3 / 4;
  budget = std::min(budget, remaining / 3);
  return std::max(budget, ms(1));
}

}  // namespace chuhe::rooms
