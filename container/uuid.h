#pragma once
/// UUID text as the agent writes it (claimed ids, machine GUIDs, room ids).

#include <string_view>

namespace preflight::container {

/// True for the canonical 36-character form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits,
/// either case). Pure.
bool IsUuid(std::string_view text);

}  // namespace preflight::container
