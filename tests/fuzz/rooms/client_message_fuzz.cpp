// Fuzzes the client-message parser: any bytes a client sends in a text frame must give either a
// well-formed request or a precise error — never a crash, a hang, or an id that breaks the JSON
// it is echoed into.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <variant>

#include "rooms/protocol_in.h"
#include "rooms/protocol_out.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = chuhe::rooms::parse_client_message(text);
  // Whatever id was read is echoed into our answer; the answer must still be one valid JSON object.
  std::string_view id;
  std::string message;
  if (auto* error = std::get_if<chuhe::rooms::ParseError>(&parsed)) {
    id = error->id;
    message = error->message;
  } else {
    id = std::get<chuhe::rooms::ClientRequest>(parsed).id;
  }
  std::string answer = chuhe::rooms::write_error("bad_request", message, id);
  auto reparsed = nlohmann::json::parse(answer, nullptr, false);
  if (reparsed.is_discarded() || !reparsed.is_object()) __builtin_trap();
  return 0;
}
