#include "server/ai_seats.h"

#include "net/log.h"

namespace chuhe::server {

std::chrono::milliseconds PoolAiPlayer::share(std::chrono::milliseconds budget, std::size_t waiting, int busy,
                                              int workers) {
  workers = std::max(workers, 1);
  // Jobs ahead of this one, plus this one, spread over the workers.
  const long long contenders = static_cast<long long>(waiting) + busy + 1;
  if (contenders <= workers) return budget;
  constexpr std::chrono::milliseconds kFloor{50};  // enough for a sensible move at any level
  const std::chrono::milliseconds shared{budget.count() * workers / contenders};
  return std::max(std::min(budget, kFloor), shared);
}

void PoolAiPlayer::request_move(const std::string& game_id, const std::string& initial_fen,
                                std::vector<std::string> moves, int level, std::chrono::milliseconds budget,
                                Done done) {
  ai::Job job;
  job.game_id = game_id;
  job.initial_fen = initial_fen;
  job.moves = std::move(moves);
  job.level = level;
  const ai::WorkerPoolStats load = pool_->stats();
  job.movetime_ms =
      static_cast<int>(std::max<long long>(1, share(budget, load.queue_length, load.busy_workers, workers_).count()));
  pool_->submit(std::move(job), [done = std::move(done), game_id](const ai::JobResult& result) {
    // A failed job is answered too ("" = no move), so the game never waits on a lost request; the
    // game logs nothing itself, so say why here.
    if (!result.ok() && result.bestmove.empty())
      net::log_warn("ai", "game " + game_id + ": " + std::string(ai::to_string(result.error)) + " " + result.error_text);
    done(result.bestmove);
  });
}

}  // namespace chuhe::server
