// JWT signing and verification: a round trip, and one test per way a token must be refused.
#include "net/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace chuhe::net {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-secret";
constexpr std::int64_t kNow = 1'700'000'000;

JwtClaims sample_claims() {
  JwtClaims c;
  c.sub = "u_0123456789abcdef01234567";
  c.jti = random_hex(16);
  c.iat = kNow;
  c.exp = kNow + 3600;
  c.name = "Alice";
  c.guest = false;
  return c;
}

// Signs arbitrary header and payload JSON with `secret` and `alg`, as an attacker with (or without) the
// key could, to reach each check behind the signature.
std::string forge(const nlohmann::json& header, const nlohmann::json& payload, const std::string& secret = kSecret,
                  const std::string& alg = "HS256") {
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return input + "." + base64url_encode(hmac(alg, secret, input));
}

nlohmann::json payload_of(const JwtClaims& c) {
  return {{"sub", c.sub}, {"jti", c.jti}, {"iat", c.iat}, {"exp", c.exp}, {"name", c.name}, {"guest", c.guest}};
}

const nlohmann::json kHeader = {{"alg", "HS256"}, {"typ", "JWT"}};

JwtError error_of(const JwtCodec& codec, std::string_view token, std::int64_t now = kNow) {
  JwtResult r = codec.verify(token, now);
  EXPECT_FALSE(r.ok()) << "token unexpectedly accepted: " << token;
  return r.error;
}

TEST(Jwt, RoundTrip) {
  JwtCodec codec(kSecret);
  JwtClaims c = sample_claims();
  c.guest = true;
  std::string token = codec.sign(c);
  JwtResult r = codec.verify(token, kNow + 10);
  ASSERT_TRUE(r.ok()) << to_string(r.error);
  EXPECT_EQ(r.claims->sub, c.sub);
  EXPECT_EQ(r.claims->jti, c.jti);
  EXPECT_EQ(r.claims->iat, c.iat);
  EXPECT_EQ(r.claims->exp, c.exp);
  EXPECT_EQ(r.claims->name, "Alice");
  EXPECT_TRUE(r.claims->guest);
  EXPECT_FALSE(r.claims->nbf.has_value());
}

TEST(Jwt, JtiIs128RandomBitsInHex) {
  std::string a = random_hex(16), b = random_hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(Jwt, HeaderNamesTheConfiguredAlgorithm) {
  JwtCodec codec(kSecret, JwtOptions{"HS512"});
  std::string token = codec.sign(sample_claims());
  auto header = nlohmann::json::parse(*base64url_decode(token.substr(0, token.find('.'))));
  EXPECT_EQ(header["alg"], "HS512");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_TRUE(codec.verify(token, kNow).ok());
}

TEST(Jwt, RefusesEmpty) { EXPECT_EQ(error_of(JwtCodec(kSecret), ""), JwtError::empty); }

TEST(Jwt, RefusesGarbage) {
  JwtCodec codec(kSecret);
  EXPECT_EQ(error_of(codec, "garbage"), JwtError::malformed);
  EXPECT_EQ(error_of(codec, "a.b"), JwtError::malformed);
  EXPECT_EQ(error_of(codec, "a.b.c.d"), JwtError::malformed);
  EXPECT_EQ(error_of(codec, ".."), JwtError::malformed);
  EXPECT_EQ(error_of(codec, std::string("\0\0.\0.\0", 6)), JwtError::malformed);
  // Valid base64url, but not JSON objects.
  EXPECT_EQ(error_of(codec, base64url_encode("[1]") + "." + base64url_encode("{}") + ".AAAA"), JwtError::malformed);
  EXPECT_EQ(error_of(codec, base64url_encode("{") + "." + base64url_encode("{}") + ".AAAA"), JwtError::malformed);
}

TEST(Jwt, RefusesBadBase64) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(sample_claims());
  auto dot = token.rfind('.');
  EXPECT_EQ(error_of(codec, token + "="), JwtError::malformed);              // padding
  EXPECT_EQ(error_of(codec, token.substr(0, dot + 1) + "+/+/"), JwtError::malformed);  // standard alphabet
  EXPECT_EQ(error_of(codec, token.substr(0, dot + 1) + "A"), JwtError::malformed);     // length 1 mod 4
  EXPECT_EQ(error_of(codec, "e30=." + token.substr(token.find('.') + 1)), JwtError::malformed);
}

