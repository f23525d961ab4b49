#pragma once
// A time control "M+S": M minutes of base time, S seconds added after each move.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace chuhe::rooms {

struct TimeControl {
  int base_minutes = 5;
  int increment_seconds = 0;

  std::chrono::milliseconds base() const { return std::chrono::minutes(base_minutes); }
  std::chrono::milliseconds increment() const { return std::chrono::seconds(increment_seconds); }
  std::string text() const { return std::to_string(base_minutes) + "+" + std::to_string(increment_seconds); }
  bool operator==(const TimeControl&) const = default;

  // Accepts "M+S" with 0 <= M <= 180, 0 <= S <= 60, not both 0.
  static std::optional<TimeControl> parse(std::string_view text);
};

}  // namespace chuhe::rooms
