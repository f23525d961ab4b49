#pragma once
// The two clocks of a game. At most one runs at a time; the server decides when: a side's clock starts
// when the previous move (or game_start) has been broadcast and stops when its move arrives, so time
// the server spends journaling is never charged to a player.
#include <algorithm>
#include <chrono>
#include <optional>

#include "rooms/time_control.h"
#include "rules/types.h"

namespace chuhe::rooms {

class GameClock {
 public:
  using Clock = std::chrono::steady_clock;
  using ms = std::chrono::milliseconds;

  explicit GameClock(const TimeControl& tc);

  // What each side starts with: the base time; with no base ("0+S"), one increment, so that the first
  // move can be played at all (the increment is otherwise added after each move, as PROTOCOL.md's
  // example shows: 5+3 starts at 300000 ms).
  static ms initial_time(const TimeControl& tc);

  // Sets what `side` has left (a game recovered from the journal); only while no clock runs.
  void set_remaining(rules::Color side, ms left) { left_[index(side)] = std::max(left, ms::zero()); }
  // Starts `side`'s clock at `now` (the other one is stopped).
  void start(rules::Color side, Clock::time_point now);
  // Stops the running clock, charging it the time from its start to `at` (nothing if `at` is earlier),
  // and adds the increment if `add_increment` and the side still had time. Returns false if the side
  // had run out of time by `at` (its time is then 0 and no increment is added).
  bool stop(Clock::time_point at, bool add_increment);

  bool running() const { return running_.has_value(); }
  std::optional<rules::Color> running_side() const { return running_; }
  // Time left to `side` at `now`, never negative.
  ms remaining(rules::Color side, Clock::time_point now) const;
  // When the running side's flag falls (only while running).
  Clock::time_point deadline() const { return since_ + left_[index(*running_)]; }
  // The running side has no time left at `at`.
  bool flagged(Clock::time_point at) const { return running_ && at >= deadline(); }
  ms increment() const { return increment_; }

 private:
  static int index(rules::Color c) { return static_cast<int>(c); }

  ms left_[2];
  ms increment_;
  std::optional<rules::Color> running_;
  Clock::time_point since_{};
};

}  // namespace chuhe::rooms
