#include "persistence/glicko2.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

namespace chuhe::persistence::glicko2 {
namespace {

constexpr double kScale = 173.7178;  // the paper's conversion between the Glicko and Glicko-2 scales

double g(double phi) { return 1.0 / std::sqrt(1.0 + 3.0 * phi * phi / (std::numbers::pi * std::numbers::pi)); }

double expected(double mu, double mu_j, double phi_j) { return 1.0 / (1.0 + std::exp(-g(phi_j) * (mu - mu_j))); }

Rating bounded(Rating r, const Params& p) {
  r.rating = std::max(r.rating, p.min_rating);
  r.deviation = std::clamp(r.deviation, p.min_deviation, p.max_deviation);
  r.volatility = std::min(r.volatility, p.max_volatility);
  return r;
}

// Step 5 of the paper: the new volatility, by the Illinois algorithm on f(x).
double new_volatility(double sigma, double phi, double v, double delta, const Params& p) {
  const double a = std::log(sigma * sigma);
  const double tau2 = p.tau * p.tau;
  auto f = [&](double x) {
    double ex = std::exp(x);
    double d = phi * phi + v + ex;
    return ex * (delta * delta - phi * phi - v - ex) / (2.0 * d * d) - (x - a) / tau2;
  };
  double A = a;
  double B;
  if (delta * delta > phi * phi + v) {
    B = std::log(delta * delta - phi * phi - v);
  } else {
    double k = 1;
    while (f(a - k * p.tau) < 0) k += 1;
    B = a - k * p.tau;
  }
  double fA = f(A);
  double fB = f(B);
  // Bounded, so that a NaN from absurd inputs cannot spin forever; it converges in a handful of steps.
  for (int i = 0; i < 200 && std::abs(B - A) > p.epsilon; ++i) {
    double C = A + (A - B) * fA / (fB - fA);
    double fC = f(C);
    if (fC * fB <= 0) {  // "<= 0" as in the paper's 2022 revision; "< 0" can stall when fC is exactly 0
      A = B;
      fA = fB;
    } else {
      fA /= 2;
    }
    B = C;
    fB = fC;
  }
  return std::exp(A / 2);
}

}  // namespace

Rating update(const Rating& player, std::span<const Outcome> games, const Params& params) {
  const double mu = (player.rating - 1500.0) / kScale;
  const double phi = player.deviation / kScale;
  const double sigma = player.volatility;
  if (games.empty()) {
    Rating r = player;
    r.deviation = std::sqrt(phi * phi + sigma * sigma) * kScale;
    return bounded(r, params);
  }
  double v_inv = 0;
  double sum = 0;
  for (const Outcome& o : games) {
    double mu_j = (o.opponent.rating - 1500.0) / kScale;
    double phi_j = o.opponent.deviation / kScale;
    double e = expected(mu, mu_j, phi_j);
    double gj = g(phi_j);
    v_inv += gj * gj * e * (1 - e);
    sum += gj * (o.score - e);
  }
  const double v = 1.0 / v_inv;
  const double delta = v * sum;
  const double sigma_new = new_volatility(sigma, phi, v, delta, params);
  const double phi_star = std::sqrt(phi * phi + sigma_new * sigma_new);
  const double phi_new = 1.0 / std::sqrt(1.0 / (phi_star * phi_star) + 1.0 / v);
  const double mu_new = mu + phi_new * phi_new * sum;
  return bounded(Rating{mu_new * kScale + 1500.0, phi_new * kScale, sigma_new}, params);
}

std::pair<Rating, Rating> rate_game(const Rating& red, const Rating& black, double red_score,
                                    const Params& params) {
  const Outcome for_red[] = {{black, red_score}};
  const Outcome for_black[] = {{red, 1.0 - red_score}};
  return {update(red, for_red, params), update(black, for_black, params)};
}

Rating age(const Rating& player, double periods, const Params& params) {
  Rating r = player;
  double phi = player.deviation / kScale;
  r.deviation = std::sqrt(phi * phi + std::max(periods, 0.0) * player.volatility * player.volatility) * kScale;
  r.deviation = std::min(r.deviation, params.max_deviation);
  return r;
}

double red_score(const char* result) {
  if (std::strcmp(result, "1-0") == 0) return 1.0;
  if (std::strcmp(result, "0-1") == 0) return 0.0;
  if (std::strcmp(result, "1/2-1/2") == 0) return 0.5;
  return -1.0;
}

}  // namespace chuhe::persistence::glicko2
