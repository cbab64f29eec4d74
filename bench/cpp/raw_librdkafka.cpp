// Baseline c, the ceiling: raw librdkafka producing records that are already encoded,
// with the producer settings the bridge uses (acks=all, idempotence, linger.ms=5, the
// same compression, queue limits, headers and keys). Every record is confirmed by its
// delivery report. No Python, no encoding, no buffer in front of librdkafka.
//
// Usage: raw_librdkafka --bootstrap HOST:PORT --topic T --records FILE --count N
//                       [--compression lz4] [--linger-ms 5] [--content-type T]
//                       [--property key=value]...
// FILE holds the records to produce, cycled until N are sent: repeated
// (u32 key length, key, u32 event-name length, name, u32 value length, value), native
// byte order (written by bench/baselines/raw_librdkafka.py).
// One warm-up record (the first) is produced and confirmed before the clock starts.
// Prints one JSON object: counts, seconds from the first timed produce to the last
// delivery report, and the process CPU time of that part.
#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Record {
  std::string key;
  std::string name;
  std::string value;
};

struct Counters {
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failed{0};
  std::string first_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* counters = static_cast<Counters*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    counters->delivered.fetch_add(1, std::memory_order_relaxed);
  } else {
    if (counters->failed.fetch_add(1, std::memory_order_relaxed) == 0) {
      counters->first_error = rd_kafka_err2str(message->err);
    }
  }
}

bool read_u32(const std::string& data, std::size_t& at, std::uint32_t& out) {
  if (data.size() - at < sizeof out) return false;
  std::memcpy(&out, data.data() + at, sizeof out);
  at += sizeof out;
  return true;
}

bool read_field(const std::string& data, std::size_t& at, std::string& out) {
  std::uint32_t size = 0;
  if (!read_u32(data, at, size) || data.size() - at < size) return false;
  out.assign(data, at, size);
  at += size;
  return true;
}

std::vector<Record> load_records(const char* path) {
  std::ifstream file(path, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<Record> records;
  std::size_t at = 0;
  while (at < data.size()) {
    Record record;
    if (!read_field(data, at, record.key) || !read_field(data, at, record.name) ||
        !read_field(data, at, record.value)) {
      std::fprintf(stderr, "raw_librdkafka: %s: truncated record %zu\n", path, records.size());
      std::exit(2);
    }
    records.push_back(std::move(record));
  }
  return records;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void usage_error(const char* reason) {
  std::fprintf(stderr,
               "raw_librdkafka: %s\nusage: raw_librdkafka --bootstrap HOST:PORT --topic T "
               "--records FILE --count N [--compression C] [--linger-ms MS] "
               "[--content-type T] [--property key=value]...\n",
               reason);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string bootstrap, topic, records_path, compression = "lz4", linger_ms = "5";
  std::string content_type = "application/msgpack";
  std::vector<std::pair<std::string, std::string>> extra;
  long long count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage_error(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--bootstrap") bootstrap = value;
    else if (arg == "--topic") topic = value;
    else if (arg == "--records") records_path = value;
    else if (arg == "--count") count = std::atoll(value.c_str());
    else if (arg == "--compression") compression = value;
    else if (arg == "--linger-ms") linger_ms = value;
    else if (arg == "--content-type") content_type = value;
    else if (arg == "--property") {
      const auto eq = value.find('=');
      if (eq == std::string::npos) usage_error("--property needs key=value");
      extra.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      usage_error(("unknown option " + arg).c_str());
    }
  }
  if (bootstrap.empty() || topic.empty() || records_path.empty() || count <= 0) {
    usage_error("--bootstrap, --topic, --records and --count are required");
  }
  const std::vector<Record> records = load_records(records_path.c_str());
  if (records.empty()) usage_error("no records in the file");

  Counters counters;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The bridge's kafka_defaults(), src/kafka/kafka_transport.cpp.
  std::vector<std::pair<std::string, std::string>> properties = {
      {"bootstrap.servers", bootstrap},
      {"acks", "all"},
      {"enable.idempotence", "true"},
      {"compression.codec", compression},
      {"linger.ms", linger_ms},
      {"max.in.flight.requests.per.connection", "1"},
      {"reconnect.backoff.max.ms", "1000"},
      {"message.timeout.ms", "0"},
      {"queue.buffering.max.messages", "100000"},
      {"queue.buffering.max.kbytes", "65536"},
      {"client.id", "bench-raw-librdkafka"},
  };
  properties.insert(properties.end(), extra.begin(), extra.end());
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "raw_librdkafka: %s=%s: %s\n", key.c_str(), value.c_str(), errstr);
      return 2;
    }
  }
  rd_kafka_conf_set_opaque(conf, &counters);
  rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::fprintf(stderr, "raw_librdkafka: %s\n", errstr);
    rd_kafka_conf_destroy(conf);
    return 2;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  static const char kVersion[] = "1";
  auto produce = [&](const Record& record) {
    return rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(rkt),
        RD_KAFKA_V_KEY(record.key.empty() ? nullptr : record.key.data(), record.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADER("name", record.name.data(), static_cast<ssize_t>(record.name.size())),
        RD_KAFKA_V_HEADER("content-type", content_type.data(),
                          static_cast<ssize_t>(content_type.size())),
        RD_KAFKA_V_HEADER("envelope-version", kVersion, 1), RD_KAFKA_V_END);
  };

  // Warm-up outside the timed part, as every system gets: metadata, connection and the
  // idempotent producer id.
  if (produce(records[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) usage_error("warm-up produce failed");
  rd_kafka_flush(rk, 60000);
  if (counters.delivered.load() != 1) {
    std::fprintf(stderr, "raw_librdkafka: warm-up record not delivered: %s\n",
                 counters.first_error.c_str());
    return 1;
  }
  counters.delivered.store(0);

  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  long long queue_full = 0;
  for (long long i = 0; i < count;) {
    const Record& record = records[static_cast<std::size_t>(i) % records.size()];
    const rd_kafka_resp_err_t err = produce(record);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      ++queue_full;
      rd_kafka_poll(rk, 1);
      continue;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::fprintf(stderr, "raw_librdkafka: produce: %s\n", rd_kafka_err2str(err));
      return 1;
    }
    rd_kafka_poll(rk, 0);
    ++i;
  }
  const auto produced = std::chrono::steady_clock::now();
  while (rd_kafka_outq_len(rk) > 0) rd_kafka_poll(rk, 5);
  const auto done = std::chrono::steady_clock::now();
  const double cpu = cpu_seconds() - cpu_start;

  const double seconds = std::chrono::duration<double>(done - start).count();
  const double produce_seconds = std::chrono::duration<double>(produced - start).count();
  std::printf(
      "{\"produced\": %lld, \"delivered\": %llu, \"failed\": %llu, \"queue_full\": %lld, "
      "\"seconds\": %.6f, \"produce_seconds\": %.6f, \"cpu_seconds\": %.6f, "
      "\"librdkafka\": \"%s\", \"first_error\": \"%s\"}\n",
      count, static_cast<unsigned long long>(counters.delivered.load()),
      static_cast<unsigned long long>(counters.failed.load()), queue_full, seconds,
      produce_seconds, cpu, rd_kafka_version_str(), counters.first_error.c_str());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return counters.delivered.load() == static_cast<std::uint64_t>(count) ? 0 : 1;
}
