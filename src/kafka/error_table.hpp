// The one table that says which librdkafka/Kafka errors the bridge retries.
#pragma once

#include <librdkafka/rdkafka.h>

#include "event_bridge/transport.hpp"

namespace event_bridge::kafka {

// Retriable: the broker or network may recover (timeouts, leader changes, too few
// in-sync replicas, transport failures). Terminal: retrying cannot help (too large,
// not authorized, unknown or invalid topic, fatal producer state) and anything not in
// the table, so that an unknown error is counted and shown, never retried forever.
ErrorClass classify(rd_kafka_resp_err_t err);

// rd_kafka_err2name, except the two purge codes, which are both "PURGED".
const char* code_name(rd_kafka_resp_err_t err);

}  // namespace event_bridge::kafka
