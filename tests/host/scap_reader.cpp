#include "host/scap_reader.h"

#include <zlib.h>

#include <cstring>
#include <string_view>

namespace testhost {
namespace {

// Block types (libscap scap_savefile.h). The *_INT values are pre-release
// numbers that old captures may still carry.
constexpr uint32_t kShbBlock = 0x0A0D0D0A;
constexpr uint32_t kShbMagic = 0x1A2B3C4D;
constexpr uint32_t kShbMagicSwapped = 0x4D3C2B1A;

constexpr uint32_t kPlV1 = 0x202, kPlV1Int = 0x8000ABCD;
constexpr uint32_t kPlV2 = 0x207, kPlV2Int = 0x8013ABCD;
constexpr uint32_t kPlV3 = 0x209, kPlV3Int = 0x8014ABCD;
constexpr uint32_t kPlV4 = 0x210, kPlV5 = 0x211, kPlV6 = 0x212;
constexpr uint32_t kPlV7 = 0x213, kPlV8 = 0x214, kPlV9 = 0x215;

constexpr uint32_t kEv = 0x204, kEvInt = 0x8010ABCD, kEvV2 = 0x216;
constexpr uint32_t kEvV2Large = 0x221;
constexpr uint32_t kEvf = 0x208, kEvfV2 = 0x217, kEvfV2Large = 0x222;

// Event types whose stored length is 3 bytes too long in V1 blocks.
constexpr uint16_t kNotificationE = 280;
constexpr uint16_t kInfrastructureEventE = 286;

constexpr size_t kBlockOverhead = 12;  // type + total length + trailer
constexpr size_t kEvHeaderV1 = 22;     // ts, tid, len, type
constexpr size_t kEvHeaderV2 = 26;     // ... + nparams

// Bounds-checked little-endian reader over a byte range. Every read fails
// instead of running past the end, so truncated input cannot crash us.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t Remaining() const { return size_ - pos_; }
  size_t Pos() const { return pos_; }
  const uint8_t* Here() const { return data_ + pos_; }

