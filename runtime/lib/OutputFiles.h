//===- OutputFiles.h - all-or-nothing writing of result files ---*- C++ -*-===//
//
// No output file is ever left half-written: each result goes to a temporary
// file next to its destination, and only when all of them were written are
// they renamed into place. Until then, or when a rename fails, everything
// this run created is removed again.
//
//===----------------------------------------------------------------------===//

#ifndef TFM_RUNTIME_LIB_OUTPUTFILES_H
#define TFM_RUNTIME_LIB_OUTPUTFILES_H

#include "tfm/formats/StridedView.h"

#include <string>
#include <vector>

namespace tfm::runtime {

/// Fails, before anything runs, when `path` (-o) obviously cannot be
/// written: missing or unwritable directory, or not a regular file.
void checkOutputFile(const std::string &path);

/// The same for the directory of --output-dir, which must exist.
void checkOutputDirectory(const std::string &dir);

class OutputFiles {
public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles &) = delete;
  OutputFiles &operator=(const OutputFiles &) = delete;
  /// Removes the temporaries, and the files already renamed into place if
  /// commit() did not finish.
  ~OutputFiles();

  /// Writes `view` as .npy to a temporary file that commit() renames to
  /// `path`. Throws Error naming `path`.
  void write(const std::string &path, const StridedView &view);

  /// Renames every file into place. Throws Error naming the file that
  /// could not be renamed.
  void commit();

private:
  struct File {
    std::string tempPath, path;
    bool renamed = false;
  };
  std::vector<File> files;
  bool committed = false;
};

} // namespace tfm::runtime

#endif // TFM_RUNTIME_LIB_OUTPUTFILES_H