TEST(Jwt, Base64urlIsStrictAndCanonical) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00", 3)}) {
    auto enc = base64url_encode(s);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(base64url_decode(enc), s);
  }
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_FALSE(base64url_decode("Zh"));   // non-zero unused bits: a second spelling of "f"
  EXPECT_FALSE(base64url_decode("Zm9"));  // ditto for "fo" ("Zm8" is canonical)
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_FALSE(base64url_decode("Zg=="));
  EXPECT_FALSE(base64url_decode("Z g"));
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_EQ(base64url_decode("-_-_"), std::string("\xfb\xff\xbf", 3));
}

TEST(Jwt, RefusesAlgNone) {
  JwtCodec codec(kSecret);
  auto payload = base64url_encode(payload_of(sample_claims()).dump());
  EXPECT_EQ(error_of(codec, base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."),
            JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, base64url_encode(R"({"alg":"None"})") + "." + payload + "."), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, base64url_encode(R"({"typ":"JWT"})") + "." + payload + "."), JwtError::bad_alg);
}

TEST(Jwt, RefusesOtherAlgorithms) {
  JwtCodec codec(kSecret);
  auto claims = payload_of(sample_claims());
  // Correctly signed with the same key, but with an algorithm we did not configure.
  EXPECT_EQ(error_of(codec, forge({{"alg", "HS512"}, {"typ", "JWT"}}, claims, kSecret, "HS512")), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, forge({{"alg", "HS384"}}, claims, kSecret, "HS384")), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, forge({{"alg", "RS256"}}, claims)), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, forge({{"alg", "hs256"}}, claims)), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, forge({{"alg", 256}}, claims)), JwtError::bad_alg);
  // A configured HS512 codec refuses HS256 tokens likewise.
  EXPECT_EQ(error_of(JwtCodec(kSecret, JwtOptions{"HS512"}), forge(kHeader, claims)), JwtError::bad_alg);
  EXPECT_THROW(JwtCodec(kSecret, JwtOptions{"none"}), std::invalid_argument);
  EXPECT_THROW(JwtCodec(kSecret, JwtOptions{"RS256"}), std::invalid_argument);
}

TEST(Jwt, RefusesOtherTypAndCrit) {
  JwtCodec codec(kSecret);
  auto claims = payload_of(sample_claims());
  EXPECT_TRUE(codec.verify(forge({{"alg", "HS256"}}, claims), kNow).ok());  // typ is optional
  EXPECT_EQ(error_of(codec, forge({{"alg", "HS256"}, {"typ", "JWE"}}, claims)), JwtError::bad_alg);
  EXPECT_EQ(error_of(codec, forge({{"alg", "HS256"}, {"crit", {"exp"}}}, claims)), JwtError::bad_alg);
}

TEST(Jwt, RefusesChangedPayload) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(sample_claims());
  auto first = token.find('.'), second = token.rfind('.');
  JwtClaims other = sample_claims();
  other.sub = "u_somebody_else";
  std::string tampered =
      token.substr(0, first + 1) + base64url_encode(payload_of(other).dump()) + token.substr(second);
  EXPECT_EQ(error_of(codec, tampered), JwtError::bad_signature);
}

TEST(Jwt, RefusesWrongSignature) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(sample_claims());
  auto dot = token.rfind('.');
  std::string sig = *base64url_decode(token.substr(dot + 1));
  sig[0] = static_cast<char>(sig[0] ^ 1);
  EXPECT_EQ(error_of(codec, token.substr(0, dot + 1) + base64url_encode(sig)), JwtError::bad_signature);
  EXPECT_EQ(error_of(codec, token.substr(0, dot + 1) + base64url_encode(sig.substr(0, 16))), JwtError::bad_signature);
  EXPECT_EQ(error_of(codec, token.substr(0, dot + 1)), JwtError::bad_signature);  // empty signature
}

TEST(Jwt, RefusesWrongSecret) {
  std::string token = JwtCodec(kSecret).sign(sample_claims());
  EXPECT_EQ(error_of(JwtCodec(kSecret + "x"), token), JwtError::bad_signature);
}

TEST(Jwt, RefusesExpired) {
  JwtCodec codec(kSecret, JwtOptions{"HS256", 30});
  JwtClaims c = sample_claims();
  std::string token = codec.sign(c);
  EXPECT_TRUE(codec.verify(token, c.exp - 1).ok());
  EXPECT_TRUE(codec.verify(token, c.exp + 29).ok());  // within the leeway
  EXPECT_EQ(error_of(codec, token, c.exp + 30), JwtError::expired);
  EXPECT_EQ(error_of(codec, token, c.exp + 100000), JwtError::expired);
}

