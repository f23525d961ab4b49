// match: plays games between two UCI/UCCI engines from balanced openings, each opening with both
// colours, adjudicated by the rules engine (rules::Game), and prints W/D/L, the score and the Elo
// difference with its 95% error bar. See docs/ai.md for the measured results and commands.
//
//   match --engine1 "build/bin/chuhe-engine" --engine1-opt Level=8
//         --engine2 /usr/games/fairy-stockfish --engine2-opt UCI_Variant=xiangqi
//         --games 200 --movetime 100 --concurrency 2 --out /tmp/games.tsv
//   match --make-openings 50 --fsf /usr/games/fairy-stockfish --out bench/match/openings.txt
//
// Options: --engineN CMD, --engineN-proto uci|ucci, --engineN-opt NAME=VALUE (repeatable),
// --engineN-ranks 0|1 (rank numbering of the engine's moves; default: detect), --games N,
// --movetime MS | --tc BASE_S+INC_S, --concurrency K (<= 2), --max-plies N (default 300: a draw),
// --hash MB (both engines; default 16), --openings FILE, --out FILE, --timeout-margin MS.
// Each game line of --out: opening FEN, moves (ICCS), result, reason, red, black (tab-separated).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/match/match.h"

#ifndef CHUHE_SOURCE_DIR
#define CHUHE_SOURCE_DIR "."
#endif

