#include "server/ratings.h"

#include <cmath>

#include "net/log.h"
#include "persistence/glicko2.h"

namespace chuhe::server {

double rated_score(const rooms::GameSetup& setup, const rooms::EndInfo& end) {
  if (!setup.rated) return -1;
  const auto* red = std::get_if<rooms::User>(&setup.red);
  const auto* black = std::get_if<rooms::User>(&setup.black);
  if (!red || !black || red->guest || black->guest || red->id == black->id) return -1;
  return persistence::glicko2::red_score(end.result.c_str());
}

void rate_finished_game(persistence::UserDirectory& users, const rooms::GameSetup& setup, const rooms::EndInfo& end) {
  const double score = rated_score(setup, end);
  if (score < 0) return;
  const std::string game = setup.id;
  users.rate_game(std::get<rooms::User>(setup.red).id, std::get<rooms::User>(setup.black).id, score,
                  [game](persistence::RatingUpdate update) {
                    if (update.status != persistence::UserStatus::ok) {
                      net::log_warn("ratings", "game " + game + " could not be rated");
                      return;
                    }
                    net::log_info("ratings", "game " + game + ": red " +
                                                 std::to_string(std::lround(update.red_before.rating)) + " -> " +
                                                 std::to_string(std::lround(update.red_after.rating)) + ", black " +
                                                 std::to_string(std::lround(update.black_before.rating)) +
                                                 " -> " + std::to_string(std::lround(update.black_after.rating)));
                  });
}

}  // namespace chuhe::server
