#pragma once
// Loopback ports for servers started by tests.
#include <chrono>
#include <cstdint>

namespace chuhe::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released). Another process
// could take it before the caller binds it: servers started on it should retry with a new port if their
// bind fails (RedisServer does).
std::uint16_t free_loopback_port();

// Whether something accepts TCP connections on 127.0.0.1:port (a connect attempt bounded by `timeout`).
bool loopback_port_open(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds(200));

}  // namespace chuhe::test
