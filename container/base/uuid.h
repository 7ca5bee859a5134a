#pragma once
/// UUID text as the agent writes it (claimed ids, machine GUIDs, room ids).

#include <string_view>

namespace preflight::container {

/// True for the canonical 36-character form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits,
/// either case). Pure.
bool IsUuid(std::string_view text);

/// True for what v2 agents accept as a claimed id (src/libnetdata/uuid/uuid.c
/// uuid_parse_flexi): 32 hex digits in pairs, with 0 or 4 hyphens between pairs, anything after
/// the 16th byte ignored. Leading whitespace is rejected. Pure.
bool IsUuidFlexi(std::string_view text);

}  // namespace preflight::container
