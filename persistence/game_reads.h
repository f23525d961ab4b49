#pragma once
// Reading games back from the journal database (which is also the archive of finished games: a game's
// row and moves stay there when it ends). Blocking SQLite calls: run them on a DB thread or at startup,
// never on an io thread. Shared by GameJournal (recovery) and GameArchive (the HTTP API).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/game_journal.h"

struct sqlite3;

namespace chuhe::persistence {

// One line of a player's game history: the game without its moves.
struct GameSummary {
  JournalGame game;
  std::string status;  // "playing" or "ended"
  std::string result;
  std::string reason;
  std::int64_t ended_at_ms = 0;
  int moves = 0;       // plies played
};

// Every game still "playing", oldest first, with its moves in ply order (one snapshot).
std::vector<JournaledGame> read_unfinished_games(sqlite3* db, std::string& error);
// One game with its moves; nullopt if unknown, or on error (then `error` is set).
std::optional<JournaledGame> read_game(sqlite3* db, const std::string& id, std::string& error);
// The games `user_id` played (either colour), newest first, `limit` of them after skipping `offset`;
// nullopt on error.
std::optional<std::vector<GameSummary>> read_user_games(sqlite3* db, const std::string& user_id, int offset,
                                                        int limit, std::string& error);

}  // namespace chuhe::persistence
