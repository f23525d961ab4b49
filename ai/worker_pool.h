// WorkerPool: the server's AI seats. N worker threads, each with its own Searcher (hash table,
// statistics), take jobs from one bounded queue, oldest first, and answer each job exactly once
// through its callback, on the worker thread (the caller posts the answer back to its game's strand).
//
// Every job gets exactly one callback: the move, or an error saying why there is none (queue full,
// shutting down, bad input, no legal move). So a game's AI move is never silently lost.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rules/types.h"

namespace chuhe::ai {

class Searcher;

struct Job {
  std::string game_id;                // for logs and the seed of weakened levels
  std::string initial_fen;            // empty = the start position
  std::vector<std::string> moves;     // ICCS moves played from initial_fen
  int level = 8;                      // 1..8 alpha-beta; 9 = MCTS with the network (levels.h)
  int movetime_ms = 0;                // think this long; 0 = use the clock below
  // Clock of the AI's game, used when movetime_ms is 0: remaining time and increment per side
  // (Red = 0). With neither set, a default of 1000 ms per move applies.
  int time_ms[2] = {-1, -1};
  int inc_ms[2] = {0, 0};
};

enum class JobError : std::uint8_t {
  None,
  QueueFull,     // refused at submit: the queue holds max_queue jobs already
  ShuttingDown,  // refused at submit, or still queued when stop() was called
  Cancelled,     // stop() interrupted the search (bestmove may still hold its best so far)
  BadPosition,   // the FEN or a move is invalid (error_text says which)
  NoLegalMove,   // the game is already over: nothing to play
};
std::string_view to_string(JobError e);

struct JobResult {
  JobError error = JobError::None;
  std::string bestmove;               // ICCS, set when error is None (and maybe for Cancelled)
  std::string error_text;
  int score = 0;                      // centipawns, AI side's view
  int depth = 0;
  std::uint64_t nodes = 0;
  double wait_ms = 0;                 // time in the queue
  double search_ms = 0;               // time searching
  bool ok() const { return error == JobError::None; }
};

using JobCallback = std::function<void(const JobResult&)>;

struct WorkerPoolOptions {
  int workers = 1;                    // threads (each with its own hash table)
  std::size_t max_queue = 256;        // jobs waiting beyond this are refused with QueueFull
  std::size_t hash_mb = 16;           // per worker
  int default_movetime_ms = 1000;     // jobs with neither movetime nor clock
  int move_overhead_ms = 30;          // kept in reserve when playing on a clock
  // Added to the workers' nice value (Linux: per thread; threads they start, such as MCTS's and the
  // network evaluator's, inherit it). Searches use every cycle they get; the io threads relaying
  // human moves must win the CPU whenever they want it. 0 keeps the process's priority.
  int nice = 10;
  // Level 9 (MCTS): the network's weight file (empty = the shipped one, nn::default_weights_path())
  // and the threads each MCTS search walks its tree with. The network is loaded at the first
  // level-9 job; if it cannot be, level-9 jobs are played by alpha-beta at level 8.
  std::string nn_weights = {};
  int mcts_threads = 4;
  // Where the pool reports what it decided about the network (loaded, fell back); default stderr.
  std::function<void(const std::string&)> log = {};
};

namespace nn {
class Evaluator;
}
struct SearchLimits;

struct WorkerPoolStats {
  std::size_t queue_length = 0;
  int busy_workers = 0;
  std::uint64_t jobs_done = 0;        // answered with a move
  std::uint64_t jobs_failed = 0;      // answered with an error (refusals included)
  double total_job_ms = 0;            // sum of search times
  double last_job_ms = 0;
};

class WorkerPool {
 public:
  explicit WorkerPool(WorkerPoolOptions options = {});
  ~WorkerPool();  // stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a job. On refusal (QueueFull, ShuttingDown) the callback runs at once on the calling
  // thread with the error, and submit returns false.
  bool submit(Job job, JobCallback callback);

  WorkerPoolStats stats() const;

  // The thinking time a job with `movetime_ms` gets when a worker takes it after `waited_ms` in the
  // queue, with `waiting` jobs still queued and `busy` workers searching (this one included) out of
  // `workers`. The wait came off the game's clock, so it comes off the search too; and while more
  // games wait than there are workers, the time is shared so that every AI game keeps moving rather
  // than some losing on time behind long searches. Never below min(movetime, 50 ms).
  static int shared_movetime(int movetime_ms, double waited_ms, std::size_t waiting, int busy, int workers);

  // Shutdown: refuses new jobs, answers queued ones with ShuttingDown, interrupts running searches
  // (answered with Cancelled) and joins the threads. Idempotent.
  void stop();

 private:
  struct Entry {
    Job job;
    JobCallback callback;
    std::chrono::steady_clock::time_point queued_at;
  };
  struct Worker;

  void worker_main(Worker& w);
  JobResult run_job(Worker& w, const Job& job);
  // Level 9: the shared evaluator, created at the first level-9 job; nullptr if the network
  // could not be loaded (then level 9 plays as level 8).
  nn::Evaluator* mcts_evaluator();
  JobResult run_mcts(Worker& w, nn::Evaluator& ev, const Job& job, const std::vector<rules::Move>& moves,
                     const SearchLimits& limits);
  void finish(const Entry& e, JobResult r);

  WorkerPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;  // FIFO: the front has waited longest
  bool stopping_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  WorkerPoolStats stats_;
  std::mutex nn_mu_;
  bool nn_tried_ = false;
  std::unique_ptr<nn::Evaluator> evaluator_;
};

}  // namespace chuhe::ai
