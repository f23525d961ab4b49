#include "rooms/time_control.h"

#include <charconv>

namespace chuhe::rooms {

std::optional<TimeControl> TimeControl::parse(std::string_view text) {
  auto plus = text.find('+');
  if (plus == std::string_view::npos || plus == 0 || plus + 1 == text.size() || text.size() > 8) return std::nullopt;
  auto number = [](std::string_view digits, int& out) {
    for (char ch : digits)
      if (ch < '0' || ch > '9') return false;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && end == digits.data() + digits.size();
  };
  TimeControl tc;
  if (!number(text.substr(0, plus), tc.base_minutes) || !number(text.substr(plus + 1), tc.increment_seconds))
    return std::nullopt;
  if (tc.base_minutes > 180 || tc.increment_seconds > 60) return std::nullopt;
  if (tc.base_minutes == 0 && tc.increment_seconds == 0) return std::nullopt;
  return tc;
}

}  // namespace chuhe::rooms
