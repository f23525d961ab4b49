// Readers for the shared reference data (/work/shared/data, see its README.md) used by the rules
// tests, plus small helpers for writing positions' legal moves as ICCS strings.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"

namespace chuhe::rules::testing {

inline std::string data_path(const std::string& file) { return std::string(CHUHE_SHARED_DATA_DIR) + "/" + file; }

inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cols;
  std::string cur;
  for (char c : line) {
    if (c == '\t') {
      cols.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  cols.push_back(cur);
  return cols;
}

inline std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Rows of a tab-separated file, '#' comment lines and blank lines skipped.
inline std::vector<std::vector<std::string>> read_tsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    rows.push_back(split_tabs(line));
  }
  return rows;
}

// A line of perft-suite.tsv / reference-perft.tsv.
struct PerftCase {
  std::string fen;
  int depth = 0;
  std::uint64_t nodes = 0;
  int legal_count = 0;
  std::vector<std::string> legal_moves;  // sorted
};

// How gtest shows a case (instead of a byte dump).
inline void PrintTo(const PerftCase& c, std::ostream* os) { *os << c.fen << " depth " << c.depth; }

inline std::vector<PerftCase> read_perft_cases(const std::string& file) {
  std::vector<PerftCase> out;
  for (const auto& cols : read_tsv(data_path(file))) {
    if (cols.size() < 4) continue;
    PerftCase c;
    c.fen = cols[0];
    c.depth = std::atoi(cols[1].c_str());
    c.nodes = std::strtoull(cols[2].c_str(), nullptr, 10);
    c.legal_count = std::atoi(cols[3].c_str());
    if (cols.size() > 4) c.legal_moves = split_words(cols[4]);
    std::sort(c.legal_moves.begin(), c.legal_moves.end());
    out.push_back(std::move(c));
  }
  return out;
}

// The legal moves of a position, as sorted ICCS strings.
inline std::vector<std::string> legal_iccs(const Position& pos) {
  MoveList list;
  generate_legal(pos, list);
  std::vector<std::string> out;
  for (Move m : list) out.push_back(to_iccs(m));
  std::sort(out.begin(), out.end());
  return out;
}

// Position from a FEN that must be valid (aborts the test binary otherwise: a typo in a test).
inline Position pos_from(const std::string& fen) {
  Position p;
  if (auto err = p.set_fen(fen)) {
    std::fprintf(stderr, "test FEN refused: %s: %s\n", fen.c_str(), err->message.c_str());
    std::abort();
  }
  return p;
}

}  // namespace chuhe::rules::testing
