#pragma once
/// A fast lexer for the JSON this tool writes itself (runs.json), driving the same SAX handler
/// as nlohmann::json::sax_parse. nlohmann's lexer copies every character twice and costs about
/// 130 instructions a byte: a 20-record runs.json, read at every start, took a fifth of the
/// instructions of `run`. Our own files use a small part of JSON; that part is read here, and
/// anything else is left to nlohmann, which alone decides what is an error and says so.
/// Kept after issue 26 asked whether one JSON reader would do: a supervised start with 20
/// records still parses runs.json twice (at start, and the end record), 0.55M of its 3.0M
/// instructions with this lexer (callgrind, 2026-12-07); nlohmann's own lexer takes about 2.3x
/// that (610k against 267k a parse, measured when this was written), a fifth more for the
/// start that has to stay within 1.5x tini-static.

#include <nlohmann/json.hpp>
#include <string_view>

namespace preflight::container {

/// Drives `sax` over `text` exactly as `nlohmann::json::sax_parse(text, &sax)` (strict) would,
/// and returns true, when `text` is one JSON value (with surrounding whitespace) made only of:
/// objects and arrays nested at most 32 deep; true, false, null; strings of printable ASCII with
/// the escapes \" \\ \/ \b \f \n \r \t; integers that fit int64 (negative) or uint64; decimals
/// with a finite double value. Returns false for anything else, or when a `sax` call returns
/// false, having maybe called `sax` already: the caller then starts again with a fresh handler
/// and nlohmann. It never calls `sax.parse_error`. Pure; fuzzed against nlohmann.
bool SaxParseSubset(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax);

}  // namespace preflight::container
