#include "event_bridge/router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "event_bridge/errors.hpp"

namespace event_bridge {
namespace {

using Names = std::vector<std::string>;

std::vector<std::string> topics_of(const TopicRouter& router, const RouteDecision& decision) {
  std::vector<std::string> out;
  for (std::uint32_t index : decision.topics) {
    out.push_back(router.topic(index));
  }
  return out;
}

std::vector<std::string> key_texts(const RouteDecision& decision) {
  std::vector<std::string> out;
  for (const KeyPath& path : *decision.key_paths) {
    out.push_back(path.text);
  }
  return out;
}

// numbered("u", i, "/napp.x") trips GCC 12's false -Wrestrict (PR 105329).
std::string numbered(std::string_view before, std::size_t number, std::string_view after = "") {
  std::string out(before);
  out += std::to_string(number);
  out += after;
  return out;
}

std::string napp(std::string_view name) {
  return TopicRouter::napp_of(name, Config{}.known_users, Config{}.default_user);
}

// what() of the ConfigError that constructing a router with `config` throws.
std::string error_of(const Config& config) {
  try {
    TopicRouter router(config);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string check_error(const std::string& topic) {
  try {
    TopicRouter::check_topic(topic, "routes[3].topic");
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.field(), "routes[3].topic");
    return e.what();
  }
  return "no error";
}

TEST(NappOf, RealKytosNames) {
  EXPECT_EQ(napp("kytos/topology.link_up"), "kytos/topology");
  EXPECT_EQ(napp("kytos/topology.switch.enabled"), "kytos/topology");
  EXPECT_EQ(napp("kytos/of_core.v0x04.messages.in.ofpt_packet_in"), "kytos/of_core");
  EXPECT_EQ(napp("kytos/core.openflow.raw.in"), "kytos/core");
  EXPECT_EQ(napp("kytos/mef_eline.created"), "kytos/mef_eline");
  EXPECT_EQ(napp("kytos/of_lldp.loaded"), "kytos/of_lldp");
  EXPECT_EQ(napp("amlight/sdntrace_cp.trace"), "amlight/sdntrace_cp");
  EXPECT_EQ(napp("kytos.flow_manager.flows.install"), "kytos/flow_manager");
  EXPECT_EQ(napp("kytos.flow_manager.flows.single.delete"), "kytos/flow_manager");
  EXPECT_EQ(napp("topology.interruption.start"), "kytos/topology");
  EXPECT_EQ(napp("topology.interruption.end"), "kytos/topology");
}

TEST(NappOf, EdgeCases) {
  EXPECT_EQ(napp(""), "kytos/unknown");
  EXPECT_EQ(napp("kytos"), "kytos/kytos");
  EXPECT_EQ(napp("kytos."), "kytos/unknown");
  EXPECT_EQ(napp("amlight.telemetry.int.x"), "amlight/telemetry");
  EXPECT_EQ(napp("/x.y"), "unknown/x");
  EXPECT_EQ(napp("kytos/"), "kytos/unknown");
  EXPECT_EQ(napp("kytos/.x"), "kytos/unknown");
  EXPECT_EQ(napp("a/b/c.d"), "a/b/c");
  EXPECT_EQ(napp("weird name!/x y.z"), "weird name!/x y");
}

TEST(NappOf, KnownUsersAndDefaultUserComeFromConfig) {
  EXPECT_EQ(TopicRouter::napp_of("topology.interruption.start", {"kytos"}, "sdx"), "sdx/topology");
  EXPECT_EQ(TopicRouter::napp_of("kytos.flow_manager.flows.install", {}, "kytos"), "kytos/kytos");
  EXPECT_EQ(TopicRouter::napp_of("acme.napp.x", {"acme"}, "kytos"), "acme/napp");
  EXPECT_EQ(TopicRouter::napp_of("x", {}, ""), "unknown/x");
}

TEST(TopicRouter, DefaultTopicsForRealNames) {
  TopicRouter router(Config{});
  const std::map<std::string, std::string> napp_topic = {
      {"kytos/topology.link_up", "kytos.events.kytos.topology"},
      {"kytos/of_core.v0x04.messages.in.ofpt_packet_in", "kytos.events.kytos.of_core"},
      {"kytos.flow_manager.flows.install", "kytos.events.kytos.flow_manager"},
      {"topology.interruption.start", "kytos.events.kytos.topology"},
      {"amlight/sdntrace_cp.trace", "kytos.events.amlight.sdntrace_cp"},
      {"kytos/core.openflow.raw.in", "kytos.events.kytos.core"},
      {"weird name!/x y.z", "kytos.events.weird-name-.x-y"},
      {"", "kytos.events.kytos.unknown"},
  };
  for (const auto& [name, topic] : napp_topic) {
    const auto decision = router.decide(name);
    EXPECT_EQ(decision->name, name);
    EXPECT_TRUE(decision->passes) << name;
    const Names expected = {"kytos.events", topic};
    EXPECT_EQ(topics_of(router, *decision), expected) << name;
    EXPECT_EQ(decision->topic_names, expected) << name;
    EXPECT_EQ(key_texts(*decision), Config{}.key_paths) << name;
  }
  EXPECT_EQ(router.topic(0), "kytos.events");
  EXPECT_EQ(router.topic_count(), 8u);  // verbose + 7 distinct per-NApp topics
  EXPECT_EQ(router.decide("kytos/topology.link_up")->topics,
            router.decide("topology.interruption.start")->topics);
}

TEST(TopicRouter, VerboseAndNappTopicsSwitchOff) {
  Config no_verbose;
  no_verbose.verbose_topic_enabled = false;
  TopicRouter napp_only(no_verbose);
  EXPECT_EQ(topics_of(napp_only, *napp_only.decide("kytos/topology.link_up")),
            Names{"kytos.events.kytos.topology"});

  Config no_napp;
  no_napp.napp_topics_enabled = false;
  no_napp.verbose_topic = "all-events";
  TopicRouter verbose_only(no_napp);
  EXPECT_EQ(topics_of(verbose_only, *verbose_only.decide("kytos/topology.link_up")), Names{"all-events"});
  EXPECT_EQ(verbose_only.topic_count(), 1u);

  Config neither = no_napp;
  neither.verbose_topic_enabled = false;
  TopicRouter nothing(neither);
  const auto decision = nothing.decide("kytos/topology.link_up");
  EXPECT_TRUE(decision->passes);
  EXPECT_TRUE(decision->topics.empty());
  EXPECT_EQ(nothing.topic_count(), 0u);
}

TEST(TopicRouter, NappTopicPrefix) {
  Config config;
  config.napp_topic_prefix = "ctl1.";
  TopicRouter router(config);
  EXPECT_EQ(router.decide("kytos/mef_eline.created")->topic_names,
            (Names{"kytos.events", "ctl1.kytos.mef_eline"}));
}

TEST(TopicRouter, CustomRoutesAddTopicsAndOverrideKeyPaths) {
  Config config;
  config.routes = {
      {"kytos/topology.link_(up|down)", "kytos.links", "link.id"},
      {"kytos/topology\\..*", "kytos.topology-all", ""},
      {"kytos/topology.link_up", "kytos.links", "link.endpoint_a.id"},
      {"kytos/topology.switch.*", "kytos.events.kytos.topology", "dpid"},
      {"kytos\\.flow_manager\\.flows\\..*", "flow-requests", "dpid"},
  };
  TopicRouter router(config);

  const auto link_up = router.decide("kytos/topology.link_up");
  EXPECT_EQ(topics_of(router, *link_up),
            (Names{"kytos.events", "kytos.events.kytos.topology", "kytos.links", "kytos.topology-all"}));
  EXPECT_EQ(key_texts(*link_up), Names{"link.id"});
  ASSERT_EQ(link_up->key_paths->size(), 1u);
  EXPECT_EQ((*link_up->key_paths)[0].segments, (Names{"link", "id"}));

  // A route to a topic that is already in the list adds nothing but its key path.
  const auto switch_enabled = router.decide("kytos/topology.switch.enabled");
  EXPECT_EQ(topics_of(router, *switch_enabled),
            (Names{"kytos.events", "kytos.events.kytos.topology", "kytos.topology-all"}));
  EXPECT_EQ(key_texts(*switch_enabled), Names{"dpid"});

  const auto updated = router.decide("kytos/topology.updated");
  EXPECT_EQ(key_texts(*updated), Config{}.key_paths);

  const auto install = router.decide("kytos.flow_manager.flows.install");
  EXPECT_EQ(topics_of(router, *install),
            (Names{"kytos.events", "kytos.events.kytos.flow_manager", "flow-requests"}));

  const auto other = router.decide("kytos/mef_eline.created");
  EXPECT_EQ(topics_of(router, *other), (Names{"kytos.events", "kytos.events.kytos.mef_eline"}));
}

TEST(TopicRouter, CustomRouteAloneWhenBuiltInTopicsAreOff) {
  Config config;
  config.verbose_topic_enabled = false;
  config.napp_topics_enabled = false;
  config.routes = {{"kytos/mef_eline\\..*", "evcs", "evc_id"}};
  TopicRouter router(config);
  EXPECT_EQ(topics_of(router, *router.decide("kytos/mef_eline.deployed")), Names{"evcs"});
  const auto unrouted = router.decide("kytos/topology.link_up");
  EXPECT_TRUE(unrouted->passes);
  EXPECT_TRUE(unrouted->topics.empty());
}

TEST(TopicRouter, FilteredNamesGetNoTopics) {
  Config config;
  config.allow = {"kytos/.*", "topology\\..*"};
  config.deny = {"kytos/core.openflow.raw.*", "kytos/of_core.v0x04.messages.*"};
  TopicRouter router(config);
  for (const char* name : {"kytos/core.openflow.raw.in", "kytos/of_core.v0x04.messages.in.ofpt_packet_in",
                           "kytos.flow_manager.flows.install", "amlight/sdntrace_cp.trace"}) {
    const auto decision = router.decide(name);
    EXPECT_FALSE(decision->passes) << name;
    EXPECT_TRUE(decision->topics.empty()) << name;
    EXPECT_TRUE(decision->topic_names.empty()) << name;
    EXPECT_TRUE(decision->key_paths->empty()) << name;
  }
  EXPECT_TRUE(router.decide("topology.interruption.start")->passes);
  EXPECT_TRUE(router.decide("kytos/topology.link_down")->passes);
  EXPECT_EQ(router.cached_names(), 6u);  // rejected names are cached too
}

TEST(TopicRouter, EvaluateRegistersNothingAndCachesNothing) {
  Config config;
  config.routes = {{"kytos/topology.link_up", "links", "link.id"}};
  TopicRouter router(config);
  const std::size_t topics_before = router.topic_count();
  const RouteDecision evaluated = router.evaluate("kytos/topology.link_up");
  EXPECT_TRUE(evaluated.passes);
  EXPECT_TRUE(evaluated.topics.empty());
  EXPECT_EQ(evaluated.topic_names, (Names{"kytos.events", "kytos.events.kytos.topology", "links"}));
  EXPECT_EQ(key_texts(evaluated), Names{"link.id"});
  EXPECT_EQ(router.topic_count(), topics_before);
  EXPECT_EQ(router.cached_names(), 0u);

  const auto decided = router.decide("kytos/topology.link_up");
  EXPECT_EQ(decided->topic_names, evaluated.topic_names);
  EXPECT_EQ(topics_of(router, *decided), evaluated.topic_names);
  EXPECT_EQ(router.topic_count(), topics_before + 1);
}

TEST(TopicRouter, TopicIndexOutOfRangeThrows) {
  TopicRouter router(Config{});
  EXPECT_THROW(router.topic(1), std::out_of_range);
  EXPECT_THROW(router.topic(TopicRouter::kMaxTopics), std::out_of_range);
}

TEST(SanitizeTopic, ReplacesIllegalCharacters) {
  EXPECT_EQ(TopicRouter::sanitize_topic("kytos.events.kytos.of_core"), "kytos.events.kytos.of_core");
  EXPECT_EQ(TopicRouter::sanitize_topic("a/b c!d:e"), "a-b-c-d-e");
  EXPECT_EQ(TopicRouter::sanitize_topic("Az09._-"), "Az09._-");
  EXPECT_EQ(TopicRouter::sanitize_topic("caf\u00e9"), "caf--");  // each UTF-8 byte
  EXPECT_EQ(TopicRouter::sanitize_topic(""), "");
}

TEST(SanitizeTopic, LongNamesAreCutWithAStableHash) {
  const std::string long_name(300, 'a');
  const std::string topic = TopicRouter::sanitize_topic(long_name);
  ASSERT_EQ(topic.size(), 249u);
  EXPECT_EQ(topic, std::string(240, 'a') + "-279e8f01");  // FNV-1a of the whole name
  EXPECT_EQ(TopicRouter::sanitize_topic(long_name), topic);

  std::string other = long_name;
  other.back() = 'b';
  EXPECT_NE(TopicRouter::sanitize_topic(other), topic);
  EXPECT_EQ(TopicRouter::sanitize_topic(other).substr(0, 240), topic.substr(0, 240));

  EXPECT_EQ(TopicRouter::sanitize_topic(std::string(249, 'x')), std::string(249, 'x'));
  EXPECT_EQ(TopicRouter::sanitize_topic(std::string(250, 'x')).size(), 249u);
  EXPECT_NO_THROW(TopicRouter::check_topic(topic, "t"));
}

TEST(SanitizeTopic, LongEventNameGivesALegalNappTopic) {
  Config config;
  config.verbose_topic_enabled = false;
  TopicRouter router(config);
  const std::string name = "kytos/" + std::string(300, 'x') + ".y";
  const auto topics = topics_of(router, *router.decide(name));
  ASSERT_EQ(topics.size(), 1u);
  EXPECT_EQ(topics[0].size(), 249u);
  EXPECT_EQ(topics[0], TopicRouter::sanitize_topic("kytos.events.kytos." + std::string(300, 'x')));
  EXPECT_EQ(topics[0].substr(240), "-8b73f91e");
}

TEST(CheckTopic, AcceptsLegalNames) {
  EXPECT_NO_THROW(TopicRouter::check_topic("kytos.events", "f"));
  EXPECT_NO_THROW(TopicRouter::check_topic("a", "f"));
  EXPECT_NO_THROW(TopicRouter::check_topic("...", "f"));
  EXPECT_NO_THROW(TopicRouter::check_topic(std::string(249, 'z'), "f"));
}

TEST(CheckTopic, RejectsIllegalNames) {
  EXPECT_EQ(check_error(""), "routes[3].topic: empty topic name");
  EXPECT_EQ(check_error("."), "routes[3].topic: topic name '.' is not allowed by Kafka");
  EXPECT_EQ(check_error(".."), "routes[3].topic: topic name '..' is not allowed by Kafka");
  EXPECT_EQ(check_error("kytos events"),
            "routes[3].topic: topic name 'kytos events' has the illegal character ' '; "
            "Kafka allows [a-zA-Z0-9._-]");
  EXPECT_EQ(check_error("kytos/events"),
            "routes[3].topic: topic name 'kytos/events' has the illegal character '/'; "
            "Kafka allows [a-zA-Z0-9._-]");
  EXPECT_NE(check_error(std::string("a\nb")).find("'\\x0a'"), std::string::npos);
  EXPECT_EQ(check_error(std::string(250, 'a')),
            "routes[3].topic: topic name is 250 characters long; Kafka allows at most 249");
}

TEST(KeyPathParse, SplitsDottedPaths) {
  const KeyPath path = KeyPath::parse("link.endpoint_a.id", "key_paths[0]");
  EXPECT_EQ(path.text, "link.endpoint_a.id");
  EXPECT_EQ(path.segments, (Names{"link", "endpoint_a", "id"}));
  EXPECT_EQ(KeyPath::parse("dpid", "f").segments, Names{"dpid"});
}

TEST(KeyPathParse, RejectsEmptySegments) {
  for (const char* text : {"", ".", "link.", ".id", "link..id"}) {
    try {
      KeyPath::parse(text, "key_paths[4]");
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.field(), "key_paths[4]");
    }
  }
}

TEST(TopicRouterConfig, ErrorsNameTheField) {
  Config config;
  config.verbose_topic = "kytos events";
  EXPECT_EQ(error_of(config).rfind("verbose_topic: topic name 'kytos events'", 0), 0u);
  config.verbose_topic_enabled = false;  // still the fallback topic, still checked
  EXPECT_EQ(error_of(config).rfind("verbose_topic: ", 0), 0u);

  config = Config{};
  config.napp_topic_prefix = "kytos/events.";
  EXPECT_EQ(error_of(config).rfind("napp_topic_prefix: ", 0), 0u);
  config.napp_topics_enabled = false;
  EXPECT_EQ(error_of(config), "no error");

  config = Config{};
  config.routes = {{"kytos/.*", "ok", ""}, {"kytos/(", "ok", ""}};
  EXPECT_EQ(error_of(config), "routes[1].pattern: invalid pattern 'kytos/(': missing ): kytos/(");

  config.routes = {{"kytos/.*", "not ok", ""}};
  EXPECT_EQ(error_of(config).rfind("routes[0].topic: ", 0), 0u);

  config.routes = {{"kytos/.*", "ok", "link..id"}};
  EXPECT_EQ(error_of(config), "routes[0].key_path: key path 'link..id' has an empty segment");

  config = Config{};
  config.key_paths = {"evc_id", ""};
  EXPECT_EQ(error_of(config), "key_paths[1]: empty key path");

  config = Config{};
  config.allow = {"(a)\\1"};
  EXPECT_EQ(error_of(config).rfind("allow[0]: invalid pattern '(a)\\1'", 0), 0u);
  config.allow = {};
  config.deny = {".*", "(?=x)"};
  EXPECT_EQ(error_of(config).rfind("deny[1]: ", 0), 0u);
}

TEST(TopicRouterCache, SameNameSameDecision) {
  TopicRouter router(Config{});
  EXPECT_EQ(router.cached_names(), 0u);
  const auto first = router.decide("kytos/topology.link_up");
  std::string buffer = "kytos/topology.link_up";  // not the same storage as the literal
  const auto second = router.decide(std::string_view(buffer));
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(router.cached_names(), 1u);
  router.decide("kytos/topology.link_down");
  router.decide("kytos/topology.link_up");
  EXPECT_EQ(router.cached_names(), 2u);
  EXPECT_EQ(router.cache_overflows(), 0u);
}

TEST(TopicRouterCache, DecisionsSurviveCacheGrowth) {
  TopicRouter router(Config{});
  std::vector<std::shared_ptr<const RouteDecision>> decisions;
  for (int i = 0; i < 3000; ++i) {
    decisions.push_back(router.decide(numbered("kytos/topology.e", i)));
  }
  EXPECT_EQ(router.cached_names(), 3000u);
  for (int i = 0; i < 3000; ++i) {
    const std::string name = numbered("kytos/topology.e", i);
    ASSERT_EQ(router.decide(name).get(), decisions[i].get()) << name;
    ASSERT_EQ(decisions[i]->name, name);
  }
  EXPECT_EQ(router.topic_count(), 2u);
}

TEST(TopicRouterCache, OverflowIsEvaluatedButNotCached) {
  TopicRouter router(Config{});
  for (std::size_t i = 0; i < TopicRouter::kMaxCachedNames; ++i) {
    router.decide(numbered("kytos/of_core.n", i));
  }
  EXPECT_EQ(router.cached_names(), TopicRouter::kMaxCachedNames);
  EXPECT_EQ(router.cache_overflows(), 0u);

  const auto a = router.decide("kytos/mef_eline.one_too_many");
  const auto b = router.decide("kytos/mef_eline.one_too_many");
  EXPECT_NE(a.get(), b.get());
  EXPECT_EQ(a->topic_names, (Names{"kytos.events", "kytos.events.kytos.mef_eline"}));
  EXPECT_EQ(topics_of(router, *b), a->topic_names);
  EXPECT_EQ(router.cache_overflows(), 2u);
  EXPECT_EQ(router.cached_names(), TopicRouter::kMaxCachedNames);

  // Names cached before the limit are still hits.
  EXPECT_EQ(router.decide("kytos/of_core.n7").get(), router.decide("kytos/of_core.n7").get());
  EXPECT_EQ(router.cache_overflows(), 2u);
}

TEST(TopicRouterTopics, BeyondMaxTopicsNamesGoToTheVerboseTopic) {
  Config config;
  config.routes = {{"u9999/.*", "custom", ""}};
  TopicRouter router(config);  // verbose + custom
  const std::size_t napp_topics = TopicRouter::kMaxTopics - 2;
  for (std::size_t i = 0; i < napp_topics; ++i) {
    const auto decision = router.decide(numbered("u", i, "/napp.x"));
    ASSERT_EQ(decision->topics.size(), 2u);
  }
  EXPECT_EQ(router.topic_count(), TopicRouter::kMaxTopics);
  EXPECT_EQ(router.topic_overflows(), 0u);

  const auto late = router.decide("late/napp.x");
  EXPECT_EQ(topics_of(router, *late), Names{"kytos.events"});
  const auto routed = router.decide("u9999/napp.x");
  EXPECT_EQ(topics_of(router, *routed), (Names{"kytos.events", "custom"}));
  EXPECT_EQ(router.topic_overflows(), 2u);
  EXPECT_EQ(router.decide("late/napp.x").get(), late.get());  // cached, counted once
  EXPECT_EQ(router.topic_overflows(), 2u);
  EXPECT_EQ(router.evaluate("other/napp.x").topic_names, Names{"kytos.events"});
  // An already registered per-NApp topic still works.
  EXPECT_EQ(router.decide("u1/napp.y")->topic_names, (Names{"kytos.events", "kytos.events.u1.napp"}));
  EXPECT_EQ(router.topic_count(), TopicRouter::kMaxTopics);
}

TEST(TopicRouterTopics, VerboseTopicKeepsASlotWhenSwitchedOff) {
  Config config;
  config.verbose_topic_enabled = false;
  TopicRouter router(config);
  for (std::size_t i = 0; i + 1 < TopicRouter::kMaxTopics; ++i) {
    ASSERT_EQ(router.decide(numbered("u", i, "/napp.x"))->topics.size(), 1u);
  }
  EXPECT_EQ(router.topic_count(), TopicRouter::kMaxTopics - 1);
  EXPECT_EQ(router.evaluate("late/napp.x").topic_names, Names{"kytos.events"});
  const auto late = router.decide("late/napp.x");
  EXPECT_EQ(topics_of(router, *late), Names{"kytos.events"});
  EXPECT_EQ(late->topics[0], TopicRouter::kMaxTopics - 1);
  EXPECT_EQ(router.topic_count(), TopicRouter::kMaxTopics);
  EXPECT_EQ(router.topic_overflows(), 1u);
}

// 4 threads, 100k decide() calls in all, on overlapping name sets; run under TSan too.
TEST(TopicRouterConcurrency, ConsistentDecisionsFromManyThreads) {
  Config config;
  config.deny = {"kytos/core.openflow.raw.*"};
  config.routes = {{"kytos/topology.link_(up|down)", "links", "link.id"}};
  TopicRouter router(config);

  Names names = {"kytos/topology.link_up", "kytos/topology.link_down", "kytos/core.openflow.raw.in",
                 "kytos.flow_manager.flows.install", "topology.interruption.start",
                 "amlight/sdntrace_cp.trace"};
  for (int i = 0; i < 400; ++i) {
    names.push_back(numbered(numbered("u", i % 40, "/napp"), i, ".event"));
  }
  std::vector<RouteDecision> expected;
  for (const std::string& name : names) {
    expected.push_back(router.evaluate(name));
  }

  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 25000;
  std::vector<std::vector<const RouteDecision*>> seen(kThreads,
                                                      std::vector<const RouteDecision*>(names.size()));
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread walks 3/4 of the names, starting at a different place.
      const std::size_t span = names.size() * 3 / 4;
      for (int call = 0; call < kCallsPerThread; ++call) {
        const std::size_t n = (t * names.size() / kThreads + call % span) % names.size();
        const auto decision = router.decide(names[n]);
        const RouteDecision& want = expected[n];
        bool ok = decision->name == names[n] && decision->passes == want.passes &&
                  decision->topic_names == want.topic_names &&
                  decision->topics.size() == want.topic_names.size() &&
                  key_texts(*decision) == key_texts(want);
        for (std::size_t i = 0; ok && i < decision->topics.size(); ++i) {
          ok = router.topic(decision->topics[i]) == want.topic_names[i];
        }
        if (seen[t][n] == nullptr) {
          seen[t][n] = decision.get();
        } else if (seen[t][n] != decision.get()) {
          ok = false;
        }
        if (!ok) {
          wrong.fetch_add(1, std::memory_order_relaxed);
        }
        if (call % 1000 == 0 && router.cached_names() > names.size()) {
          wrong.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(router.cached_names(), names.size());
  for (std::size_t n = 0; n < names.size(); ++n) {
    const RouteDecision* first = nullptr;
    for (int t = 0; t < kThreads; ++t) {
      if (seen[t][n] == nullptr) {
        continue;
      }
      if (first == nullptr) {
        first = seen[t][n];
      }
      EXPECT_EQ(seen[t][n], first) << names[n];
    }
    EXPECT_EQ(router.decide(names[n]).get(), first) << names[n];
  }
  EXPECT_EQ(router.cache_overflows(), 0u);
}

}  // namespace
}  // namespace event_bridge