  bool Skip(size_t n) {
    if (n > Remaining()) return false;
    pos_ += n;
    return true;
  }
  template <typename T>
  bool Read(T* value) {
    if (sizeof(T) > Remaining()) return false;
    std::memcpy(value, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  // A u16 length followed by that many bytes (not NUL-terminated on disk).
  bool ReadStr16(std::string_view* value) {
    uint16_t len = 0;
    if (!Read(&len) || len > Remaining()) return false;
    *value = std::string_view(reinterpret_cast<const char*>(Here()), len);
    pos_ += len;
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// libscap keeps these in C strings, so anything after a NUL is invisible.
std::string CString(std::string_view s) {
  return std::string(s.substr(0, s.find('\0')));
}

// "a\0b\0" -> {"a", "b"}; the terminating NUL does not start a new entry.
std::vector<std::string> SplitNul(std::string_view s) {
  std::vector<std::string> parts;
  while (!s.empty()) {
    size_t end = s.find('\0');
    if (end == std::string_view::npos) end = s.size();
    parts.emplace_back(s.substr(0, end));
    s.remove_prefix(end == s.size() ? end : end + 1);
  }
  return parts;
}

int ProcListVersion(uint32_t block_type) {
  switch (block_type) {
    case kPlV1:
    case kPlV1Int:
      return 1;
    case kPlV2:
    case kPlV2Int:
      return 2;
    case kPlV3:
    case kPlV3Int:
      return 3;
    case kPlV4:
      return 4;
    case kPlV5:
      return 5;
    case kPlV6:
      return 6;
    case kPlV7:
      return 7;
    case kPlV8:
      return 8;
    case kPlV9:
      return 9;
    default:
      return 0;
  }
}

bool IsEventBlock(uint32_t t) {
  return t == kEv || t == kEvInt || t == kEvV2 || t == kEvV2Large || t == kEvf || t == kEvfV2 ||
         t == kEvfV2Large;
}

// Field order per version follows libscap's scap_read_proclist.
bool ReadThreadFields(Cursor* c, int version, bool has_sub_len, ScapThread* th) {
  uint64_t u64 = 0;
  uint32_t u32 = 0;
  std::string_view str;
  if (!c->Read(&th->tid) || !c->Read(&th->pid) || !c->Read(&th->ptid)) return false;
  if (version >= 6 && !c->Read(&u64)) return false;  // sid
  if (version >= 8 && !c->Read(&u64)) return false;  // vpgid
  if (!c->ReadStr16(&str)) return false;
  th->comm = CString(str);
  if (!c->ReadStr16(&str)) return false;
  th->exe = CString(str);
  if (version >= 7 && !c->ReadStr16(&str)) return false;  // exepath
  if (!c->ReadStr16(&str)) return false;
  th->args = SplitNul(str);
  if (!c->ReadStr16(&str)) return false;  // cwd
  // fdlimit, flags, uid, gid
  if (!c->Read(&u64) || !c->Read(&u32) || !c->Read(&u32) || !c->Read(&u32)) return false;
  if (version >= 2) {
    // vmsize, vmrss, vmswap, pfmajor, pfminor
    if (!c->Skip(3 * sizeof(uint32_t) + 2 * sizeof(uint64_t))) return false;
  }
  if (version >= 3 && !c->ReadStr16(&str)) return false;  // env
  if (version >= 4) {
    if (!c->Read(&th->vtid) || !c->Read(&th->vpid)) return false;
    if (!c->ReadStr16(&str)) return false;
    for (const std::string& entry : SplitNul(str)) {
      size_t eq = entry.find('=');
      if (eq == std::string::npos) continue;  // Not "subsys=path"; sinsp ignores it too.
      th->cgroups.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  if (version >= 5 && !c->ReadStr16(&str)) return false;  // root
  // Libs 0.10 inserted pidns_init_start_ts and tty before loginuid, exe_writable
  // and the three capability sets (29 bytes); a tail of at most 29 bytes
  // therefore means an older writer without them.
  if (has_sub_len && c->Remaining() > 29 && c->Remaining() >= sizeof(uint64_t)) {
    if (!c->Read(&th->pidns_init_start_ts)) return false;
  }
  return true;
}

bool ParseProcList(Cursor body, uint32_t block_type, ScapCapture* out, std::string* error) {
  const int version = ProcListVersion(block_type);
  while (body.Remaining() >= 4) {
    ScapThread th;
    if (version == 9) {
      // V9 entries start with their own length (which counts the length word).
      uint32_t sub_len = 0;
      if (!body.Read(&sub_len)) break;
      if (sub_len != 0) {
        if (sub_len < sizeof(uint32_t) || sub_len - sizeof(uint32_t) > body.Remaining()) {
          *error = "process list entry length " + std::to_string(sub_len) + " exceeds its block";
          return false;
        }
        Cursor entry(body.Here(), sub_len - sizeof(uint32_t));
        if (!ReadThreadFields(&entry, version, true, &th)) {
          *error = "process list entry shorter than its fields";
          return false;
        }
        body.Skip(sub_len - sizeof(uint32_t));
        out->threads.push_back(std::move(th));
        continue;
      }
    }
    if (!ReadThreadFields(&body, version, false, &th)) {
      *error = "process list block ends inside an entry";
      return false;
    }
    out->threads.push_back(std::move(th));
  }
  return true;
}

bool ParseEvent(Cursor body, uint32_t block_type, ScapCapture* out, std::string* error) {
  const bool has_flags = block_type == kEvf || block_type == kEvfV2 || block_type == kEvfV2Large;
  const bool v2 =
      block_type == kEvV2 || block_type == kEvV2Large || block_type == kEvfV2 || block_type == kEvfV2Large;
  uint16_t cpu_id = 0;
  uint32_t flags = 0;
  if (!body.Read(&cpu_id) || (has_flags && !body.Read(&flags))) {
    *error = "event block too short";
    return false;
  }
  const uint8_t* ev = body.Here();
  const size_t avail = body.Remaining();
  const size_t hdr_len = v2 ? kEvHeaderV2 : kEvHeaderV1;
  ScapEvent e;
  uint32_t len = 0;
  if (!body.Read(&e.ts) || !body.Read(&e.tid) || !body.Read(&len) || !body.Read(&e.type) ||
      (v2 && !body.Read(&e.nparams))) {
    *error = "event block too short for the event header";
    return false;
  }
  if (len < hdr_len || len > avail) {
    *error = "event length " + std::to_string(len) + " does not fit its block";
    return false;
  }
  if (v2) {
    e.raw.assign(ev, ev + len);
    out->events.push_back(std::move(e));
    return true;
  }

  // V1: nparams is not stored. As libscap does, find the count whose u16
  // lengths add up exactly to the event length; 22 + 2n + sum(len[0..n)) is
  // strictly increasing in n, so the answer is unique.
  size_t end = len;
  if ((e.type == kNotificationE || e.type == kInfrastructureEventE) && end >= hdr_len + 3) {
    end -= 3;  // Old writers stored these lengths 3 bytes too long.
  }
  bool found = false;
  size_t total = hdr_len;  // Offset of the first value byte for the current n.
  for (uint32_t n = 0;; ++n) {
    if (total == end) {
      e.nparams = n;
      found = true;
      break;
    }
    // Taking one more parameter adds its length slot and its value.
    if (hdr_len + 2 * (size_t{n} + 1) > end) break;
    uint16_t plen = 0;
    std::memcpy(&plen, ev + hdr_len + 2 * size_t{n}, sizeof(plen));
    total += 2 + plen;
    if (total > end) break;
  }
  if (!found) {
    *error = "cannot work out the parameter count of a V1 event of type " + std::to_string(e.type);
    return false;
  }
  const uint32_t new_len = static_cast<uint32_t>(end + sizeof(uint32_t));
  e.raw.resize(new_len);
  uint8_t* p = e.raw.data();
  std::memcpy(p, &e.ts, 8);
  std::memcpy(p + 8, &e.tid, 8);
  std::memcpy(p + 16, &new_len, 4);
  std::memcpy(p + 20, &e.type, 2);
  std::memcpy(p + 22, &e.nparams, 4);
  std::memcpy(p + kEvHeaderV2, ev + hdr_len, end - hdr_len);
  out->events.push_back(std::move(e));
  return true;
}

bool ParseSectionHeader(Cursor body, std::string* error) {
  uint32_t magic = 0;
  uint16_t major = 0, minor = 0;
  if (!body.Read(&magic) || !body.Read(&major) || !body.Read(&minor)) {
    *error = "section header block too short";
    return false;
  }
  if (magic == kShbMagicSwapped) {
    *error = "big-endian captures are not supported";
    return false;
  }
  if (magic != kShbMagic) {
    *error = "bad section header byte-order magic";
    return false;
  }
  if (major != 1) {
    *error = "unsupported scap major version " + std::to_string(major);
    return false;
  }
  return true;
}

bool ParseBlocks(const std::vector<uint8_t>& data, ScapCapture* out, std::string* error) {
  Cursor file(data.data(), data.size());
  bool first = true;
  while (file.Remaining() > 0) {
    const size_t offset = file.Pos();
    // Built only on failure; the happy path reads thousands of blocks.
    auto where = [offset] { return " (block at offset " + std::to_string(offset) + ")"; };
    uint32_t type = 0, total = 0;
    if (!file.Read(&type) || !file.Read(&total)) {
      *error = "truncated block header" + where();
      return false;
    }
    if (first && type != kShbBlock) {
      *error = "not a scap capture: first block is not a section header";
      return false;
    }
    first = false;
    if (total < kBlockOverhead) {
      *error = "block length " + std::to_string(total) + " too small" + where();
      return false;
    }
    const size_t body_len = total - kBlockOverhead;
    if (body_len + sizeof(uint32_t) > file.Remaining()) {
      *error = "truncated block" + where();
      return false;
    }
    Cursor body(file.Here(), body_len);
    file.Skip(body_len);
    uint32_t trailer = 0;
    file.Read(&trailer);
    if (trailer != total) {
      *error =
          "block trailer " + std::to_string(trailer) + " != header length " + std::to_string(total) + where();
      return false;
    }

    bool ok = true;
    if (type == kShbBlock) {
      ok = ParseSectionHeader(body, error);
    } else if (ProcListVersion(type) != 0) {
      ok = ParseProcList(body, type, out, error);
    } else if (IsEventBlock(type)) {
      ok = ParseEvent(body, type, out, error);
    }
    // Machine info, fd, interface and user lists, and unknown blocks carry
    // nothing the test host uses; skipped like libscap skips unknown blocks.
    if (!ok) {
      *error += where();
      return false;
    }
  }
  if (first) {
    *error = "empty file";
    return false;
  }
  return true;
}

// gzread passes non-gzip files through unchanged, so this reads both forms.
bool ReadWholeFile(const std::string& path, std::vector<uint8_t>* data, std::string* io_error) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) {
    *io_error = "cannot open " + path;
    return false;
  }
  uint8_t chunk[1 << 16];
  while (true) {
    int n = gzread(gz, chunk, sizeof(chunk));
    if (n > 0) data->insert(data->end(), chunk, chunk + n);
    if (n < static_cast<int>(sizeof(chunk))) break;
  }
  int errnum = Z_OK;
  const char* msg = gzerror(gz, &errnum);
  if (errnum != Z_OK) *io_error = "reading " + path + ": " + (msg ? msg : "zlib error");
  gzclose(gz);
  return true;
}

}  // namespace

bool ReadScapFile(const std::string& path, ScapCapture* out, std::string* error) {
  std::string local_error;
  if (error == nullptr) error = &local_error;
  error->clear();
  *out = ScapCapture();
  std::vector<uint8_t> data;
  std::string io_error;
  if (!ReadWholeFile(path, &data, &io_error)) {
    *error = io_error;
    return false;
  }
  // Decode whatever decompressed, so a damaged gzip still yields the
  // complete blocks before the damage; the zlib error wins as the message.
  const bool parsed = ParseBlocks(data, out, error);
  if (!io_error.empty()) {
    *error = io_error + (parsed ? "" : "; " + *error);
    return false;
  }
  return parsed;
}

}  // namespace testhost
