#include "event_bridge/filter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "event_bridge/errors.hpp"

namespace event_bridge {
namespace {

using Patterns = std::vector<std::string>;

// The deny list of kytos-ng/kafka_events (settings.BLOCKED_PATTERNS), which it applies
// with re.search; here they are whole-name patterns.
const Patterns kBlocked = {
    "kytos/of_core.v0x04.messages.*",
    "kytos/flow_manager.messages.out.*",
    "kytos/of_lldp.messages.out.*",
    "kytos/core.openflow.raw.*",
};

std::string error_of(const Patterns& allow, const Patterns& deny) {
  try {
    EventFilter filter(allow, deny);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string field_of(const Patterns& allow, const Patterns& deny) {
  try {
    EventFilter filter(allow, deny);
  } catch (const ConfigError& e) {
    return e.field();
  }
  return "no error";
}

TEST(EventFilter, DotStarAllowsEveryName) {
  EventFilter filter({".*"}, {});
  for (const char* name : {"", "kytos/topology.link_up", "kytos.flow_manager.flows.install",
                           "topology.interruption.start", "kytos/core.openflow.raw.in"}) {
    EXPECT_TRUE(filter.passes(name)) << name;
  }
}

TEST(EventFilter, PatternsMatchTheWholeName) {
  EventFilter prefix({"kytos/topology.*"}, {});
  EXPECT_TRUE(prefix.passes("kytos/topology.link_up"));
  EXPECT_TRUE(prefix.passes("kytos/topology.switch.enabled"));
  EXPECT_FALSE(prefix.passes("kytos/of_core.handshake.completed"));

  // re.match with '$' appended: neither a substring nor a prefix is enough.
  EventFilter substring({"topology"}, {});
  EXPECT_FALSE(substring.passes("kytos/topology.link_up"));
  EXPECT_TRUE(substring.passes("topology"));
  EventFilter napp_only({"kytos/topology"}, {});
  EXPECT_FALSE(napp_only.passes("kytos/topology.link_up"));
  EventFilter tail({"link_up"}, {});
  EXPECT_FALSE(tail.passes("kytos/topology.link_up"));
}

TEST(EventFilter, DotIsAWildcardAsInKytos) {
  EventFilter filter({"kytos/topology.link_up"}, {});
  EXPECT_TRUE(filter.passes("kytos/topology.link_up"));
  EXPECT_TRUE(filter.passes("kytos/topologyXlink_up"));
  EventFilter escaped({R"(kytos/topology\.link_up)"}, {});
  EXPECT_TRUE(escaped.passes("kytos/topology.link_up"));
  EXPECT_FALSE(escaped.passes("kytos/topologyXlink_up"));
}

TEST(EventFilter, GlobSyntaxIsNotAGlob) {
  // CONTRACT 3.2: 'kytos/topology.link_*' is "link" followed by underscores.
  EventFilter filter({"kytos/topology.link_*"}, {});
  EXPECT_FALSE(filter.passes("kytos/topology.link_up"));
  EXPECT_TRUE(filter.passes("kytos/topology.link"));
  EXPECT_TRUE(filter.passes("kytos/topology.link__"));
}

TEST(EventFilter, AlternationCoversTheWholeName) {
  EventFilter filter({"kytos/topology.link_up|kytos/topology.link_down"}, {});
  EXPECT_TRUE(filter.passes("kytos/topology.link_up"));
  EXPECT_TRUE(filter.passes("kytos/topology.link_down"));
  EXPECT_FALSE(filter.passes("kytos/topology.link_up.extra"));
}

TEST(EventFilter, ExplicitAnchorsAreAccepted) {
  EventFilter filter({"^kytos/mef_eline\\..*$"}, {});
  EXPECT_TRUE(filter.passes("kytos/mef_eline.created"));
  EXPECT_FALSE(filter.passes("x/kytos/mef_eline.created"));
}

TEST(EventFilter, DenyWins) {
  EventFilter filter({".*"}, {"kytos/core.openflow.raw.*"});
  EXPECT_FALSE(filter.passes("kytos/core.openflow.raw.in"));
  EXPECT_TRUE(filter.passes("kytos/core.openflow.connection.new"));

  EventFilter same({"kytos/topology.link_up"}, {"kytos/topology.link_up"});
  EXPECT_FALSE(same.passes("kytos/topology.link_up"));
}

TEST(EventFilter, EmptyAllowListAllowsEverythingNotDenied) {
  EventFilter open({}, {});
  EXPECT_TRUE(open.passes("kytos/topology.link_up"));
  EXPECT_TRUE(open.passes(""));

  EventFilter blocked({}, kBlocked);
  EXPECT_FALSE(blocked.passes("kytos/of_core.v0x04.messages.in.ofpt_packet_in"));
  EXPECT_FALSE(blocked.passes("kytos/of_core.v0x04.messages.out.ofpt_echo_reply"));
  EXPECT_FALSE(blocked.passes("kytos/flow_manager.messages.out.ofpt_flow_mod"));
  EXPECT_FALSE(blocked.passes("kytos/of_lldp.messages.out.ofpt_packet_out"));
  EXPECT_FALSE(blocked.passes("kytos/core.openflow.raw.in"));
  EXPECT_TRUE(blocked.passes("kytos/of_core.reachable.mac"));
  EXPECT_TRUE(blocked.passes("kytos/of_lldp.interface.is.nni"));
  EXPECT_TRUE(blocked.passes("kytos/flow_manager.flow.added"));
  EXPECT_TRUE(blocked.passes("kytos.flow_manager.flows.install"));
}

TEST(EventFilter, AllowListWithSeveralPatterns) {
  EventFilter filter({"kytos/topology\\..*", "kytos/mef_eline\\..*", "topology\\.interruption\\..*",
                      "kytos\\.flow_manager\\.flows\\.(install|delete)"},
                     {"kytos/topology.updated"});
  EXPECT_TRUE(filter.passes("kytos/topology.link_up"));
  EXPECT_TRUE(filter.passes("kytos/mef_eline.deployed"));
  EXPECT_TRUE(filter.passes("topology.interruption.start"));
  EXPECT_TRUE(filter.passes("kytos.flow_manager.flows.install"));
  EXPECT_FALSE(filter.passes("kytos.flow_manager.flows.single.install"));
  EXPECT_FALSE(filter.passes("kytos/topology.updated"));
  EXPECT_FALSE(filter.passes("kytos/of_core.handshake.completed"));
  EXPECT_FALSE(filter.passes(""));
}

// The list is matched through one RE2::Set; the oracle is the patterns' meaning.
// ".*a.{20}" also makes the DFA large, which exercises RE2's state-cache resets.
TEST(EventFilter, PatternSetAgreesWithEachPattern) {
  EventFilter filter({".*a.{20}", "b.*"}, {"a*"});
  std::mt19937 random(7);
  for (int round = 0; round < 500; ++round) {
    std::string name(21 + random() % 300, 'c');
    for (char& c : name) {
      c = "ab"[random() % 2];
    }
    const bool allowed = name[name.size() - 21] == 'a' || name[0] == 'b';
    const bool denied = name.find('b') == std::string::npos;
    ASSERT_EQ(filter.passes(name), allowed && !denied) << name;
  }
}

TEST(EventFilter, Utf8Names) {
  EventFilter filter({"kytos/caf\u00e9\\..*"}, {});
  EXPECT_TRUE(filter.passes("kytos/caf\u00e9.x"));
  EXPECT_FALSE(filter.passes("kytos/cafe.x"));
}

TEST(EventFilter, InvalidPatternNamesFieldAndPattern) {
  EXPECT_EQ(error_of({"kytos/.*", "x", "("}, {}), "allow[2]: invalid pattern '(': missing ): (");
  EXPECT_EQ(field_of({"kytos/.*", "x", "("}, {}), "allow[2]");
  EXPECT_EQ(error_of({}, {"[z-a]"}), "deny[0]: invalid pattern '[z-a]': invalid character class range: z-a");
  EXPECT_EQ(field_of({".*"}, {"ok", "a{1001}"}), "deny[1]");
  EXPECT_EQ(error_of({"a++"}, {}), "allow[0]: invalid pattern 'a++': bad repetition operator: ++");
}

TEST(EventFilter, PythonOnlyConstructsAreConfigErrors) {
  EXPECT_EQ(error_of({}, {R"((kytos)/\1)"}),
            R"(deny[0]: invalid pattern '(kytos)/\1': invalid escape sequence: \1 (RE2 has no backreferences))");
  EXPECT_EQ(error_of({"kytos/(?!core).*"}, {}),
            "allow[0]: invalid pattern 'kytos/(?!core).*': invalid perl operator: (?! "
            "(RE2 has no lookahead or lookbehind)");
  EXPECT_EQ(field_of({".*", "(?<=kytos/)topology.*"}, {}), "allow[1]");
  EXPECT_NE(error_of({"(?<=kytos/)topology.*"}, {}).find("lookahead or lookbehind"), std::string::npos);
  EXPECT_NE(error_of({"(?P<u>\\w+)/(?P=u)"}, {}).find("backreferences"), std::string::npos);
  EXPECT_NE(error_of({"(?<user>\\w+)/.*"}, {}).find("(?P<name>...)"), std::string::npos);
  EXPECT_NE(error_of({R"(kytos/.*\Z)"}, {}).find(R"(invalid escape sequence: \Z)"), std::string::npos);
}

TEST(EventFilter, MovedFilterKeepsItsLists) {
  EventFilter first({"kytos/.*"}, {"kytos/core.*"});
  EventFilter second(std::move(first));
  EXPECT_TRUE(second.passes("kytos/topology.link_up"));
  EXPECT_FALSE(second.passes("kytos/core.switch.new"));
  EventFilter third({}, {});
  third = std::move(second);
  EXPECT_FALSE(third.passes("amlight/sdntrace_cp.trace"));
}

TEST(EventFilter, ConcurrentCallers) {
  EventFilter filter({"kytos/.*", "amlight/.*"}, kBlocked);
  const std::vector<std::string> names = {"kytos/topology.link_up", "kytos/core.openflow.raw.in",
                                          "amlight/sdntrace_cp.trace", "topology.interruption.start"};
  const std::vector<bool> expected = {true, false, true, false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::size_t n = (i + t) % names.size();
        if (filter.passes(names[n]) != expected[n]) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST(NamePattern, MatchesWholeNames) {
  NamePattern pattern("kytos/topology.link_(up|down)", "routes[0].pattern");
  EXPECT_EQ(pattern.pattern(), "kytos/topology.link_(up|down)");
  EXPECT_TRUE(pattern.matches("kytos/topology.link_up"));
  EXPECT_TRUE(pattern.matches("kytos/topology.link_down"));
  EXPECT_FALSE(pattern.matches("kytos/topology.link_up.x"));
  EXPECT_FALSE(pattern.matches("x.kytos/topology.link_up"));

  NamePattern moved(std::move(pattern));
  EXPECT_TRUE(moved.matches("kytos/topology.link_down"));
  EXPECT_EQ(moved.pattern(), "kytos/topology.link_(up|down)");
}

TEST(NamePattern, InvalidPatternNamesTheGivenField) {
  try {
    NamePattern pattern("(a)\\1", "routes[1].pattern");
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "routes[1].pattern");
    EXPECT_EQ(std::string(e.what()),
              "routes[1].pattern: invalid pattern '(a)\\1': invalid escape sequence: \\1 "
              "(RE2 has no backreferences)");
  }
}

}  // namespace
}  // namespace event_bridge
