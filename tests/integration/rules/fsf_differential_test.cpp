// Differential test: our legal moves against fairy-stockfish's, at every ply of seeded random
// playouts. fairy-stockfish runs as a child process spoken to over pipes (UCI, variant xiangqi);
// for each position we send `position fen F` and `go perft 1`, and read back its `MOVE: 1` lines
// and `Nodes searched: N`. Its squares number ranks 1-10; ICCS numbers them 0-9 (the conversion is
// done here on the perft lines, which bench::EngineProcess does not parse).
//
// Environment: CHUHE_FAIRY_STOCKFISH (binary, default /usr/games/fairy-stockfish),
// CHUHE_FSF_PLAYOUTS (default 2000), CHUHE_FSF_MAX_PLIES (default 80), CHUHE_FSF_SEED (default 1).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench/match/engine_process.h"
#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"

namespace chuhe::rules {
namespace {

using namespace std::chrono_literals;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// fairy-stockfish as a child process: bench/match's client (library chuhe_uci_client), with the
// protocol scripted here. The destructor always reaps it: quit, then SIGKILL if needed.
using Child = bench::EngineProcess;
constexpr auto kAnswerTimeout = 10s;

// "b10" (fairy-stockfish) -> "b9" (ICCS); nullopt if it is not a square.
std::optional<std::string> fsf_square_to_iccs(const std::string& s) {
  if (s.size() < 2 || s.size() > 3 || s[0] < 'a' || s[0] > 'i') return std::nullopt;
  const int rank = std::atoi(s.c_str() + 1);
  if (rank < 1 || rank > 10 || std::to_string(rank) != s.substr(1)) return std::nullopt;
  return std::string(1, s[0]) + char('0' + rank - 1);
}

// "b3b10: 1" -> "b2b9".
std::optional<std::string> fsf_move_line_to_iccs(const std::string& line) {
  const auto colon = line.find(": ");
  if (colon == std::string::npos || colon < 4) return std::nullopt;
  const std::string mv = line.substr(0, colon);
  // Split after the first square: its rank has 1 or 2 digits.
  std::size_t split = 1;
  while (split < mv.size() && std::isdigit(static_cast<unsigned char>(mv[split]))) ++split;
  auto from = fsf_square_to_iccs(mv.substr(0, split));
  auto to = fsf_square_to_iccs(mv.substr(split));
  if (!from || !to) return std::nullopt;
  return *from + *to;
}

struct FsfAnswer {
  std::vector<std::string> moves;  // sorted ICCS
  long nodes = -1;
};

// Reads one `go perft 1` answer: the move lines, then "Nodes searched: N".
std::optional<FsfAnswer> read_answer(Child& fsf) {
  FsfAnswer a;
  while (auto line = fsf.read_line(kAnswerTimeout)) {
    if (line->rfind("Nodes searched:", 0) == 0) {
      a.nodes = std::atol(line->c_str() + 15);
      std::sort(a.moves.begin(), a.moves.end());
      return a;
    }
    if (auto m = fsf_move_line_to_iccs(*line)) a.moves.push_back(*m);
  }
  return std::nullopt;
}

TEST(FsfDifferential, SquareConversion) {
  EXPECT_EQ(fsf_move_line_to_iccs("b3b10: 1"), "b2b9");
  EXPECT_EQ(fsf_move_line_to_iccs("a10a9: 1"), "a9a8");
  EXPECT_EQ(fsf_move_line_to_iccs("h3e3: 1"), "h2e2");
  EXPECT_FALSE(fsf_move_line_to_iccs("Nodes searched: 44").has_value());
  EXPECT_FALSE(fsf_move_line_to_iccs("j1a1: 1").has_value());
  EXPECT_FALSE(fsf_move_line_to_iccs("a11a1: 1").has_value());
}

// One random game, played with our generator, and our legal moves at each of its plies.
struct Playout {
  struct Ply {
    std::string fen, line;          // the position, and the moves that led to it from the start
    std::vector<std::string> ours;  // our legal moves there, sorted ICCS
  };
  std::vector<Ply> plies;
  bool ended = false;  // reached a position without legal moves
};

Playout play_random_game(std::mt19937_64& rng, int max_plies) {
  Playout out;
  Position pos;
  std::vector<StateInfo> states(static_cast<std::size_t>(max_plies));
  std::string line;
  for (int ply = 0; ply < max_plies; ++ply) {
    Playout::Ply p{pos.fen(), line, {}};
    MoveList list;
    generate_legal(pos, list);
    for (Move m : list) p.ours.push_back(to_iccs(m));
    std::sort(p.ours.begin(), p.ours.end());
    out.plies.push_back(std::move(p));
    if (list.empty()) {
      out.ended = true;
      break;
    }
    const Move pick = list[int(rng() % std::uint64_t(list.size()))];
    line += ' ';
    line += to_iccs(pick);
    pos.do_move(pick, states[std::size_t(ply)]);
  }
  return out;
}

// Sends every position of the game in one batch (the queries are pipelined rather than paying a
// round trip each). A batch is at most ~120 bytes per position, well inside a pipe's buffer, so
// writing it whole before reading cannot deadlock.
bool send_playout(Child& fsf, const Playout& game) {
  std::string batch;
  for (const auto& p : game.plies) {
    if (!batch.empty()) batch += '\n';
    batch += "position fen ";
    batch += p.fen;
    batch += "\ngo perft 1";
  }
  return fsf.send(batch);  // send() ends the text with a newline
}

// Reads fairy-stockfish's answers for a game sent with send_playout; returns the mismatches.
int check_playout(Child& fsf, const Playout& game, int game_no) {
  int mismatches = 0;
  for (std::size_t ply = 0; ply < game.plies.size(); ++ply) {
    const auto& p = game.plies[ply];
    const auto theirs = read_answer(fsf);
    if (!theirs) {
      ADD_FAILURE() << "fairy-stockfish stopped answering at " << p.fen;
      return mismatches + 1;
    }
    if (theirs->moves == p.ours && theirs->nodes == long(p.ours.size())) continue;
    ++mismatches;
    std::vector<std::string> missing, extra;
    std::set_difference(theirs->moves.begin(), theirs->moves.end(), p.ours.begin(), p.ours.end(),
                        std::back_inserter(missing));
    std::set_difference(p.ours.begin(), p.ours.end(), theirs->moves.begin(), theirs->moves.end(),
                        std::back_inserter(extra));
    std::string report = "game " + std::to_string(game_no) + " ply " + std::to_string(ply);
    report += "\n  fen " + p.fen;
    report += "\n  moves from start:" + p.line;
    report += "\n  fairy-stockfish only:";
    for (const auto& m : missing) report += " " + m;
    report += "\n  ours only:";
    for (const auto& m : extra) report += " " + m;
    ADD_FAILURE() << report;
  }
  return mismatches;
}

TEST(FsfDifferential, LegalMovesAgreeOnRandomPlayouts) {
  const char* env_path = std::getenv("CHUHE_FAIRY_STOCKFISH");
  const std::string path = env_path && *env_path ? env_path : "/usr/games/fairy-stockfish";
  if (access(path.c_str(), X_OK) != 0)
    GTEST_SKIP() << "fairy-stockfish not found at " << path << " (Debian package fairy-stockfish)";

  // Two engines answer alternate games, so fairy-stockfish (the slow side: ~0.35 ms per `go
  // perft 1`) works on both cores while we generate the next games.
  const int procs = std::max(1, env_int("CHUHE_FSF_PROCS", 2));
  std::vector<std::unique_ptr<Child>> engines;
  for (int i = 0; i < procs; ++i) {
    auto& fsf = engines.emplace_back(std::make_unique<Child>());
    std::string error;
    // spawn() also ignores SIGPIPE: a dying child must fail the test, not kill it.
    ASSERT_TRUE(fsf->spawn({path}, error)) << "could not start " << path << ": " << error;
    ASSERT_TRUE(fsf->send("uci"));
    ASSERT_TRUE(fsf->read_until("uciok", kAnswerTimeout)) << "no uciok from " << path;
    ASSERT_TRUE(fsf->send("setoption name UCI_Variant value xiangqi\nisready"));
    ASSERT_TRUE(fsf->read_until("readyok", kAnswerTimeout));
  }

  const int playouts = env_int("CHUHE_FSF_PLAYOUTS", 2000);
  const int max_plies = env_int("CHUHE_FSF_MAX_PLIES", 80);
  std::mt19937_64 rng(std::uint64_t(env_int("CHUHE_FSF_SEED", 1)));
  long positions = 0, ended = 0;
  int mismatches = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int first = 0; first < playouts && mismatches < 10; first += procs) {
    std::vector<Playout> games;
    for (int i = 0; i < procs && first + i < playouts; ++i) {
      games.push_back(play_random_game(rng, max_plies));
      ASSERT_TRUE(send_playout(*engines[std::size_t(i)], games.back())) << "fairy-stockfish stopped reading";
    }
    for (std::size_t i = 0; i < games.size(); ++i) {
      mismatches += check_playout(*engines[i], games[i], first + int(i));
      positions += long(games[i].plies.size());
      ended += games[i].ended;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("compared %ld positions from %d playouts of up to %d plies (%ld ended without legal moves) in %.1f s\n",
              positions, playouts, max_plies, ended, secs);
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace chuhe::rules
