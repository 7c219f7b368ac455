#include "host/event_builder.h"

#include <chrono>
#include <cstring>

namespace testhost {
namespace events {

namespace {

template <typename T>
std::string Raw(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

template <typename T>
void Put(std::vector<uint8_t>& out, size_t offset, T v) {
  std::memcpy(out.data() + offset, &v, sizeof(T));
}

template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

ThreadSpec DefaultThread(int64_t tid) {
  ThreadSpec t;
  t.tid = tid;
  t.pid = tid;
  t.ptid = 1;
  t.vtid = tid;
  t.vpid = tid;
  t.comm = "bash";
  t.exe = "/bin/bash";
  t.args = {"-c", "true"};
  return t;
}

std::string CgroupsParam(const ThreadSpec& t) {
  std::vector<std::string> items;
  for (const auto& [subsys, path] : t.cgroups) items.push_back(subsys + "=" + path);
  return JoinNul(items);
}

}  // namespace

bool IsLargePayload(uint16_t type) {
  return type == 322 || type == kContainerJson2 || type == kAsyncEvent;
}

uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Builder& Builder::U8(uint8_t v) {
  params_.push_back(Raw(v));
  return *this;
}
Builder& Builder::U16(uint16_t v) {
  params_.push_back(Raw(v));
  return *this;
}
Builder& Builder::U32(uint32_t v) {
  params_.push_back(Raw(v));
  return *this;
}
Builder& Builder::U64(uint64_t v) {
  params_.push_back(Raw(v));
  return *this;
}
Builder& Builder::I64(int64_t v) {
  params_.push_back(Raw(v));
  return *this;
}
Builder& Builder::Str(std::string_view s) {
  std::string p(s);
  p.push_back('\0');
  params_.push_back(std::move(p));
  return *this;
}
Builder& Builder::Bytes(std::string_view b) {
  params_.emplace_back(b);
  return *this;
}
Builder& Builder::Empty() {
  params_.emplace_back();
  return *this;
}

std::vector<uint8_t> Builder::Finish(std::optional<uint64_t> ts, std::optional<bool> large) const {
  const bool wide = large.value_or(IsLargePayload(type_));
  const size_t len_size = wide ? 4 : 2;
  size_t total = kHeaderSize + params_.size() * len_size;
  for (const auto& p : params_) total += p.size();
  std::vector<uint8_t> out(total);
  Put<uint64_t>(out, 0, ts.value_or(NowNs()));
  Put<uint64_t>(out, 8, tid_);
  Put<uint32_t>(out, 16, static_cast<uint32_t>(total));
  Put<uint16_t>(out, 20, type_);
  Put<uint32_t>(out, 22, static_cast<uint32_t>(params_.size()));
  size_t lens = kHeaderSize;
  size_t data = kHeaderSize + params_.size() * len_size;
  for (const auto& p : params_) {
    if (wide) {
      Put<uint32_t>(out, lens, static_cast<uint32_t>(p.size()));
    } else {
      Put<uint16_t>(out, lens, static_cast<uint16_t>(p.size()));
    }
    lens += len_size;
    if (!p.empty()) std::memcpy(out.data() + data, p.data(), p.size());
    data += p.size();
  }
  return out;
}

std::string JoinNul(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) {
    s += i;
    s.push_back('\0');
  }
  return s;
}

// clone/fork/vfork/clone3 exit: 21 parameters in schema 4.
std::vector<uint8_t> CloneExit(const ThreadSpec& t, int64_t res, uint16_t type) {
  Builder b(type, static_cast<uint64_t>(t.tid));
  b.I64(res)                        // res
      .Str(t.exe)                   // exe
      .Bytes(JoinNul(t.args))       // args
      .I64(t.tid)                   // tid
      .I64(t.pid)                   // pid
      .I64(t.ptid)                  // ptid
      .Str("/")                     // cwd
      .I64(1024)                    // fdlimit
      .U64(0)                       // pgft_maj
      .U64(12)                      // pgft_min
      .U32(8192)                    // vm_size
      .U32(4096)                    // vm_rss
      .U32(0)                       // vm_swap
      .Str(t.comm)                  // comm
      .Bytes(CgroupsParam(t))       // cgroups
      .U32(0x00800000)              // flags (CLONE_CHILD_CLEARTID-ish)
      .U32(0)                       // uid
      .U32(0)                       // gid
      .I64(t.vtid)                  // vtid
      .I64(t.vpid)                  // vpid
      .U64(t.pidns_init_start_ts);  // pidns_init_start_ts
  return b.Finish();
}

std::vector<uint8_t> CloneExit(int64_t tid, int64_t res, uint16_t type) {
  return CloneExit(DefaultThread(tid), res, type);
}

std::vector<uint8_t> ExecveExit(const ThreadSpec& t, int64_t res, uint16_t type) {
  Builder b(type, static_cast<uint64_t>(t.tid));
  // The 16 parameters every execve exit version from 16 on starts with.
  b.I64(res)                                                  // res
      .Str(t.exe)                                             // exe
      .Bytes(JoinNul(t.args))                                 // args
      .I64(t.tid)                                             // tid
      .I64(t.pid)                                             // pid
      .I64(t.ptid)                                            // ptid
      .Str("/")                                               // cwd
      .U64(1024)                                              // fdlimit
      .U64(0)                                                 // pgft_maj
      .U64(40)                                                // pgft_min
      .U32(8192)                                              // vm_size
      .U32(4096)                                              // vm_rss
      .U32(0)                                                 // vm_swap
      .Str(t.comm)                                            // comm
      .Bytes(CgroupsParam(t))                                 // cgroups
      .Bytes(JoinNul({"PATH=/usr/bin:/bin", "HOME=/root"}));  // env
  if (type == kExecve16Exit) return b.Finish();
  b.U32(0);  // tty
  if (type == kExecve17Exit || type == kExecve18Exit) return b.Finish();
  // 293 and 331 (schema 4): 30 parameters, 293 adds the enter's filename.
  b.I64(t.pid)                              // vpgid
      .U32(0)                               // loginuid
      .U32(0)                               // flags
      .U64(0)                               // cap_inheritable
      .U64(~0ULL)                           // cap_permitted
      .U64(~0ULL)                           // cap_effective
      .U64(131)                             // exe_ino
      .U64(0)                               // exe_ino_ctime
      .U64(0)                               // exe_ino_mtime
      .U32(0)                               // uid
      .Str(t.exe)                           // trusted_exepath
      .I64(t.pid)                           // pgid
      .U32(0);                              // gid
  if (type != kExecveatExit) b.Str(t.exe);  // filename
  return b.Finish();
}

std::vector<uint8_t> ExecveExit(int64_t tid, int64_t res, uint16_t type) {
  return ExecveExit(DefaultThread(tid), res, type);
}

std::vector<uint8_t> ChrootExit(int64_t tid, int64_t res) {
  return Builder(kChrootExit, static_cast<uint64_t>(tid)).I64(res).Str("/newroot").Finish();
}

std::vector<uint8_t> ProcExit(int64_t tid) {
  return Builder(kProcExit, static_cast<uint64_t>(tid))
      .I64(0)  // status
      .I64(0)  // ret
      .U8(0)   // sig
      .U8(0)   // core
      .I64(0)  // reaper_tid
      .Finish();
}

std::vector<uint8_t> OpenExit(int64_t tid) {
  return Builder(kOpenatExit, static_cast<uint64_t>(tid))
      .I64(3)              // fd
      .I64(-100)           // dirfd (AT_FDCWD)
      .Str("/etc/passwd")  // name
      .U32(1)              // flags (PPM_O_RDONLY)
      .U32(0)              // mode
      .U32(0x803)          // dev
      .U64(1234567)        // ino
      .Finish();
}

std::vector<uint8_t> AsyncEvent(const std::string& name, const std::string& data_including_nul,
                                uint32_t plugin_id, uint64_t tid, uint64_t ts) {
  return Builder(kAsyncEvent, tid).U32(plugin_id).Str(name).Bytes(data_including_nul).Finish(ts);
}

std::vector<uint8_t> LegacyContainer(const std::string& id, uint32_t type, const std::string& name,
                                     const std::string& image) {
  return Builder(kContainer, 0).Str(id).U32(type).Str(name).Str(image).Finish();
}

std::vector<uint8_t> LegacyContainerJson(const std::string& json) {
  return Builder(kContainerJson, 0).Str(json).Finish();
}

std::vector<uint8_t> LegacyContainerJson2(const std::string& json) {
  return Builder(kContainerJson2, 0).Str(json).Finish();
}

std::optional<Header> ReadHeader(const std::vector<uint8_t>& evt) {
  if (evt.size() < kHeaderSize) return std::nullopt;
  Header h;
  h.ts = Get<uint64_t>(evt.data());
  h.tid = Get<uint64_t>(evt.data() + 8);
  h.len = Get<uint32_t>(evt.data() + 16);
  h.type = Get<uint16_t>(evt.data() + 20);
  h.nparams = Get<uint32_t>(evt.data() + 22);
  return h;
}

std::optional<std::vector<std::string_view>> Params(const std::vector<uint8_t>& evt) {
  auto h = ReadHeader(evt);
  if (!h || h->len != evt.size()) return std::nullopt;
  const size_t len_size = IsLargePayload(h->type) ? 4 : 2;
  if (h->nparams > (evt.size() - kHeaderSize) / len_size) return std::nullopt;
  size_t data = kHeaderSize + h->nparams * len_size;
  std::vector<std::string_view> out;
  for (uint32_t i = 0; i < h->nparams; ++i) {
    const uint8_t* l = evt.data() + kHeaderSize + i * len_size;
    const size_t n = len_size == 4 ? Get<uint32_t>(l) : Get<uint16_t>(l);
    if (n > evt.size() - data) return std::nullopt;
    out.emplace_back(reinterpret_cast<const char*>(evt.data() + data), n);
    data += n;
  }
  if (data != evt.size()) return std::nullopt;
  return out;
}

std::optional<DecodedAsync> DecodeAsyncEvent(const std::vector<uint8_t>& evt) {
  auto h = ReadHeader(evt);
  if (!h || h->type != kAsyncEvent || h->nparams != 3) return std::nullopt;
  auto params = Params(evt);
  if (!params || (*params)[0].size() != 4) return std::nullopt;
  std::string_view name = (*params)[1];
  if (name.empty() || name.back() != '\0') return std::nullopt;
  name.remove_suffix(1);
  DecodedAsync d;
  std::memcpy(&d.plugin_id, (*params)[0].data(), 4);
  d.name = std::string(name);
  d.data = std::string((*params)[2]);
  d.tid = h->tid;
  d.ts = h->ts;
  return d;
}

void SetTimestamp(std::vector<uint8_t>& evt, uint64_t ts) {
  if (evt.size() >= kHeaderSize) Put<uint64_t>(evt, 0, ts);
}

void SetTid(std::vector<uint8_t>& evt, uint64_t tid) {
  if (evt.size() >= kHeaderSize) Put<uint64_t>(evt, 8, tid);
}

}  // namespace events
}  // namespace testhost
