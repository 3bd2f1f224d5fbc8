//===- Npy.cpp - reading and writing NumPy .npy files ---------------------===//

#include "tfm/formats/Npy.h"

#include "tfm/formats/Error.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <string_view>
#include <sys/stat.h>

using namespace tfm::runtime;

static const char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;
/// Longer headers are not something NumPy writes for the arrays we accept;
/// refusing them bounds the memory an untrusted header can make us allocate.
static constexpr uint64_t kMaxHeaderSize = 1 << 20;

std::string tfm::runtime::formatShape(const std::vector<int64_t> &shape) {
  std::string result = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    result += (i ? ", " : "") + std::to_string(shape[i]);
  return result + "]";
}

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

namespace {
/// Parses the header dict, e.g.
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }
/// Every access goes through peek(), which is bounds-checked.
class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &path)
      : text(text), path(path) {}

  NpyHeader parse();

private:
  [[noreturn]] void fail(const std::string &problem) {
    throw Error(path, "malformed .npy header: " + problem);
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  void expect(char c) {
    if (!consume(c))
      fail(std::string("expected '") + c + "' at offset " +
           std::to_string(pos));
  }
  void skipSpace() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')
      ++pos;
  }
  std::string parseString();
  bool parseBool();
  std::vector<int64_t> parseShape();
  int32_t parseDescr(const std::string &descr);

  std::string_view text;
  size_t pos = 0;
  const std::string &path;
};
} // namespace

std::string HeaderParser::parseString() {
  char quoteChar = peek();
  if (quoteChar != '\'' && quoteChar != '"')
    fail("expected a string at offset " + std::to_string(pos));
  ++pos;
  std::string result;
  while (pos < text.size() && text[pos] != quoteChar) {
    if (text[pos] == '\\' && pos + 1 < text.size())
      ++pos;
    result += text[pos++];
  }
  if (!consume(quoteChar))
    fail("unterminated string");
  return result;
}

bool HeaderParser::parseBool() {
  for (bool value : {true, false}) {
    std::string_view word = value ? "True" : "False";
    if (text.substr(pos, word.size()) == word) {
      pos += word.size();
      return value;
    }
  }
  fail("expected True or False at offset " + std::to_string(pos));
}

std::vector<int64_t> HeaderParser::parseShape() {
  expect('(');
  std::vector<int64_t> shape;
  skipSpace();
  if (consume(')'))
    return shape;
  for (;;) {
    if (peek() < '0' || peek() > '9')
      fail("expected a non-negative dimension at offset " +
           std::to_string(pos));
    int64_t dim = 0;
    while (peek() >= '0' && peek() <= '9') {
      int digit = peek() - '0';
      if (dim > (INT64_MAX - digit) / 10)
        throw Error(path, "dimension " + std::to_string(shape.size()) +
                              " of the shape is too large");
      dim = dim * 10 + digit;
      ++pos;
    }
    consume('L'); // Python 2 longs
    shape.push_back(dim);
    skipSpace();
    if (consume(',')) {
      skipSpace();
      if (consume(')'))
        return shape;
      continue;
    }
    expect(')');
    return shape;
  }
}

int32_t HeaderParser::parseDescr(const std::string &descr) {
  for (int32_t dtype = 0; isKnownDType(dtype); ++dtype) {
    const char *known = npyDescr(dtype);
    if (!known || descr.size() != 3 || descr.compare(1, 2, known + 1) != 0)
      continue;
    char order = descr[0];
    bool singleByte = dtypeSize(dtype) == 1;
    if (order == '<' || order == '=' || singleByte)
      return dtype;
    if (order == '>')
      throw Error(path, "big-endian dtype " + quote(descr) +
                            " is not supported; save a little-endian array");
  }
  throw Error(path, "unsupported dtype " + quote(descr) +
                        " (supported: " + supportedNpyDescrs() + ")");
}

