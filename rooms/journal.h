#pragma once
// The durability hook of a game. A game hands every move to its Journal and broadcasts the move only
// once the journal says it is durable, so a move anyone has seen survives a crash (PROTOCOL.md).
// Game start and game end are recorded the same way. The SQLite journal (and later a Redis stream
// per game) implement this; MemoryJournal below is for tests only.
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/game_setup.h"

namespace chuhe::rooms {

class Journal {
 public:
  // Called exactly once, on any thread (possibly inside the call that was given it); `durable` is
  // false if the record could not be written, and then the game acts as if it had not been asked.
  using Done = std::function<void(bool durable)>;

  virtual ~Journal() = default;

  // A game begins (before anyone is told).
  virtual void start(const GameSetup& game, Done done) = 0;
  // Move number `ply` (0-based) of a game, in canonical ICCS; `clock_ms` is the mover's remaining time
  // after the move, increment included.
  virtual void append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms, Done done) = 0;
  // The game ended; `result` "1-0" / "0-1" / "1/2-1/2" / "*" and the protocol's end reason.
  virtual void finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) = 0;
};

// Keeps records in memory and completes at once. NOT durable: for tests and tools, never for a server
// whose players expect their games to survive a restart. Thread-safe.
class MemoryJournal : public Journal {
 public:
  struct Entry {
    std::string game_id;
    std::string kind;  // "start", "move", "end"
    int ply = -1;
    std::string text;  // move: ICCS; end: "result reason"; start: the initial FEN
    long long clock_ms = 0;
  };

  void start(const GameSetup& game, Done done) override;
  void append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms, Done done) override;
  void finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) override;

  std::vector<Entry> entries() const;                            // everything recorded, oldest first
  std::vector<Entry> entries(const std::string& game_id) const;  // one game's records

  // Makes every later write fail (durable=false), to test the games' failure path.
  void set_failing(bool failing);

 private:
  bool record(Entry entry);

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  bool failing_ = false;
};

}  // namespace chuhe::rooms
