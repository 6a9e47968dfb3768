#pragma once

#include <string>
#include <tl/expected.hpp>

namespace feedmark {

/// A routine per-source failure: which stage, which source, and why.
struct Error {
  std::string stage;    ///< "fetch", "decode", "parse", "write", ...
  std::string source;   ///< the URL or path as the user gave it
  std::string message;  ///< the cause, one line
};

/// A stage's outcome: the value, or the Error that stopped it.
template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning an Error from a function that returns Result<T>.
inline tl::unexpected<Error> fail(std::string stage, std::string source,
                                  std::string message) {
  return tl::unexpected<Error>(
      Error{std::move(stage), std::move(source), std::move(message)});
}

/// "source: message", the form every diagnostic line takes after "feedmark: ".
std::string describe(const Error& error);

}  // namespace feedmark