TEST(Jwt, RefusesNotYetValid) {
  JwtCodec codec(kSecret, JwtOptions{"HS256", 30});
  JwtClaims c = sample_claims();
  c.nbf = kNow + 100;
  std::string token = codec.sign(c);
  EXPECT_EQ(error_of(codec, token, kNow), JwtError::not_yet_valid);
  EXPECT_EQ(error_of(codec, token, kNow + 69), JwtError::not_yet_valid);
  EXPECT_TRUE(codec.verify(token, kNow + 70).ok());  // nbf - leeway
  EXPECT_TRUE(codec.verify(token, kNow + 100).ok());
}

TEST(Jwt, RefusesIssuedInTheFuture) {
  JwtCodec codec(kSecret, JwtOptions{"HS256", 30});
  JwtClaims c = sample_claims();
  c.iat = kNow + 31;
  c.exp = kNow + 3600;
  EXPECT_EQ(error_of(codec, codec.sign(c), kNow), JwtError::issued_in_future);
  c.iat = kNow + 30;
  EXPECT_TRUE(codec.verify(codec.sign(c), kNow).ok());
}

TEST(Jwt, LeewayIsConfigurable) {
  JwtClaims c = sample_claims();
  std::string strict_token = JwtCodec(kSecret, JwtOptions{"HS256", 0}).sign(c);
  EXPECT_EQ(error_of(JwtCodec(kSecret, JwtOptions{"HS256", 0}), strict_token, c.exp), JwtError::expired);
  EXPECT_TRUE(JwtCodec(kSecret, JwtOptions{"HS256", 120}).verify(strict_token, c.exp + 119).ok());
  EXPECT_TRUE(JwtCodec(kSecret).verify(strict_token, c.exp + 29).ok());  // default 30 s
}

TEST(Jwt, RefusesMissingClaims) {
  JwtCodec codec(kSecret);
  for (const char* claim : {"exp", "sub", "jti", "iat"}) {
    auto payload = payload_of(sample_claims());
    payload.erase(claim);
    EXPECT_EQ(error_of(codec, forge(kHeader, payload)), JwtError::missing_claim) << claim;
  }
}

TEST(Jwt, RefusesBadClaimTypes) {
  JwtCodec codec(kSecret);
  std::vector<std::pair<const char*, nlohmann::json>> cases = {
      {"exp", "1700003600"}, {"exp", nullptr}, {"exp", -1}, {"exp", 1e300}, {"exp", 18446744073709551615ull},
      {"iat", true},         {"nbf", "soon"},  {"sub", 42}, {"sub", ""},    {"jti", nlohmann::json::array()},
      {"name", 7},           {"guest", "yes"}};
  for (const auto& [claim, value] : cases) {
    auto payload = payload_of(sample_claims());
    payload[claim] = value;
    EXPECT_EQ(error_of(codec, forge(kHeader, payload)), JwtError::bad_claim) << claim << " = " << value.dump();
  }
}

TEST(Jwt, AcceptsFractionalTimes) {
  JwtCodec codec(kSecret);
  auto payload = payload_of(sample_claims());
  payload["exp"] = static_cast<double>(kNow) + 100.5;
  JwtResult r = codec.verify(forge(kHeader, payload), kNow);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.claims->exp, kNow + 100);
}

TEST(Jwt, RefusesOversize) {
  JwtCodec codec(kSecret);
  JwtClaims c = sample_claims();
  c.name = std::string(4000, 'x');
  std::string token = codec.sign(c);
  ASSERT_GT(token.size(), 4096u);
  EXPECT_EQ(error_of(codec, token), JwtError::too_large);
  EXPECT_EQ(error_of(codec, std::string(1 << 20, 'A')), JwtError::too_large);
}

TEST(Jwt, SignatureIsCheckedBeforeClaims) {
  // An unsigned-looking token with broken claims reports the signature, not the claims: nothing in an
  // unauthenticated payload is examined.
  JwtCodec codec(kSecret);
  std::string token = forge(kHeader, {{"exp", "never"}}, "not-the-secret-not-the-secret-xx");
  EXPECT_EQ(error_of(codec, token), JwtError::bad_signature);
  std::string bad_payload = base64url_encode(R"({"alg":"HS256"})") + ".!!!!." + base64url_encode("sig");
  EXPECT_EQ(error_of(codec, bad_payload), JwtError::bad_signature);
}

TEST(Jwt, ErrorNames) {
  EXPECT_EQ(to_string(JwtError::bad_signature), "bad_signature");
  EXPECT_EQ(to_string(JwtError::expired), "expired");
}

}  // namespace
}  // namespace chuhe::net
