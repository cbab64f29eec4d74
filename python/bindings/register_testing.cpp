// event_bridge._core.MockCluster: librdkafka's in-process mock cluster.
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "event_bridge/kafka.hpp"

namespace py = pybind11;

namespace event_bridge::python {

void register_testing(py::module_& m) {
  py::class_<MockCluster>(m, "MockCluster")
      .def(py::init<int>(), py::arg("brokers") = 1)
      .def_property_readonly("bootstrap_servers", &MockCluster::bootstrap_servers)
      .def("push_request_errors", &MockCluster::push_request_errors, py::arg("api_key"),
           py::arg("error_codes"))
      .def("set_broker_down", &MockCluster::set_broker_down, py::arg("broker_id"))
      .def("set_broker_up", &MockCluster::set_broker_up, py::arg("broker_id"))
      .def("set_broker_rtt", &MockCluster::set_broker_rtt, py::arg("broker_id"), py::arg("rtt_ms"))
      .def("create_topic", &MockCluster::create_topic, py::arg("topic"), py::arg("partitions") = 1,
           py::arg("replication_factor") = 1);
}

}  // namespace event_bridge::python
