#include <stdexcept>

#include "encode/json_writer.hpp"
#include "encode/msgpack_writer.hpp"
#include "event_bridge/writer.hpp"

namespace event_bridge {

std::unique_ptr<Writer> make_writer(Format format) {
  switch (format) {
    case Format::kMsgpack:
      return std::make_unique<MsgpackWriter>();
    case Format::kJson:
      return std::make_unique<JsonWriter>();
  }
  throw std::invalid_argument("make_writer: unknown format " +
                              std::to_string(static_cast<int>(format)));
}

}  // namespace event_bridge
