// WorkerPool: many concurrent jobs answered with legal moves, refusal when full, fast shutdown.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <future>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ai/worker_pool.h"
#include "rules/game.h"

namespace chuhe::ai {
namespace {

using namespace std::chrono_literals;

// Collects callbacks from the worker threads.
struct Collector {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, JobResult>> results;
  JobCallback callback(int id) {
    return [this, id](const JobResult& r) {
      std::lock_guard lock(mu);
      results.emplace_back(id, r);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, timeout, [&] { return results.size() >= n; });
  }
};

TEST(WorkerPool, RunsManyJobsAndReturnsLegalMoves) {
  WorkerPoolOptions opt;
  opt.workers = 3;
  opt.hash_mb = 2;
  WorkerPool pool(opt);
  Collector c;
  // Games along a fixed line, so each job has a different position and history.
  const std::vector<std::string> line = {"h2e2", "h9g7", "h0g2", "i9h9", "i0h0", "b9c7", "b0c2", "a9b9"};
  const int jobs = 24;
  std::vector<Job> submitted;
  for (int i = 0; i < jobs; ++i) {
    Job j;
    j.game_id = "game-";
    j.game_id += std::to_string(i);
    j.moves.assign(line.begin(), line.begin() + (i % int(line.size())));
    j.level = 1 + i % 8;
    j.movetime_ms = 20;
    submitted.push_back(j);
    EXPECT_TRUE(pool.submit(j, c.callback(i)));
  }
  ASSERT_TRUE(c.wait_for(jobs, 60s));
  for (const auto& [id, r] : c.results) {
    ASSERT_TRUE(r.ok()) << id << ": " << r.error_text;
    rules::Game g;
    for (const auto& m : submitted[std::size_t(id)].moves) ASSERT_EQ(g.play_iccs(m), rules::PlayResult::Ok);
    EXPECT_EQ(g.play_iccs(r.bestmove), rules::PlayResult::Ok) << id << " " << r.bestmove;
  }
  const WorkerPoolStats s = pool.stats();
  EXPECT_EQ(s.jobs_done, std::uint64_t(jobs));
  EXPECT_EQ(s.queue_length, 0u);
  EXPECT_GT(s.total_job_ms, 0.0);
}

TEST(WorkerPool, ClockJobsAndFenJobs) {
  WorkerPool pool(WorkerPoolOptions{.workers = 1, .max_queue = 8, .hash_mb = 2});
  Collector c;
  Job j;
  j.game_id = "clock";
  j.initial_fen = "3k5/9/9/9/4r4/9/9/9/9/4RK3 w - - 0 1";
  j.time_ms[0] = j.time_ms[1] = 3000;
  j.inc_ms[0] = j.inc_ms[1] = 100;
  ASSERT_TRUE(pool.submit(j, c.callback(0)));
  ASSERT_TRUE(c.wait_for(1, 30s));
  ASSERT_TRUE(c.results[0].second.ok());
  EXPECT_EQ(c.results[0].second.bestmove, "e0e5");
}

TEST(WorkerPool, ReportsBadInputAndFinishedGames) {
  WorkerPool pool(WorkerPoolOptions{.workers = 1, .max_queue = 8, .hash_mb = 2});
  Collector c;
  Job bad_move;
  bad_move.moves = {"h2e3"};
  Job bad_fen;
  bad_fen.initial_fen = "not a fen";
  Job mated;
  mated.initial_fen = "4k4/8R/9/9/9/9/9/9/9/R2K5 w - - 0 1";
  mated.moves = {"a0a9"};
  mated.movetime_ms = 10;
  pool.submit(bad_move, c.callback(0));
  pool.submit(bad_fen, c.callback(1));
  pool.submit(mated, c.callback(2));
  ASSERT_TRUE(c.wait_for(3, 30s));
  for (const auto& [id, r] : c.results) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, id == 2 ? JobError::NoLegalMove : JobError::BadPosition) << r.error_text;
    EXPECT_FALSE(r.error_text.empty());
  }
}

TEST(WorkerPool, RefusesWhenFullAndShutsDownQuickly) {
  WorkerPoolOptions opt;
  opt.workers = 1;
  opt.max_queue = 2;
  opt.hash_mb = 2;
  WorkerPool pool(opt);
  Collector c;
  Job long_job;
  long_job.game_id = "long";
  long_job.movetime_ms = 30'000;
  ASSERT_TRUE(pool.submit(long_job, c.callback(0)));
  // Wait until the worker has taken it, so the queue is empty again.
  for (int i = 0; i < 500 && pool.stats().busy_workers == 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(pool.stats().busy_workers, 1);
  EXPECT_TRUE(pool.submit(long_job, c.callback(1)));
  EXPECT_TRUE(pool.submit(long_job, c.callback(2)));
  EXPECT_EQ(pool.stats().queue_length, 2u);
  EXPECT_FALSE(pool.submit(long_job, c.callback(3)));  // the callback ran already, on this thread
  {
    std::lock_guard lock(c.mu);
    ASSERT_EQ(c.results.size(), 1u);
    EXPECT_EQ(c.results[0].first, 3);
    EXPECT_EQ(c.results[0].second.error, JobError::QueueFull);
  }
  const auto t0 = std::chrono::steady_clock::now();
  pool.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  ASSERT_TRUE(c.wait_for(4, 1s));
  int cancelled = 0, shut = 0;
  for (const auto& [id, r] : c.results) {
    if (id == 0) {
      EXPECT_EQ(r.error, JobError::Cancelled);
      ++cancelled;
    } else if (id != 3) {
      EXPECT_EQ(r.error, JobError::ShuttingDown);
      ++shut;
    }
  }
  EXPECT_EQ(cancelled, 1);
  EXPECT_EQ(shut, 2);
  EXPECT_FALSE(pool.submit(long_job, c.callback(4)));
  pool.stop();  // idempotent
}

}  // namespace
}  // namespace chuhe::ai

TEST(WorkerPool, SharesThinkingTimeWhenMoreGamesWaitThanItHasWorkers) {
  // A free worker: the game's own time, less what it waited.
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 0, 0, 1, 1), 4000);
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 300, 0, 1, 2), 3700);
  // Fifty AI games on one worker: each gets a fiftieth.
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 0, 49, 1, 1), 80);
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 0, 3, 2, 4), 4000 * 4 / 5);
  // Never below the floor, nor above the game's own time.
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 0, 500, 1, 1), 50);
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(4000, 9000, 0, 1, 1), 50);
  EXPECT_EQ(chuhe::ai::WorkerPool::shared_movetime(20, 0, 500, 1, 1), 20);
}

TEST(WorkerPool, WorkersRunAtALowerPriorityThanTheCaller) {
  chuhe::ai::WorkerPoolOptions options;
  options.workers = 1;
  options.hash_mb = 1;
  options.nice = 5;
  chuhe::ai::WorkerPool pool(options);
  const int mine = ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  std::promise<int> theirs;
  chuhe::ai::Job job;
  job.level = 1;
  job.movetime_ms = 10;
  pool.submit(job, [&](const chuhe::ai::JobResult&) {
    theirs.set_value(::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))));
  });
  // Capped at 19 by the kernel (a test run under nice already).
  EXPECT_EQ(theirs.get_future().get(), std::min(mine + 5, 19));
}
