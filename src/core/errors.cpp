#include "event_bridge/errors.hpp"

#include <algorithm>
#include <cctype>

namespace event_bridge {

bool is_secret_key(const std::string& key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // librdkafka's secrets: sasl.password, ssl.key.password, ssl.keystore.password,
  // ssl.key.pem, ssl_key, sasl.oauthbearer.client.secret, sasl.oauthbearer.config, ...
  for (const char* marker : {"password", "secret", "ssl.key.pem", "ssl_key", "oauthbearer.config",
                             "token", "credential"}) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace event_bridge