namespace {

using namespace chuhe::bench;

int usage(const std::string& why) {
  std::cerr << "match: " << why << "\n(see the comment at the top of bench/match/main.cpp)\n";
  return 2;
}

std::vector<std::string> load_openings(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line.substr(0, line.find('\t')));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  EngineConfig cfg[2];
  int games = 0, concurrency = 1, max_plies = 300, hash = 16, make_count = 0;
  std::uint64_t seed = 1;
  TimeControl tc;
  std::string openings_path = std::string(CHUHE_SOURCE_DIR) + "/bench/match/openings.txt";
  std::string out_path, fsf = "/usr/games/fairy-stockfish";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value after " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    bool engine_arg = false;
    for (int e = 0; e < 2; ++e) {
      const std::string p = "--engine" + std::to_string(e + 1);
      if (a == p) cfg[e].command = next();
      else if (a == p + "-proto") cfg[e].protocol = next() == "ucci" ? Protocol::Ucci : Protocol::Uci;
      else if (a == p + "-ranks") cfg[e].rank_base = std::atoi(next().c_str());
      else if (a == p + "-opt") {
        const std::string kv = next();
        const auto eq = kv.find('=');
        if (eq == std::string::npos) return usage("option without '=': " + kv);
        cfg[e].options.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      } else continue;
      engine_arg = true;
    }
    if (engine_arg) continue;
    if (a == "--games") games = std::atoi(next().c_str());
    else if (a == "--movetime") tc.movetime_ms = std::atoi(next().c_str());
    else if (a == "--tc") {
      const std::string v = next();
      const auto plus = v.find('+');
      tc.base_ms = int(std::atof(v.substr(0, plus).c_str()) * 1000);
      tc.inc_ms = plus == std::string::npos ? 0 : int(std::atof(v.substr(plus + 1).c_str()) * 1000);
    } else if (a == "--concurrency") concurrency = std::clamp(std::atoi(next().c_str()), 1, 2);
    else if (a == "--max-plies") max_plies = std::atoi(next().c_str());
    else if (a == "--hash") hash = std::atoi(next().c_str());
    else if (a == "--openings") openings_path = next();
    else if (a == "--out") out_path = next();
    else if (a == "--timeout-margin") tc.timeout_margin_ms = std::atoi(next().c_str());
    else if (a == "--make-openings") make_count = std::atoi(next().c_str());
    else if (a == "--fsf") fsf = next();
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else return usage("unknown argument " + a);
  }

  if (make_count > 0) {
    const auto lines = make_openings(fsf, make_count, 50, seed);
    std::ofstream out(out_path.empty() ? "/dev/stdout" : out_path);
    out << "# Balanced xiangqi openings for bench/match: 2-6 plies of Fairy-Stockfish's top moves (MultiPV 5,\n"
           "# depth 7, within 40 cp of the best), kept when FSF's depth-12 score is within 50 cp. Regenerate:\n"
           "#   build/bin/match --make-openings "
        << make_count << " --seed " << seed << " --out bench/match/openings.txt\n";
    for (const auto& l : lines) out << l << '\n';
    return int(lines.size()) == make_count ? 0 : 1;
  }

  if (cfg[0].command.empty() || cfg[1].command.empty()) return usage("--engine1 and --engine2 are required");
  if (tc.movetime_ms <= 0 && tc.base_ms <= 0) tc.movetime_ms = 100;
  for (auto& c : cfg) {
    const bool has_hash = std::any_of(c.options.begin(), c.options.end(), [](auto& kv) { return kv.first == "Hash"; });
    if (!has_hash && c.protocol == Protocol::Uci) c.options.emplace_back("Hash", std::to_string(hash));
  }
  const std::vector<std::string> openings = load_openings(openings_path);
  if (openings.empty()) return usage("no openings in " + openings_path);
  if (games <= 0) games = int(openings.size()) * 2;

  std::mutex mu;
  Score score;
  std::atomic<int> next_game{0};
  std::ofstream games_out;
  if (!out_path.empty()) games_out.open(out_path);
  std::vector<std::string> names(2);

  auto worker = [&] {
    EngineProcess engines[2];
    for (;;) {
      const int g = next_game.fetch_add(1);
      if (g >= games) return;
      for (int e = 0; e < 2; ++e) {
        if (engines[e].running()) continue;
        std::string error;
        if (!engines[e].start(cfg[e], error)) {
          std::lock_guard lock(mu);
          std::cerr << "cannot start engine " << e + 1 << ": " << error << "\n";
          std::exit(1);
        }
        std::lock_guard lock(mu);
        names[std::size_t(e)] = engines[e].name();
      }
      // Opening g/2, engine 1 plays Red in even games and Black in odd ones.
      const std::string& fen = openings[std::size_t(g / 2) % openings.size()];
      const bool e1_red = g % 2 == 0;
      EngineProcess* red = e1_red ? &engines[0] : &engines[1];
      EngineProcess* black = e1_red ? &engines[1] : &engines[0];
      const GameRecord rec = play_game(red, black, fen, tc, max_plies);

      std::lock_guard lock(mu);
      const bool red_won = rec.result == "1-0", black_won = rec.result == "0-1";
      if (red_won || black_won) {
        if (red_won == e1_red) ++score.wins;
        else ++score.losses;
      } else {
        ++score.draws;
      }
      std::string moves;
      for (const auto& m : rec.moves) moves += (moves.empty() ? "" : " ") + m;
      if (games_out) {
        games_out << rec.opening_fen << '\t' << moves << '\t' << rec.result << '\t' << rec.reason << '\t' << rec.red
                  << '\t' << rec.black << '\n'
                  << std::flush;
      }
      std::fprintf(stderr, "game %d: %s (red) vs %s (black): %s %s%s%s | +%d =%d -%d\n", g + 1, rec.red.c_str(),
                   rec.black.c_str(), rec.result.c_str(), rec.reason.c_str(), rec.detail.empty() ? "" : ": ",
                   rec.detail.c_str(), score.wins, score.draws, score.losses);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  std::printf("%s vs %s: %d games, +%d =%d -%d, score %.1f%%, Elo %+.0f +/- %.0f (95%%)\n", names[0].c_str(),
              names[1].c_str(), score.games(), score.wins, score.draws, score.losses, 100 * score.fraction(),
              score.elo(), score.elo_error95());
  return 0;
}
