// decode() and check_envelope() on arbitrary bytes, as MessagePack and as JSON.
//
// Properties: decode either returns a Value or throws DecodeError (any other exception,
// a crash or a sanitizer report is a failure); check_envelope likewise; a decoded Value
// written again by the same format's Writer decodes to the same Value (doubles bit for
// bit); written by the other format's Writer it still decodes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "event_bridge/config.hpp"
#include "event_bridge/envelope.hpp"
#include "event_bridge/errors.hpp"
#include "event_bridge/writer.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace event_bridge;

const char* name_of(Format format) { return format == Format::kMsgpack ? "msgpack" : "json"; }

void check(std::string_view input, Format format) {
  Value value;
  try {
    value = decode(input, format);
  } catch (const DecodeError&) {
    return;
  }
  try {
    check_envelope(value);
  } catch (const DecodeError&) {
  }

  const Format other = format == Format::kMsgpack ? Format::kJson : Format::kMsgpack;
  for (const Format target : {format, other}) {
    const auto writer = make_writer(target);
    fuzz::write_value(*writer, value);
    Value again;
    try {
      again = decode(writer->view(), target);
    } catch (const DecodeError& error) {
      fuzz::fail("a decoded value, written again, decodes",
                 std::string(name_of(format)) + " -> " + name_of(target) + ": " + error.what(),
                 writer->view());
    }
    std::string where;
    if (target == format && !fuzz::same(value, again, where)) {
      fuzz::fail("decode(write(decode(x))) == decode(x)", std::string(name_of(format)) + " " + where,
                 writer->view());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, Format::kMsgpack);
  check(input, Format::kJson);
  return 0;
}
