//===- Error.h - the one-line errors of a compiled program ------*- C++ -*-===//
//
// Every user-facing failure is an Error carrying "error: <subject>: <problem>"
// where the subject is the file or flag at fault; `main` prints it as the
// only line on stderr and exits with kErrorExitCode.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_FORMATS_ERROR_H
#define TFM_FORMATS_ERROR_H

#include <stdexcept>
#include <string>

namespace tfm::runtime {

/// The exit status of every reported error.
constexpr int kErrorExitCode = 2;

class Error : public std::runtime_error {
public:
  Error(const std::string &subject, const std::string &problem);
};

/// strerror(err), for problems that come from the C library.
std::string errnoMessage(int err);

/// `text` in single quotes, for names and values quoted in messages.
std::string quote(const std::string &text);

} // namespace tfm::runtime

#endif // TFM_FORMATS_ERROR_H
