#include "net/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace chuhe::net {
namespace {

using Json = nlohmann::json;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Time claims outside [0, year 9999] are refused as bad_claim: it keeps every comparison below far
// from integer overflow and costs no real token anything.
constexpr std::int64_t kMaxTime = 253402300799;

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "HS256") return EVP_sha256();
  if (alg == "HS384") return EVP_sha384();
  if (alg == "HS512") return EVP_sha512();
  return nullptr;
}

enum class Read { ok, missing, bad };

Read read_time(const Json& claims, const char* key, std::int64_t& out) {
  auto it = claims.find(key);
  if (it == claims.end()) return Read::missing;
  if (it->is_number_unsigned()) {
    auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(kMaxTime)) return Read::bad;
    out = static_cast<std::int64_t>(v);
  } else if (it->is_number_integer()) {
    out = it->get<std::int64_t>();
  } else if (it->is_number_float()) {
    // NumericDate may have a fraction (RFC 7519 §2); keep whole seconds.
    double d = it->get<double>();
    if (!std::isfinite(d) || d < 0 || d > static_cast<double>(kMaxTime)) return Read::bad;
    out = static_cast<std::int64_t>(std::floor(d));
  } else {
    return Read::bad;
  }
  return out >= 0 && out <= kMaxTime ? Read::ok : Read::bad;
}

Read read_string(const Json& claims, const char* key, std::string& out) {
  auto it = claims.find(key);
  if (it == claims.end()) return Read::missing;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) return Read::bad;
  out = it->get<std::string>();
  return Read::ok;
}

JwtResult fail(JwtError e) {
  JwtResult r;
  r.error = e;
  return r;
}

Json parse_object(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json();
}

}  // namespace

std::string_view to_string(JwtError error) {
  switch (error) {
    case JwtError::empty: return "empty";
    case JwtError::too_large: return "too_large";
    case JwtError::malformed: return "malformed";
    case JwtError::bad_alg: return "bad_alg";
    case JwtError::bad_signature: return "bad_signature";
    case JwtError::missing_claim: return "missing_claim";
    case JwtError::bad_claim: return "bad_claim";
    case JwtError::expired: return "expired";
    case JwtError::not_yet_valid: return "not_yet_valid";
    case JwtError::issued_in_future: return "issued_in_future";
  }
  return "unknown";
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    std::uint32_t v = byte(i) << 16;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
  } else if (bytes.size() - i == 2) {
    std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    std::int8_t v = kDecode[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;  // includes '=' padding and the standard alphabet's '+' and '/'
    acc = (acc << 6 | static_cast<std::uint32_t>(v)) & 0xFFFFFF;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xFF);
    }
  }
  // Leftover bits (2 or 4) must be zero, or two texts would decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string hmac(std::string_view alg, std::string_view key, std::string_view data) {
  const EVP_MD* md = digest_for(alg);
  if (md == nullptr) return {};
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &len) == nullptr)
    return {};
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

JwtCodec::JwtCodec(std::string secret, JwtOptions options) : secret_(std::move(secret)), options_(std::move(options)) {
  if (digest_for(options_.alg) == nullptr) throw std::invalid_argument("unsupported JWT alg: " + options_.alg);
  if (options_.leeway_seconds < 0 || options_.leeway_seconds > 86400)
    throw std::invalid_argument("JWT leeway must be within 0..86400 s");
}

std::string JwtCodec::sign(const JwtClaims& claims) const {
  Json header = {{"alg", options_.alg}, {"typ", "JWT"}};
  Json payload = {{"sub", claims.sub}, {"jti", claims.jti}, {"iat", claims.iat},
                  {"exp", claims.exp}, {"name", claims.name}, {"guest", claims.guest}};
  if (claims.nbf) payload["nbf"] = *claims.nbf;
  auto dump = [](const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); };
  std::string signing_input = base64url_encode(dump(header)) + "." + base64url_encode(dump(payload));
  return signing_input + "." + base64url_encode(hmac(options_.alg, secret_, signing_input));
}

JwtResult JwtCodec::verify(std::string_view token, std::int64_t now) const noexcept try {
  if (token.empty()) return fail(JwtError::empty);
  if (token.size() > options_.max_token_bytes) return fail(JwtError::too_large);

  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return fail(JwtError::malformed);
  std::string_view header_part = token.substr(0, dot1);
  std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_part = token.substr(dot2 + 1);
  if (header_part.empty() || payload_part.empty()) return fail(JwtError::malformed);

  // 1. The header, only to check it names our algorithm and nothing we do not implement.
  auto header_json = base64url_decode(header_part);
  if (!header_json) return fail(JwtError::malformed);
  Json header = parse_object(*header_json);
  if (!header.is_object()) return fail(JwtError::malformed);
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get_ref<const std::string&>() != options_.alg)
    return fail(JwtError::bad_alg);
  auto typ = header.find("typ");
  if (typ != header.end() && !(typ->is_string() && typ->get_ref<const std::string&>() == "JWT"))
    return fail(JwtError::bad_alg);
  if (header.contains("crit")) return fail(JwtError::bad_alg);  // no extension is understood here

  // 2. The signature, before anything in the payload is looked at.
  auto signature = base64url_decode(signature_part);
  if (!signature) return fail(JwtError::malformed);
  std::string expected = hmac(options_.alg, secret_, token.substr(0, dot2));
  if (expected.empty() || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    return fail(JwtError::bad_signature);

  // 3. The claims, now known to be ours.
  auto payload_json = base64url_decode(payload_part);
  if (!payload_json) return fail(JwtError::malformed);
  Json payload = parse_object(*payload_json);
  if (!payload.is_object()) return fail(JwtError::malformed);

  JwtClaims claims;
  Read reads[] = {read_time(payload, "exp", claims.exp), read_time(payload, "iat", claims.iat),
                  read_string(payload, "sub", claims.sub), read_string(payload, "jti", claims.jti)};
  for (Read r : reads)
    if (r == Read::missing) return fail(JwtError::missing_claim);
  for (Read r : reads)
    if (r == Read::bad) return fail(JwtError::bad_claim);
  std::int64_t nbf = 0;
  switch (read_time(payload, "nbf", nbf)) {
    case Read::ok: claims.nbf = nbf; break;
    case Read::bad: return fail(JwtError::bad_claim);
    case Read::missing: break;
  }
  if (auto it = payload.find("name"); it != payload.end()) {
    if (!it->is_string()) return fail(JwtError::bad_claim);
    claims.name = it->get<std::string>();
  }
  if (auto it = payload.find("guest"); it != payload.end()) {
    if (!it->is_boolean()) return fail(JwtError::bad_claim);
    claims.guest = it->get<bool>();
  }

  const std::int64_t leeway = options_.leeway_seconds;
  if (now - leeway >= claims.exp) return fail(JwtError::expired);
  if (claims.nbf && now + leeway < *claims.nbf) return fail(JwtError::not_yet_valid);
  if (claims.iat > now + leeway) return fail(JwtError::issued_in_future);

  JwtResult result;
  result.claims = std::move(claims);
  return result;
} catch (...) {
  // Only allocation failure can get here (JSON parsing runs without exceptions); refuse the token.
  return fail(JwtError::malformed);
}

}  // namespace chuhe::net