NpyHeader HeaderParser::parse() {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  bool seenDescr = false, seenFortranOrder = false, seenShape = false;

  skipSpace();
  expect('{');
  for (;;) {
    skipSpace();
    if (consume('}'))
      break;
    std::string key = parseString();
    skipSpace();
    expect(':');
    skipSpace();
    bool *seen;
    if (key == "descr") {
      seen = &seenDescr;
      if (peek() == '[')
        throw Error(path, "structured dtypes are not supported");
      descr = parseString();
    } else if (key == "fortran_order") {
      seen = &seenFortranOrder;
      fortranOrder = parseBool();
    } else if (key == "shape") {
      seen = &seenShape;
      shape = parseShape();
    } else {
      fail("unexpected key " + quote(key));
    }
    if (*seen)
      fail("duplicate key " + quote(key));
    *seen = true;
    skipSpace();
    if (consume(','))
      continue;
    expect('}');
    break;
  }
  if (!seenDescr)
    fail("missing key 'descr'");
  if (!seenFortranOrder)
    fail("missing key 'fortran_order'");
  if (!seenShape)
    fail("missing key 'shape'");

  NpyHeader header;
  header.dtype = parseDescr(descr);
  if (fortranOrder)
    throw Error(path, "Fortran-order arrays are not supported; save a "
                      "C-order array (np.ascontiguousarray)");
  header.shape = std::move(shape);

  // The element count must fit in int64 even ignoring zero dimensions, since
  // the strides of the descriptor are products of trailing dimensions.
  uint64_t elements = 1, nonZeroProduct = 1;
  bool overflow = false;
  for (int64_t dim : header.shape) {
    overflow |= __builtin_mul_overflow(elements, uint64_t(dim), &elements);
    if (dim != 0)
      overflow |= __builtin_mul_overflow(nonZeroProduct, uint64_t(dim),
                                         &nonZeroProduct);
  }
  overflow |= nonZeroProduct > uint64_t(INT64_MAX);
  overflow |= __builtin_mul_overflow(
      elements, uint64_t(dtypeSize(header.dtype)), &header.dataBytes);
  if (overflow)
    throw Error(path, "shape " + formatShape(header.shape) + " is too large");
  return header;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

static uint64_t readLittleEndian(const unsigned char *bytes, size_t size) {
  uint64_t value = 0;
  for (size_t i = size; i-- > 0;)
    value = value << 8 | bytes[i];
  return value;
}

NpyReader::NpyReader(const std::string &path) : path(path) {
  file.reset(std::fopen(path.c_str(), "rb"));
  if (!file)
    throw Error(path, "cannot open: " + errnoMessage(errno));
  struct stat status;
  if (fstat(fileno(file.get()), &status) != 0)
    throw Error(path, "cannot stat: " + errnoMessage(errno));
  if (S_ISDIR(status.st_mode))
    throw Error(path, "is a directory, not a .npy file");
  // A regular file has a size to check the header against.
  if (!S_ISREG(status.st_mode))
    throw Error(path, "not a regular file");
  uint64_t fileSize = uint64_t(status.st_size);

  unsigned char prefix[12];
  size_t got = std::fread(prefix, 1, 8, file.get());
  if (got < 8 || std::memcmp(prefix, kMagic, kMagicSize) != 0)
    throw Error(path, "not a NumPy .npy file (bad magic)");
  unsigned major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0)
    throw Error(path, "unsupported .npy format version " +
                          std::to_string(major) + "." + std::to_string(minor) +
                          " (supported: 1.0, 2.0, 3.0)");
  size_t lengthSize = major == 1 ? 2 : 4;
  if (std::fread(prefix + 8, 1, lengthSize, file.get()) != lengthSize)
    throw Error(path, "truncated .npy header");
  uint64_t headerSize = readLittleEndian(prefix + 8, lengthSize);
  uint64_t dataOffset = 8 + lengthSize + headerSize;
  if (headerSize > kMaxHeaderSize)
    throw Error(path, "the .npy header claims " + std::to_string(headerSize) +
                          " bytes, more than the supported " +
                          std::to_string(kMaxHeaderSize));
  if (dataOffset > fileSize)
    throw Error(path, "truncated .npy header: it claims " +
                          std::to_string(headerSize) + " bytes, only " +
                          std::to_string(fileSize - 8 - lengthSize) +
                          " follow");

  std::string text(headerSize, '\0');
  if (std::fread(text.data(), 1, headerSize, file.get()) != headerSize)
    throw Error(path, "truncated .npy header");
  hdr = HeaderParser(text, path).parse();

  // Trailing bytes are tolerated; missing ones are not.
  uint64_t available = fileSize - dataOffset;
  if (hdr.dataBytes > available)
    throw Error(path, "truncated data: shape " + formatShape(hdr.shape) +
                          " of " + dtypeName(hdr.dtype) + " needs " +
                          std::to_string(hdr.dataBytes) +
                          " bytes, the file has " + std::to_string(available));
}

