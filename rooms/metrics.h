#pragma once
// Counters of the game rooms for /metrics: moves accepted, how long a move takes from the server reading
// it to its broadcast (checks, the durable journal write, serialization: the server's share of the move
// relay), and refusals by the protocol's error code. Process-wide atomics: cheap to bump from any strand.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace chuhe::rooms::metrics {

// Upper bounds of the relay histogram's buckets, in milliseconds (the last bucket is +Inf).
inline constexpr std::array<double, 10> kRelayBucketsMs{0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000};
// The protocol's error codes, in its order of precedence (PROTOCOL.md), then "unavailable".
inline constexpr std::array<std::string_view, 9> kErrorCodes{"bad_request", "rate_limited", "not_found",
                                                             "not_in_game", "game_over",    "not_your_turn",
                                                             "stale_ply",   "illegal_move", "unavailable"};

void count_move(std::chrono::steady_clock::duration read_to_broadcast);
void count_refusal(std::string_view code);

// Prometheus text of everything above.
std::string prometheus_text();

}  // namespace chuhe::rooms::metrics
