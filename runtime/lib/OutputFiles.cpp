//===- OutputFiles.cpp - all-or-nothing writing of result files -----------===//

#include "OutputFiles.h"

#include "tfm/formats/Error.h"
#include "tfm/formats/Npy.h"

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

using namespace tfm::runtime;

/// The directory part of `path`, "." when there is none.
static std::string parentOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// Checks that files can be created in `dir`. Errors name `subject`, the
/// path the user gave; `dir` is mentioned too when it differs.
static void checkDirectory(const std::string &dir, const std::string &subject) {
  std::string named = dir == subject ? "" : " " + quote(dir);
  std::string notADirectory =
      named.empty() ? "not a directory" : quote(dir) + " is not a directory";
  struct stat status;
  if (stat(dir.c_str(), &status) != 0) {
    int err = errno;
    if (err == ENOENT)
      throw Error(subject, "no such directory" + named);
    if (err == ENOTDIR)
      throw Error(subject, notADirectory);
    throw Error(subject,
                "cannot access directory" + named + ": " + errnoMessage(err));
  }
  if (!S_ISDIR(status.st_mode))
    throw Error(subject, notADirectory);
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    int err = errno;
    throw Error(subject,
                "cannot write to directory" + named + ": " + errnoMessage(err));
  }
}

void tfm::runtime::checkOutputFile(const std::string &path) {
  if (path.back() == '/')
    throw Error(path, "is a directory name, expected a file name");
  struct stat status;
  if (stat(path.c_str(), &status) == 0) {
    if (S_ISDIR(status.st_mode))
      throw Error(path, "is a directory");
    // Renaming over a device or a FIFO would replace it, not write to it.
    if (!S_ISREG(status.st_mode))
      throw Error(path, "exists and is not a regular file");
  }
  checkDirectory(parentOf(path), path);
}

void tfm::runtime::checkOutputDirectory(const std::string &dir) {
  checkDirectory(dir, dir);
}

static mode_t currentUmask() {
  mode_t mask = umask(0);
  umask(mask);
  return mask;
}

OutputFiles::~OutputFiles() {
  if (committed)
    return;
  for (const File &file : files)
    std::remove(file.renamed ? file.path.c_str() : file.tempPath.c_str());
}

void OutputFiles::write(const std::string &path, const StridedView &view) {
  size_t slash = path.rfind('/');
  std::string dirPrefix =
      slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = path.substr(dirPrefix.size());
  // Hidden and unique, in the same directory so that rename() is atomic.
  std::string pattern = dirPrefix + "." + base + ".tmp.XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0)
    throw Error(path, "cannot create: " + errnoMessage(errno));
  files.push_back({pattern, path});

  // mkstemp creates 0600; results should get the usual permissions.
  fchmod(fd, 0666 & ~currentUmask());
  std::FILE *stream = fdopen(fd, "wb");
  if (!stream) {
    int err = errno;
    close(fd);
    throw Error(path, "cannot create: " + errnoMessage(err));
  }
  try {
    writeNpy(stream, view, path);
  } catch (...) {
    std::fclose(stream);
    throw;
  }
  // Buffered data may only fail to reach the disk here (e.g. ENOSPC).
  if (std::fflush(stream) != 0 || std::ferror(stream)) {
    int err = errno;
    std::fclose(stream);
    throw Error(path, "cannot write: " + errnoMessage(err));
  }
  if (std::fclose(stream) != 0)
    throw Error(path, "cannot write: " + errnoMessage(errno));
}

void OutputFiles::commit() {
  for (File &file : files) {
    if (std::rename(file.tempPath.c_str(), file.path.c_str()) != 0)
      throw Error(file.path, "cannot replace: " + errnoMessage(errno));
    file.renamed = true;
  }
  committed = true;
}
