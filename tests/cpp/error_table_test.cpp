// The one table that decides which librdkafka/Kafka errors the bridge retries, and the
// code names that appear in stats().last_errors.
#include "kafka/error_table.hpp"

#include <gtest/gtest.h>

#include <string>

namespace event_bridge::kafka {
namespace {

TEST(ErrorTable, RetriableErrors) {
  for (rd_kafka_resp_err_t err : {
           RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
           RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
           RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
           RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
           RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
           RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
           RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
           RD_KAFKA_RESP_ERR__TRANSPORT,
           RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
           RD_KAFKA_RESP_ERR__QUEUE_FULL,
       }) {
    EXPECT_EQ(classify(err), ErrorClass::kRetriable) << rd_kafka_err2name(err);
  }
}

TEST(ErrorTable, TerminalErrors) {
  for (rd_kafka_resp_err_t err : {
           RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE,
           RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
           RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED,
           RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
           RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
           RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE,
           RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC,
           RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION,
           RD_KAFKA_RESP_ERR__FATAL,
           RD_KAFKA_RESP_ERR__AUTHENTICATION,
           RD_KAFKA_RESP_ERR__PURGE_QUEUE,
           RD_KAFKA_RESP_ERR__PURGE_INFLIGHT,
       }) {
    EXPECT_EQ(classify(err), ErrorClass::kTerminal) << rd_kafka_err2name(err);
  }
}

TEST(ErrorTable, UnlistedCodesAreTerminal) {
  // Known to librdkafka but not in the table.
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED), ErrorClass::kTerminal);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED), ErrorClass::kTerminal);
  EXPECT_EQ(classify(RD_KAFKA_RESP_ERR_UNKNOWN), ErrorClass::kTerminal);
  // Not an error code at all, e.g. from a newer broker.
  EXPECT_EQ(classify(static_cast<rd_kafka_resp_err_t>(9999)), ErrorClass::kTerminal);
}

TEST(ErrorTable, PurgeCodesAreNamedPurged) {
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR__PURGE_QUEUE), "PURGED");
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT), "PURGED");
}

TEST(ErrorTable, OtherCodesKeepLibrdkafkasName) {
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), "MSG_SIZE_TOO_LARGE");
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), "_MSG_TIMED_OUT");
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED),
               "TOPIC_AUTHORIZATION_FAILED");
  EXPECT_STREQ(code_name(RD_KAFKA_RESP_ERR_NO_ERROR), "NO_ERROR");
}

}  // namespace
}  // namespace event_bridge::kafka
