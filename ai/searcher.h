// Searcher: the facade over the search core that every client uses (the UCI/UCCI loop, the
// server's worker pool, bench, tests). It owns one transposition table, one set of move-ordering
// statistics and the current position with its game history.
//
//   ai::Searcher s(64);                       // 64 MB hash
//   s.set_position(fen, moves);               // the game so far (repetitions need the history)
//   SearchResult r = s.search(limits);        // blocking, on the calling thread
//   s.go(limits, on_info, on_done);           // or non-blocking, on the searcher's own thread
//   s.stop();                                 // from any thread: the search ends within ~1 ms
//
// One search at a time per Searcher. set_position, set_hash_mb and new_game must not be called
// while a search runs (they wait for it to finish first).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "ai/search.h"
#include "ai/search_types.h"
#include "ai/tt.h"
#include "rules/game.h"
#include "rules/position.h"

namespace chuhe::ai {

class Searcher {
 public:
  explicit Searcher(std::size_t hash_mb = 16);
  ~Searcher();  // stops a running search and joins the thread
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  void set_hash_mb(std::size_t mb);
  std::size_t hash_mb() const { return tt_.size_mb(); }
  // A new game: clears the hash table and the move-ordering statistics (bench calls this per
  // position, so that its node count depends on nothing but the code).
  void new_game();

  // The position to search: a FEN and the moves played from it. Returns an error text (bad FEN,
  // illegal move) and leaves the previous position in place on failure.
  std::optional<std::string> set_position(std::string_view fen, std::span<const rules::Move> moves = {});
  std::optional<std::string> set_position(const rules::Game& game);
  const rules::Position& position() const { return pos_; }

  // Searches on the calling thread; returns when a limit is reached or stop() is called.
  SearchResult search(const SearchLimits& limits, const InfoCallback& on_info = {});

  // Starts a search on the searcher's thread and returns at once. on_info and on_done run on that
  // thread; on_done exactly once per go(). A go() while a search runs first waits for it.
  void go(const SearchLimits& limits, InfoCallback on_info, DoneCallback on_done);
  // Asks the running search (blocking or not) to finish now; it reports its best move so far.
  void stop();
  // Until the go() search has finished and its on_done returned.
  void wait();
  bool searching() const { return busy_.load(); }
  // Stops the current search and makes every later one return at once (shutdown).
  void close();

 private:
  void thread_main();
  void arm();  // clears the stop flag unless closed

  TranspositionTable tt_;
  SearchCore core_;
  rules::Position pos_;
  std::deque<rules::StateInfo> history_;  // the game's moves; a deque never moves its elements
  std::atomic<bool> stop_{false};
  std::atomic<bool> busy_{false};
  std::mutex arm_mu_;
  bool closed_ = false;

  // The go() thread, started on first use.
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  bool quit_ = false;
  bool pending_ = false;
  SearchLimits pending_limits_;
  InfoCallback pending_info_;
  DoneCallback pending_done_;
};

}  // namespace chuhe::ai
