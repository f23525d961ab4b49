#include "persistence/game_reads.h"

#include <sqlite3.h>

#include "persistence/sqlite_connection.h"
#include "persistence/sqlite_statement.h"

namespace chuhe::persistence {
namespace {

constexpr const char* kGameColumns =
    "SELECT id, red, black, tc, rated, initial_fen, started_at, status, result, reason, ended_at";

void read_game_row(const SqliteStatement& s, JournalGame& game, std::string& status, std::string& result,
                   std::string& reason, std::int64_t& ended_at_ms) {
  game.id = s.text(0);
  game.red = s.text(1);
  game.black = s.text(2);
  game.tc = s.text(3);
  game.rated = s.int64(4) != 0;
  game.initial_fen = s.text(5);
  game.started_at_ms = s.int64(6);
  status = s.text(7);
  result = s.text(8);
  reason = s.text(9);
  ended_at_ms = s.int64(10);
}

JournaledGame read_journaled(const SqliteStatement& s) {
  JournaledGame g;
  read_game_row(s, g.game, g.status, g.result, g.reason, g.ended_at_ms);
  return g;
}

bool read_moves(sqlite3* db, JournaledGame& g, std::string& error) {
  SqliteStatement s(db, "SELECT ply, iccs, clock_ms, at FROM moves WHERE game_id = ?1 ORDER BY ply");
  if (!s.ok()) {
    error = sqlite3_errmsg(db);
    return false;
  }
  s.bind(1, g.game.id);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    g.moves.push_back(JournalMove{g.game.id, static_cast<int>(s.int64(0)), s.text(1), s.int64(2), s.int64(3)});
  }
  if (rc != SQLITE_DONE) {
    error = s.error();
    return false;
  }
  return true;
}

// A read transaction, so that games and their moves come from one snapshot of the WAL.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db), open_(sqlite_exec(db, "BEGIN")) {}
  ~ReadTransaction() {
    if (open_) sqlite_exec(db_, "COMMIT");
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sqlite3* db_;
  bool open_;
};

}  // namespace

std::vector<JournaledGame> read_unfinished_games(sqlite3* db, std::string& error) {
  ReadTransaction transaction(db);
  std::vector<JournaledGame> games;
  SqliteStatement s(db, (std::string(kGameColumns) + " FROM games WHERE status = 'playing' ORDER BY started_at, id").c_str());
  if (!s.ok()) {
    error = sqlite3_errmsg(db);
    return {};
  }
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) games.push_back(read_journaled(s));
  if (rc != SQLITE_DONE) {
    error = s.error();
    return {};
  }
  for (auto& g : games) {
    if (!read_moves(db, g, error)) return {};
  }
  return games;
}

std::optional<JournaledGame> read_game(sqlite3* db, const std::string& id, std::string& error) {
  ReadTransaction transaction(db);
  SqliteStatement s(db, (std::string(kGameColumns) + " FROM games WHERE id = ?1").c_str());
  if (!s.ok()) {
    error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  s.bind(1, id);
  int rc = s.step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) error = s.error();
    return std::nullopt;
  }
  JournaledGame g = read_journaled(s);
  if (!read_moves(db, g, error)) return std::nullopt;
  return g;
}

std::optional<std::vector<GameSummary>> read_user_games(sqlite3* db, const std::string& user_id, int offset,
                                                        int limit, std::string& error) {
  // Two indexed halves (games_red_id, games_black_id) merged by the sort; the move count is a range
  // scan of the moves' primary key.
  SqliteStatement s(db, (std::string(kGameColumns) +
                         ", (SELECT COUNT(*) FROM moves WHERE game_id = games.id) FROM games "
                         "WHERE red_id = ?1 OR black_id = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2 OFFSET ?3")
                            .c_str());
  if (!s.ok()) {
    error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  s.bind(1, user_id);
  s.bind(2, std::int64_t{limit});
  s.bind(3, std::int64_t{offset});
  std::vector<GameSummary> games;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    GameSummary g;
    read_game_row(s, g.game, g.status, g.result, g.reason, g.ended_at_ms);
    g.moves = static_cast<int>(s.int64(11));
    games.push_back(std::move(g));
  }
  if (rc != SQLITE_DONE) {
    error = s.error();
    return std::nullopt;
  }
  return games;
}

}  // namespace chuhe::persistence
