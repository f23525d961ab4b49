#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-23T20:41:07.123Z","level":"warn","event":"accept","msg":"Too many open files"}
// Cheap enough for warnings and lifecycle events; nothing on a per-message hot path logs.
#include <string_view>

namespace chuhe::net {

enum class LogLevel { debug, info, warn, error };

void set_log_level(LogLevel level);
void log(LogLevel level, std::string_view event, std::string_view message);

inline void log_info(std::string_view event, std::string_view message) { log(LogLevel::info, event, message); }
inline void log_warn(std::string_view event, std::string_view message) { log(LogLevel::warn, event, message); }
inline void log_error(std::string_view event, std::string_view message) { log(LogLevel::error, event, message); }

}  // namespace chuhe::net
