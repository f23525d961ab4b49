// Helpers shared by the network and MCTS tests: positions from the shared perft suite, and their encoding.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "ai/nn/features.h"
#include "rules/position.h"

namespace chuhe::ai::nn::test {

// The FENs of the first `n` positions (with legal moves) of perft-suite.tsv.
inline std::vector<std::string> suite_fens(std::size_t n) {
  std::ifstream in(std::string(CHUHE_SHARED_DATA_DIR) + "/perft-suite.tsv");
  std::vector<std::string> out;
  for (std::string line; out.size() < n && std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    const auto fields_end = line.find('\t', line.find('\t', line.find('\t', tab + 1) + 1) + 1);
    if (fields_end != std::string::npos && line.substr(line.rfind('\t', fields_end - 1) + 1, 2) == "0\t") continue;
    out.push_back(line.substr(0, tab));
  }
  EXPECT_EQ(out.size(), n) << "perft-suite.tsv is missing or short";
  return out;
}

// The network inputs of `fens`, one after another (kInputSize floats each).
inline std::vector<float> encode_fens(const std::vector<std::string>& fens) {
  std::vector<float> in(fens.size() * kInputSize);
  for (std::size_t i = 0; i < fens.size(); ++i) {
    rules::Position p;
    EXPECT_FALSE(p.set_fen(fens[i]).has_value());
    encode_position(p, in.data() + i * kInputSize);
  }
  return in;
}

}  // namespace chuhe::ai::nn::test
