// The match runner's pieces that are more than argument parsing: playing one game under the
// rules engine's adjudication, the score and Elo arithmetic, and the opening-book generator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/match/engine_process.h"

namespace chuhe::bench {

struct TimeControl {
  int movetime_ms = 0;     // fixed time per move, or
  int base_ms = 0;         // a clock: base + increment per move
  int inc_ms = 0;
  int timeout_margin_ms = 2000;  // how late an answer may be before it is a forfeit
};

struct GameRecord {
  std::string opening_fen;
  std::vector<std::string> moves;  // ICCS
  std::string result;              // "1-0", "0-1", "1/2-1/2"
  std::string reason;              // rules reason, or max_plies / forfeit_crash / forfeit_timeout / illegal_move
  std::string red, black;          // engine names
  std::string detail;              // what went wrong, for forfeits
};

// Plays one game; engines[0] plays Red. An engine that fails is killed (the caller restarts it).
GameRecord play_game(EngineProcess* red, EngineProcess* black, const std::string& fen, const TimeControl& tc,
                     int max_plies);

struct Score {
  int wins = 0, draws = 0, losses = 0;  // from engine 1's point of view
  int games() const { return wins + draws + losses; }
  double fraction() const;
  // Elo difference and the half-width of its 95% confidence interval (trinomial model).
  double elo() const;
  double elo_error95() const;
};
double elo_from_fraction(double p);

// Generates `count` balanced openings: 2-6 plies of moves Fairy-Stockfish ranks near the top
// (MultiPV at low depth, a seeded choice), kept when its deeper evaluation is within `max_cp`.
std::vector<std::string> make_openings(const std::string& fsf_command, int count, int max_cp, std::uint64_t seed);

}  // namespace chuhe::bench
