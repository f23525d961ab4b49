// perft: counts the leaves of the legal move tree.
//   perft [--fen FEN] [--depth D] [--divide]   one position (default: the start position, depth 1)
//   perft --suite FILE                          every line of a suite (fen, depth, nodes, legal move
//                                               count, legal moves; tab-separated; '#' comments):
//                                               checks node counts and legal-move lists
// Exit status: 0 all good, 1 a mismatch, 2 bad usage or input.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/perft.h"
#include "rules/position.h"

namespace {

using namespace chuhe::rules;
using Clock = std::chrono::steady_clock;

int usage() {
  std::cerr << "usage: perft [--fen FEN] [--depth D] [--divide]\n"
               "       perft --suite FILE\n";
  return 2;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

int run_one(const std::string& fen, int depth, bool divide) {
  Position pos;
  if (auto err = pos.set_fen(fen)) {
    std::cerr << "bad FEN: " << err->message << "\n";
    return 2;
  }
  const auto t0 = Clock::now();
  std::uint64_t total = 0;
  if (divide) {
    for (const DivideEntry& e : perft_divide(pos, depth)) {
      std::cout << to_iccs(e.move) << ": " << e.nodes << "\n";
      total += e.nodes;
    }
  } else {
    total = perft(pos, depth);
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << "Nodes searched: " << total << "\n";
  std::cerr << "time " << secs << " s, " << std::uint64_t(double(total) / std::max(secs, 1e-9)) << " nodes/s\n";
  return 0;
}

int run_suite(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 2;
  }
  int lineno = 0, positions = 0, mismatches = 0;
  std::uint64_t total_nodes = 0;
  double total_secs = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto cols = split(line, '\t');
    if (cols.size() < 4) {
      std::cerr << path << ":" << lineno << ": expected fen, depth, nodes, legal count, legal moves\n";
      return 2;
    }
    Position pos;
    if (auto err = pos.set_fen(cols[0])) {
      std::cout << "MISMATCH line " << lineno << ": FEN refused: " << err->message << "\n";
      ++mismatches;
      continue;
    }
    const int depth = std::atoi(cols[1].c_str());
    const std::uint64_t want_nodes = std::strtoull(cols[2].c_str(), nullptr, 10);
    const int want_count = std::atoi(cols[3].c_str());
    std::vector<std::string> want_moves = cols.size() > 4 ? words(cols[4]) : std::vector<std::string>{};
    ++positions;

    MoveList legal;
    generate_legal(pos, legal);
    std::vector<std::string> got_moves;
    for (Move m : legal) got_moves.push_back(to_iccs(m));
    std::sort(got_moves.begin(), got_moves.end());
    std::sort(want_moves.begin(), want_moves.end());

    const auto t0 = Clock::now();
    const std::uint64_t nodes = perft(pos, depth);
    total_secs += std::chrono::duration<double>(Clock::now() - t0).count();
    total_nodes += nodes;

    bool bad = false;
    if (nodes != want_nodes) {
      std::cout << "MISMATCH line " << lineno << ": " << cols[0] << ": perft " << depth << " = " << nodes
                << ", expected " << want_nodes << "\n";
      bad = true;
    }
    if (int(got_moves.size()) != want_count || got_moves != want_moves) {
      std::vector<std::string> missing, extra;
      std::set_difference(want_moves.begin(), want_moves.end(), got_moves.begin(), got_moves.end(),
                          std::back_inserter(missing));
      std::set_difference(got_moves.begin(), got_moves.end(), want_moves.begin(), want_moves.end(),
                          std::back_inserter(extra));
      std::cout << "MISMATCH line " << lineno << ": " << cols[0] << ": " << got_moves.size() << " legal moves, expected "
                << want_count << "; missing:";
      for (const auto& m : missing) std::cout << " " << m;
      std::cout << "; extra:";
      for (const auto& m : extra) std::cout << " " << m;
      std::cout << "\n";
      bad = true;
    }
    mismatches += bad;
  }
  std::cout << "Suite " << path << ": " << positions << " positions, " << mismatches << " mismatches, " << total_nodes
            << " nodes in " << total_secs << " s (" << std::uint64_t(double(total_nodes) / std::max(total_secs, 1e-9))
            << " nodes/s)\n";
  return mismatches == 0 && positions > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string fen(Position::kStartFen), suite;
  int depth = 1;
  bool divide = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--fen" && i + 1 < argc) {
      fen = argv[++i];
    } else if (a == "--depth" && i + 1 < argc) {
      depth = std::atoi(argv[++i]);
      if (depth < 0 || depth > 12) return usage();
    } else if (a == "--divide") {
      divide = true;
    } else if (a == "--suite" && i + 1 < argc) {
      suite = argv[++i];
    } else {
      return usage();
    }
  }
  if (!suite.empty()) return run_suite(suite);
  return run_one(fen, depth, divide);
}
