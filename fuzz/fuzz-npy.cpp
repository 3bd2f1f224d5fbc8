//===- fuzz-npy.cpp - libFuzzer target: the runtime's .npy reader ---------===//
//
// NpyReader reads a path, so the bytes go into a memfd (a regular file in
// memory) opened through /proc/self/fd. Malformed files must be refused
// with tfm::runtime::Error; accepted ones must read their data in full.
//
//===----------------------------------------------------------------------===//

#include "tfm/formats/Error.h"
#include "tfm/formats/Npy.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

static int memoryFile() {
  static int fd = [] {
    int fd = memfd_create("fuzz-npy", 0);
    if (fd < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return fd;
  }();
  return fd;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memoryFile();
  if (ftruncate(fd, 0) != 0 ||
      (size && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))) {
    std::perror("memfd write");
    std::abort();
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    tfm::runtime::NpyReader reader(path);
    const tfm::runtime::NpyHeader &header = reader.header();
    if (header.dataBytes > size)
      std::abort(); // the reader promised the file holds the data
    std::vector<unsigned char> buffer(header.dataBytes);
    reader.readData(buffer.data());
    (void)tfm::runtime::formatShape(header.shape);
  } catch (const tfm::runtime::Error &) {
    // A one-line refusal is the expected outcome for most inputs.
  }
  return 0;
}
