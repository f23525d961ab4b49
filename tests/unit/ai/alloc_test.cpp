// "No allocation per node": count heap allocations made while a search runs. Replacing the global
// operator new counts every allocation in this test binary; only the window of one search matters.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "ai/searcher.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace chuhe::ai {
namespace {

TEST(Search, AllocatesNothingWhileSearching) {
  Searcher s(8);
  ASSERT_FALSE(s.set_position("r1bakab1r/9/1cn4cn/p1p1p1p1p/9/9/P1P1P1P1P/1CN4CN/9/R1BAKAB1R w - - 4 3"));
  SearchLimits limits;
  limits.depth = 9;
  g_allocations = 0;
  g_counting = true;
  const SearchResult r = s.search(limits);  // no info callback: nothing is reported
  g_counting = false;
  EXPECT_TRUE(r.best);
  EXPECT_GT(r.nodes, 10'000u);
  // The only allocations allowed are the rules engine's, when a repetition is found and its chase
  // adjudication rebuilds the cycle's boards (rules/repetition.h): per repetition, not per node.
  EXPECT_LT(g_allocations.load() * 1000, long(r.nodes)) << g_allocations.load() << " over " << r.nodes << " nodes";
}

}  // namespace
}  // namespace chuhe::ai
