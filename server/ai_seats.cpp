#include "server/ai_seats.h"

#include "net/log.h"

namespace chuhe::server {

void PoolAiPlayer::request_move(const std::string& game_id, const std::string& initial_fen,
                                std::vector<std::string> moves, int level, std::chrono::milliseconds budget,
                                Done done) {
  ai::Job job;
  job.game_id = game_id;
  job.initial_fen = initial_fen;
  job.moves = std::move(moves);
  job.level = level;
  job.movetime_ms = static_cast<int>(std::max<long long>(1, budget.count()));
  pool_->submit(std::move(job), [done = std::move(done), game_id](const ai::JobResult& result) {
    // A failed job is answered too ("" = no move), so the game never waits on a lost request; the
    // game logs nothing itself, so say why here.
    if (!result.ok() && result.bestmove.empty())
      net::log_warn("ai", "game " + game_id + ": " + std::string(ai::to_string(result.error)) + " " + result.error_text);
    done(result.bestmove);
  });
}

}  // namespace chuhe::server
