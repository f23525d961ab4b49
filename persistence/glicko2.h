#pragma once
// Glicko-2 ratings (Mark Glickman, "Example of the Glicko-2 system", glicko.net/glicko/glicko2.pdf).
// Pure functions, no I/O: the archive stores the three numbers, rooms/ decides when a game is rated.
//
// Defaults follow lichess (lila, modules/rating/src/main/Glicko.scala): a new player starts at rating
// 1500, deviation 500, volatility 0.09; tau 0.75; the deviation stays within [45, 500], the volatility at
// most 0.1, the rating at least 400. Glickman's paper suggests 1500/350/0.06 and tau 0.3–1.2 (0.5 in its
// example); lichess's wider start lets a new player's rating move quickly to where they belong.
// Note: the archive's users table (migration 1) was created with defaults 1500/350/0.06; new users should
// be given kNewPlayer explicitly rather than rely on those column defaults.
#include <span>
#include <utility>

namespace chuhe::persistence::glicko2 {

struct Rating {
  double rating = 1500;
  double deviation = 500;    // RD
  double volatility = 0.09;  // sigma
};

struct Params {
  double tau = 0.75;                // constrains the change of volatility
  double epsilon = 0.000001;        // convergence of the volatility iteration (the paper's value)
  double min_deviation = 45;        // bounds applied to every result (lichess's cap()); see raw()
  double max_deviation = 500;
  double max_volatility = 0.1;
  double min_rating = 400;
};

inline constexpr Rating kNewPlayer{};
inline constexpr Params kLichess{};
// No bounds, tau 0.5: exactly the paper's algorithm, for its worked example.
inline constexpr Params kPaper{0.5, 0.000001, 0, 1e9, 1e9, -1e9};

struct Outcome {
  Rating opponent;
  double score = 0;  // 1 win, 0.5 draw, 0 loss
};

// One rating period: `player` after `games` (all played within the period, against the opponents'
// ratings at the start of it). With no games, only the deviation grows (step 6 of the paper).
Rating update(const Rating& player, std::span<const Outcome> games, const Params& params = kLichess);

// One game, rated at once as its own rating period (as lichess does): both players' new ratings.
// `red_score` is 1 if red won, 0.5 for a draw, 0 if black won.
std::pair<Rating, Rating> rate_game(const Rating& red, const Rating& black, double red_score,
                                    const Params& params = kLichess);

// The deviation after `periods` rating periods without games (sqrt(phi^2 + periods * sigma^2)), capped at
// params.max_deviation: a long-absent player's rating becomes uncertain again. Lichess counts 0.21436
// periods per day (RD 60 -> 110 in a year).
Rating age(const Rating& player, double periods, const Params& params = kLichess);
inline constexpr double kLichessPeriodsPerDay = 0.21436;

// The result score of a game result string for red: "1-0" -> 1, "0-1" -> 0, "1/2-1/2" -> 0.5; -1 for
// anything else (an aborted or unfinished game, which is never rated).
double red_score(const char* result);

}  // namespace chuhe::persistence::glicko2
