// adjudicate: plays ICCS moves from a FEN under the full game rules (rules::Game) and stops at the
// first ply where the game ends. Prints one line:
//   OUTCOME REASON PLY     OUTCOME: ongoing | draw | red_wins | black_wins; REASON: the protocol's
//                          end reason, or - while ongoing; PLY: moves played when it stopped
//   illegal PLY MOVE       a move that is not legal (or not ICCS) after PLY moves; exit status 2
// Usage: adjudicate [--fen FEN] [--moves "h2e2 h9g7 ..."]   (default FEN: the start position)
// Exit status: 0 on a verdict, 1 on a usage error or a bad FEN, 2 on an illegal move.
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

#include "rules/game.h"

namespace {

int usage(const char* why) {
  std::fprintf(stderr, "adjudicate: %s\nusage: adjudicate [--fen FEN] [--moves \"m1 m2 ...\"]\n", why);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chuhe::rules;
  std::string fen(Position::kStartFen), moves;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--fen" || arg == "--moves") && i + 1 < argc) {
      (arg == "--fen" ? fen : moves) = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      usage("help");
      return 0;
    } else {
      return usage("unknown or incomplete argument");
    }
  }
  Game game;
  if (auto err = game.reset(fen)) {
    std::fprintf(stderr, "adjudicate: bad FEN: %s\n", err->message.c_str());
    return 1;
  }
  std::istringstream in(moves);
  for (std::string m; !game.is_over() && in >> m;) {
    if (game.play_iccs(m) != PlayResult::Ok) {
      std::printf("illegal %d %s\n", game.ply(), m.c_str());
      return 2;
    }
  }
  if (const auto r = game.result())
    std::printf("%s %s %d\n", std::string(to_string(r->outcome)).c_str(), std::string(to_string(r->reason)).c_str(),
                game.ply());
  else
    std::printf("ongoing - %d\n", game.ply());
  return 0;
}
