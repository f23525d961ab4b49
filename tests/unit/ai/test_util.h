// Helpers shared by the AI unit tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ai/searcher.h"
#include "rules/movegen.h"
#include "rules/notation.h"

namespace chuhe::ai::test {

inline std::vector<rules::Move> parse_moves(const std::vector<std::string>& iccs) {
  std::vector<rules::Move> out;
  for (const auto& s : iccs) out.push_back(*rules::parse_iccs(s));
  return out;
}

inline SearchResult search_depth(Searcher& s, const std::string& fen, int depth, int level = 8,
                                 const std::vector<std::string>& moves = {}) {
  const auto ms = parse_moves(moves);
  EXPECT_FALSE(s.set_position(fen, ms).has_value()) << fen;
  SearchLimits limits;
  limits.depth = depth;
  limits.level = level;
  return s.search(limits);
}

}  // namespace chuhe::ai::test
