// The journal database's migrations (see migrations.h for the rules: append, never edit a shipped one).
#include <array>

#include "persistence/game_journal.h"

namespace chuhe::persistence {
namespace {

constexpr std::array kJournalMigrations = {
    Migration{1, "games and moves",
              // Players are kept as the protocol's JSON text so that a guest or an AI seat needs no row in
              // the archive for the game to be recovered. moves is keyed (game_id, ply): a ply is written
              // once, and reading a game back in ply order is a range scan of the primary key.
              R"sql(
CREATE TABLE games (
  id          TEXT PRIMARY KEY,
  red         TEXT NOT NULL,
  black       TEXT NOT NULL,
  tc          TEXT NOT NULL,
  rated       INTEGER NOT NULL CHECK (rated IN (0, 1)),
  initial_fen TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'playing' CHECK (status IN ('playing', 'ended')),
  result      TEXT,
  reason      TEXT,
  ended_at    INTEGER
);
CREATE INDEX games_playing ON games(status) WHERE status = 'playing';
CREATE TABLE moves (
  game_id  TEXT NOT NULL REFERENCES games(id),
  ply      INTEGER NOT NULL CHECK (ply >= 0),
  iccs     TEXT NOT NULL,
  clock_ms INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (game_id, ply)
) WITHOUT ROWID;
)sql"},
    Migration{2, "players' ids for game history",
              // The players' user ids (null for an AI seat), so that a player's games are an index lookup.
              // json_extract reads them out of the stored player JSON, for rows written before this
              // migration as for new ones (the INSERT fills them the same way).
              R"sql(
ALTER TABLE games ADD COLUMN red_id TEXT;
ALTER TABLE games ADD COLUMN black_id TEXT;
UPDATE games SET red_id = CASE WHEN json_valid(red) THEN json_extract(red, '$.id') END,
                 black_id = CASE WHEN json_valid(black) THEN json_extract(black, '$.id') END;
CREATE INDEX games_red_id ON games(red_id, started_at) WHERE red_id IS NOT NULL;
CREATE INDEX games_black_id ON games(black_id, started_at) WHERE black_id IS NOT NULL;
)sql"},
};

}  // namespace

std::span<const Migration> journal_migrations() { return kJournalMigrations; }

}  // namespace chuhe::persistence
