#pragma once
// Chat flood control of one game: at most `lines` lines per user within any `window`. A sliding window
// of send times per user; only users who chatted take memory, at most `lines` stamps each.
#include <chrono>
#include <deque>
#include <string>
#include <unordered_map>

namespace chuhe::rooms {

class ChatLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  ChatLimiter(int lines, std::chrono::milliseconds window) : lines_(lines), window_(window) {}

  // Counts a line by `user` at `now` if allowed; false (and nothing counted) if over the limit.
  bool allow(const std::string& user, Clock::time_point now) {
    auto& stamps = sent_[user];
    while (!stamps.empty() && now - stamps.front() >= window_) stamps.pop_front();
    if (static_cast<int>(stamps.size()) >= lines_) return false;
    stamps.push_back(now);
    return true;
  }

 private:
  int lines_;
  std::chrono::milliseconds window_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> sent_;
};

}  // namespace chuhe::rooms