void NpyReader::readData(void *dest) {
  size_t got = std::fread(dest, 1, hdr.dataBytes, file.get());
  if (got != hdr.dataBytes) {
    // The size was checked up front: the file changed or the read failed.
    if (std::ferror(file.get()))
      throw Error(path, "read error: " + errnoMessage(errno));
    throw Error(path, "truncated data: expected " +
                          std::to_string(hdr.dataBytes) + " bytes, read " +
                          std::to_string(got));
  }
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {
/// fwrite that remembers the first failure, so that callers check once.
class Writer {
public:
  Writer(std::FILE *file, const std::string &path) : file(file), path(path) {}

  void write(const void *data, size_t size) {
    if (size && std::fwrite(data, 1, size, file) != size)
      throw Error(path, "cannot write: " + errnoMessage(errno));
  }

private:
  std::FILE *file;
  const std::string &path;
};
} // namespace

static std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string result = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    result += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1)
    result += ",";
  return result + ")";
}

void tfm::runtime::writeNpy(std::FILE *file, const StridedView &view,
                            const std::string &path) {
  const char *descr = npyDescr(view.dtype);
  if (!descr)
    throw Error(path, "cannot write " + dtypeName(view.dtype) +
                          ": NumPy has no such dtype");
  std::string header =
      std::string("{'descr': '") + descr +
      "', 'fortran_order': False, 'shape': " + shapeTuple(view.sizes) + ", }";
  // Like NumPy, pad with spaces so that the data starts 64-byte aligned and
  // end with a newline; switch to version 2.0 if the length needs 32 bits.
  unsigned major = 1;
  size_t prefixSize = 10;
  auto paddedSize = [&] {
    size_t unpadded = prefixSize + header.size() + 1;
    return (unpadded + 63) / 64 * 64 - prefixSize;
  };
  if (paddedSize() > 0xffff) {
    major = 2;
    prefixSize = 12;
  }
  size_t headerSize = paddedSize();
  header.resize(headerSize - 1, ' ');
  header += '\n';

  unsigned char prefix[12];
  std::memcpy(prefix, kMagic, kMagicSize);
  prefix[6] = major;
  prefix[7] = 0;
  for (size_t i = 0; i < prefixSize - 8; ++i)
    prefix[8 + i] = (headerSize >> (8 * i)) & 0xff;

  Writer writer(file, path);
  writer.write(prefix, prefixSize);
  writer.write(header.data(), header.size());

  const size_t eltSize = dtypeSize(view.dtype);
  if (view.isRowMajor()) {
    writer.write(view.origin, size_t(view.numElements()) * eltSize);
    return;
  }
  // Gather strided elements into a buffer to keep the writes large.
  std::vector<char> buffer;
  constexpr size_t kBufferSize = 1 << 16;
  buffer.reserve(kBufferSize + eltSize);
  forEachElement(view, [&](const char *element) {
    buffer.insert(buffer.end(), element, element + eltSize);
    if (buffer.size() >= kBufferSize) {
      writer.write(buffer.data(), buffer.size());
      buffer.clear();
    }
  });
  writer.write(buffer.data(), buffer.size());
}
