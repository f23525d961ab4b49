#include "rooms/journal.h"

namespace chuhe::rooms {

bool MemoryJournal::record(Entry entry) {
  std::lock_guard lock(mutex_);
  if (failing_) return false;
  entries_.push_back(std::move(entry));
  return true;
}

void MemoryJournal::start(const GameSetup& game, Done done) {
  done(record(Entry{game.id, "start", -1, game.fen, 0}));
}

void MemoryJournal::append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms,
                           Done done) {
  done(record(Entry{game_id, "move", ply, iccs, clock_ms}));
}

void MemoryJournal::finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) {
  done(record(Entry{game_id, "end", -1, std::string(result) + " " + std::string(reason), 0}));
}

std::vector<MemoryJournal::Entry> MemoryJournal::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::vector<MemoryJournal::Entry> MemoryJournal::entries(const std::string& game_id) const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  for (const Entry& e : entries_)
    if (e.game_id == game_id) out.push_back(e);
  return out;
}

void MemoryJournal::set_failing(bool failing) {
  std::lock_guard lock(mutex_);
  failing_ = failing;
}

}  // namespace chuhe::rooms
