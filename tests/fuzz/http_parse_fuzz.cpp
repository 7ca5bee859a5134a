// libFuzzer target: HTTP/WebSocket response parsing and the answer classifiers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "container/net/http_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Line by line, as curl's header callback hands them over.
  size_t pos = 0;
  int status = 0;
  std::string content_type;
  while (pos <= text.size()) {
    auto eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    if (auto s = preflight::container::ParseStatusLine(line)) status = s->code;
    if (auto h = preflight::container::ParseHeaderLine(line)) {
      if (h->first == "content-type") content_type = h->second;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  preflight::container::ClassifyHttpAnswer(status, content_type, text);
  preflight::container::ClassifyWebSocketAnswer(status != 0, status, content_type, text);
  preflight::container::LooksLikeHtml(content_type, text);
  return 0;
}
