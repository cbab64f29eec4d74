#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "event_bridge/kafka.hpp"

namespace event_bridge {

struct MockCluster::Impl {
  rd_kafka_t* rk = nullptr;  // the mock cluster lives inside this handle's threads
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstrap;
};

MockCluster::MockCluster(int brokers) : impl_(std::make_unique<Impl>()) {
  if (brokers < 1) throw std::invalid_argument("MockCluster: brokers must be >= 1");
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  impl_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!impl_->rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("MockCluster: ") + errstr);
  }
  impl_->cluster = rd_kafka_mock_cluster_new(impl_->rk, brokers);
  if (!impl_->cluster) {
    rd_kafka_destroy(impl_->rk);
    throw std::runtime_error("MockCluster: librdkafka could not create the mock cluster");
  }
  impl_->bootstrap = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}

MockCluster::~MockCluster() {
  if (impl_->cluster) rd_kafka_mock_cluster_destroy(impl_->cluster);
  if (impl_->rk) rd_kafka_destroy(impl_->rk);
}

const std::string& MockCluster::bootstrap_servers() const { return impl_->bootstrap; }

void MockCluster::push_request_errors(int api_key, const std::vector<int>& error_codes) {
  std::vector<rd_kafka_resp_err_t> errors;
  for (int code : error_codes) errors.push_back(static_cast<rd_kafka_resp_err_t>(code));
  rd_kafka_mock_push_request_errors_array(impl_->cluster, static_cast<int16_t>(api_key),
                                          errors.size(), errors.data());
}

void MockCluster::set_broker_down(int broker_id) {
  rd_kafka_mock_broker_set_down(impl_->cluster, broker_id);
}

void MockCluster::set_broker_up(int broker_id) {
  rd_kafka_mock_broker_set_up(impl_->cluster, broker_id);
}

void MockCluster::set_broker_rtt(int broker_id, int rtt_ms) {
  rd_kafka_mock_broker_set_rtt(impl_->cluster, broker_id, rtt_ms);
}

void MockCluster::create_topic(const std::string& topic, int partitions, int replication_factor) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("MockCluster: creating topic " + topic + ": " + rd_kafka_err2str(err));
  }
}

}  // namespace event_bridge
