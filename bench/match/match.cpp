#include "bench/match/match.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "rules/game.h"
#include "rules/movegen.h"
#include "rules/notation.h"

namespace chuhe::bench {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

GameRecord play_game(EngineProcess* red, EngineProcess* black, const std::string& fen, const TimeControl& tc,
                     int max_plies) {
  GameRecord rec;
  rec.opening_fen = fen;
  rec.red = red->name();
  rec.black = black->name();
  rules::Game game;
  if (auto err = game.reset(fen)) {
    rec.result = "*";
    rec.reason = "bad_opening";
    rec.detail = err->message;
    return rec;
  }
  EngineProcess* engines[2] = {red, black};
  for (EngineProcess* e : engines) e->new_game();
  int clock[2] = {tc.base_ms, tc.base_ms};

  auto forfeit = [&](int side, const std::string& reason, const std::string& detail) {
    rec.result = side == 0 ? "0-1" : "1-0";
    rec.reason = reason;
    rec.detail = detail;
    engines[side]->kill();
  };

  while (!game.is_over()) {
    if (game.ply() >= max_plies) {
      rec.result = "1/2-1/2";
      rec.reason = "max_plies";
      return rec;
    }
    const int side = int(game.position().side_to_move());
    std::string args;
    std::chrono::milliseconds timeout;
    if (tc.movetime_ms > 0) {
      args = "movetime " + std::to_string(tc.movetime_ms);
      timeout = std::chrono::milliseconds(tc.movetime_ms + tc.timeout_margin_ms);
    } else {
      args = "wtime " + std::to_string(std::max(clock[0], 1)) + " btime " + std::to_string(std::max(clock[1], 1)) +
             " winc " + std::to_string(tc.inc_ms) + " binc " + std::to_string(tc.inc_ms);
      timeout = std::chrono::milliseconds(std::max(clock[side], 0) + tc.timeout_margin_ms);
    }
    const auto t0 = Clock::now();
    std::string error;
    const auto mv = engines[side]->go(fen, rec.moves, args, timeout, error);
    const int used = int(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
    if (!mv) {
      forfeit(side, error.find("timeout") != std::string::npos ? "forfeit_timeout" : "forfeit_crash", error);
      return rec;
    }
    if (mv->empty()) {
      forfeit(side, "no_move", "the engine reported no move in an ongoing game");
      return rec;
    }
    if (tc.movetime_ms <= 0) {
      clock[side] -= used;
      if (clock[side] < -tc.timeout_margin_ms) {
        forfeit(side, "forfeit_timeout", "flag fell");
        return rec;
      }
      clock[side] = std::max(clock[side], 0) + tc.inc_ms;
    }
    if (game.play_iccs(*mv) != rules::PlayResult::Ok) {
      forfeit(side, "illegal_move", *mv);
      return rec;
    }
    rec.moves.push_back(*mv);
  }
  const rules::GameResult r = *game.result();
  rec.result = std::string(rules::result_string(r.outcome));
  rec.reason = std::string(rules::to_string(r.reason));
  return rec;
}

double Score::fraction() const { return games() ? (wins + 0.5 * draws) / games() : 0.5; }

double elo_from_fraction(double p) {
  p = std::clamp(p, 1e-3, 1 - 1e-3);
  return -400.0 * std::log10(1.0 / p - 1.0);
}

double Score::elo() const { return elo_from_fraction(fraction()); }

double Score::elo_error95() const {
  const int n = games();
  if (n == 0) return 0;
  const double p = fraction();
  const double var = (wins * (1 - p) * (1 - p) + draws * (0.5 - p) * (0.5 - p) + losses * p * p) / n;
  const double se = std::sqrt(var / n);
  return (elo_from_fraction(p + 1.96 * se) - elo_from_fraction(p - 1.96 * se)) / 2;
}

namespace {

struct PvLine {
  int multipv = 1;
  int cp = 0;
  bool mate = false;
  std::string move;  // ICCS
};

// Runs `go depth D` and returns the final line of each MultiPV index.
std::vector<PvLine> analyse(EngineProcess& fsf, const std::string& fen, const std::vector<std::string>& moves,
                            int depth) {
  std::string error;
  std::string pos = "position fen " + fen;
  if (!moves.empty()) {
    pos += " moves";
    for (const auto& m : moves) pos += ' ' + fsf.to_engine(m);
  }
  fsf.send(pos);
  fsf.send("go depth " + std::to_string(depth));
  std::vector<PvLine> lines;
  for (;;) {
    auto line = fsf.read_line(60s);
    if (!line || line->rfind("bestmove", 0) == 0) break;
    std::istringstream in(*line);
    std::string w;
    in >> w;
    if (w != "info") continue;
    PvLine pv;
    int d = 0;
    bool has_pv = false;
    while (in >> w) {
      if (w == "depth") in >> d;
      else if (w == "multipv") in >> pv.multipv;
      else if (w == "score") {
        std::string kind;
        in >> kind >> pv.cp;
        pv.mate = kind == "mate";
      } else if (w == "pv") {
        std::string m;
        in >> m;
        if (auto iccs = fsf.from_engine(m)) pv.move = *iccs;
        has_pv = true;
        break;
      }
    }
    if (!has_pv || d != depth || pv.move.empty()) continue;
    if (int(lines.size()) < pv.multipv) lines.resize(std::size_t(pv.multipv));
    lines[std::size_t(pv.multipv - 1)] = pv;
  }
  return lines;
}

}  // namespace

std::vector<std::string> make_openings(const std::string& fsf_command, int count, int max_cp, std::uint64_t seed) {
  EngineConfig cfg;
  cfg.command = fsf_command;
  cfg.options = {{"UCI_Variant", "xiangqi"}, {"Threads", "1"}, {"Hash", "16"}};
  EngineProcess fsf;
  std::string error;
  if (!fsf.start(cfg, error)) {
    std::cerr << "make-openings: " << error << "\n";
    return {};
  }
  std::mt19937_64 rng(seed);
  const std::string start(rules::Position::kStartFen);
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (int attempt = 0; int(out.size()) < count && attempt < count * 20; ++attempt) {
    const int plies = 2 + int(rng() % 5);
    std::vector<std::string> moves;
    fsf.send("setoption name MultiPV value 5");
    bool ok = true;
    for (int p = 0; p < plies && ok; ++p) {
      const auto lines = analyse(fsf, start, moves, 7);
      std::vector<std::string> good;
      for (const PvLine& l : lines)
        if (!l.move.empty() && !l.mate && !lines.empty() && l.cp >= lines[0].cp - 40) good.push_back(l.move);
      if (good.empty()) ok = false;
      else moves.push_back(good[rng() % good.size()]);
    }
    if (!ok) continue;
    fsf.send("setoption name MultiPV value 1");
    const auto eval = analyse(fsf, start, moves, 12);
    if (eval.empty() || eval[0].mate || std::abs(eval[0].cp) > max_cp) continue;
    rules::Game g;
    for (const auto& m : moves) g.play_iccs(m);
    const std::string fen = g.fen();
    if (!seen.insert(fen.substr(0, fen.find(' ', fen.find(' ') + 1))).second) continue;
    std::string line = fen + "\t# ";
    for (const auto& m : moves) line += m + ' ';
    line += "fsf depth 12: " + std::to_string(eval[0].cp) + " cp (side to move)";
    std::cerr << "opening " << out.size() + 1 << ": " << line << "\n";
    out.push_back(line);
  }
  return out;
}

}  // namespace chuhe::bench
