// libFuzzer target for the JWT verifier and the strict base64url decoder.
//
// Three ways in, chosen by the first byte, so that the fuzzer reaches the code behind the signature too:
//   0: the input is a token, verified as it comes (almost always stops at the signature);
//   1: the input is "header JSON \n payload JSON", encoded and signed with the right key, then verified
//      (exercises the header and claim checks with attacker-chosen JSON);
//   2: the input is base64url text: whatever decodes must re-encode to exactly the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/jwt.h"

namespace {

const std::string kSecret = "fuzzing-secret-fuzzing-secret-fuzzing-secret";

void check(bool condition) {
  if (!condition) std::abort();
}

void verify_and_check(const chuhe::net::JwtCodec& codec, std::string_view token) {
  chuhe::net::JwtResult r = codec.verify(token, 1'700'000'000);
  if (!r.ok()) return;
  // Accepted: the claims must be usable and the token must survive a re-sign round trip.
  check(!r.claims->sub.empty() && !r.claims->jti.empty());
  chuhe::net::JwtResult again = codec.verify(codec.sign(*r.claims), 1'700'000'000);
  check(again.ok() && again.claims->sub == r.claims->sub && again.claims->exp == r.claims->exp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const chuhe::net::JwtCodec codec(kSecret);
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      verify_and_check(codec, input);
      break;
    case 1: {
      auto newline = input.find('\n');
      std::string_view header = input.substr(0, newline);
      std::string_view payload = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
      std::string signing_input = chuhe::net::base64url_encode(header) + "." + chuhe::net::base64url_encode(payload);
      std::string token = signing_input + "." + chuhe::net::base64url_encode(chuhe::net::hmac("HS256", kSecret, signing_input));
      verify_and_check(codec, token);
      break;
    }
    default: {
      auto decoded = chuhe::net::base64url_decode(input);
      if (decoded) check(chuhe::net::base64url_encode(*decoded) == input);
      break;
    }
  }
  return 0;
}
