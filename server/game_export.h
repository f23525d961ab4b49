#pragma once
// How an archived game is shown over HTTP: the JSON of GET /api/games/{id} (PROTOCOL.md), the lines of a
// player's history, and a PGN-style text export (the Chinese-chess PGN used by XQbase and others:
// [Game "Chinese Chess"], [Format "ICCS"], moves as "H2-E2"), readable by a person and by those tools.
// Pure functions of the journal's rows: no I/O.
#include <string>

#include "persistence/game_reads.h"

namespace chuhe::server {

// {"id","red","black","tc","rated","fen","moves","clocks","status","result","reason","started_at","ended_at"}
// (times in Unix ms; result, reason and ended_at are null while the game is in play).
std::string game_json(const persistence::JournaledGame& game);
// One line of a history: the same fields without fen/moves/clocks, with "moves" the number of plies.
std::string game_summary_json(const persistence::GameSummary& game);
// The PGN-style export.
std::string game_pgn(const persistence::JournaledGame& game);

}  // namespace chuhe::server
