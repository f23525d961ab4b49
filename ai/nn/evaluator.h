// The batched evaluator: searches on many threads submit positions and block on a future; one
// evaluator thread gathers up to max_batch requests (waiting at most max_wait_us after the first
// one arrives) and runs them through the backend as one batch. A cache of recent evaluations,
// keyed by the rules' Zobrist key (and the natural-move-limit counter, which is an input plane),
// answers repeated positions without a network call.
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ai/nn/backend.h"
#include "rules/movegen.h"
#include "rules/position.h"

namespace chuhe::ai::nn {

// The network's verdict on a position: value in [-1, 1] for the side to move, and a probability
// for each legal move (softmax of the policy logits over the legal moves only).
struct Evaluation {
  float value = 0;
  int count = 0;
  std::array<rules::Move, rules::kMaxMoves> moves;
  std::array<float, rules::kMaxMoves> priors;
};

struct EvaluatorOptions {
  int max_batch = 32;
  int max_wait_us = 500;           // how long a partial batch waits for company
  std::size_t cache_entries = 1 << 14;  // direct-mapped; 0 disables the cache (~1 KB each)
};

struct EvaluatorStats {
  std::uint64_t requests = 0;
  std::uint64_t cache_hits = 0;
  std::uint64_t batches = 0;
  std::uint64_t evaluated = 0;     // positions run through the backend
};

class Evaluator {
 public:
  Evaluator(std::unique_ptr<Backend> backend, EvaluatorOptions options = {});
  ~Evaluator();  // answers nothing more: pending futures get the results of their batch first
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  // Legal moves and encoding are computed on the calling thread; the network call is batched.
  // A position without legal moves gets value -1 (lost) without a network call.
  std::future<Evaluation> submit(const rules::Position& pos);
  Evaluation evaluate(const rules::Position& pos) { return submit(pos).get(); }

  // A search thread that submits one evaluation after another (an MCTS search thread) holds a Seat
  // while it searches. The evaluator then knows how many threads may still add to a partial batch:
  // once each seated thread that is not parked has a request queued, the batch goes at once instead
  // of waiting max_wait_us for company that cannot come (4 search threads of one game would otherwise
  // pay the whole wait on every batch of 4). Requests of unseated callers wait as before.
  class Seat {
   public:
    explicit Seat(Evaluator& evaluator);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;
    // The thread waits for something other than its own request (another thread's evaluation of the
    // same leaf): it adds nothing to the batch meanwhile.
    void park(bool parked);

   private:
    Evaluator& evaluator_;
    bool parked_ = false;
  };

  EvaluatorStats stats() const;
  const Backend& backend() const { return *backend_; }

 private:
  struct Request {
    std::vector<float> input;
    Evaluation eval;          // moves filled in at submit, the rest by the evaluator thread
    std::uint64_t cache_key;
    std::promise<Evaluation> promise;
  };
  struct CacheSlot {
    std::uint64_t key = 0;
    bool used = false;
    Evaluation eval;
  };

  void thread_main();
  void run_batch(std::vector<Request>& batch);

  std::unique_ptr<Backend> backend_;
  EvaluatorOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  bool quit_ = false;
  int seated_ = 0;  // seated threads not parked (Seat)
  EvaluatorStats stats_;
  std::mutex cache_mu_;
  std::vector<CacheSlot> cache_;
  std::vector<float> inputs_, policy_, values_;  // evaluator thread only
  std::thread thread_;
};

}  // namespace chuhe::ai::nn
