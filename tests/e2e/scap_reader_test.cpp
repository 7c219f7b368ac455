// Checks the scap reader against the real captures in tests/data/captures
// (their README says where they come from and what they hold).
//
// That README's event counts are what libscap returns after its read-time
// converter, which drops most enter events of old versions. This reader
// returns every stored event block unconverted, so the event totals below are
// raw block counts (counted independently by walking block headers); thread
// counts, container cgroups and container events are raw content and match
// the README exactly.
#include "host/scap_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace testhost {
namespace {

constexpr uint16_t kContainerJsonE = 272;  // PPME_CONTAINER_JSON_E, stored by scap 1.x writers.
constexpr uint64_t kNoTid = ~uint64_t{0};  // tid -1
const std::string kNginxId = "697956520d891b5cb0e215093970c733549a3f745f52263c05b37f8a488994f3";

std::string CapturePath(const std::string& name) {
  return std::string(LIBCONTAINER_CAPTURES_DIR) + "/" + name;
}

ScapCapture MustRead(const std::string& name) {
  ScapCapture capture;
  std::string error;
  EXPECT_TRUE(ReadScapFile(CapturePath(name), &capture, &error)) << name << ": " << error;
  EXPECT_TRUE(error.empty()) << error;
  return capture;
}

// The cgroup path docker gives a container: /docker/<64 hex>.
bool IsDockerPath(const std::string& path) {
  constexpr std::string_view kPrefix = "/docker/";
  if (path.size() != kPrefix.size() + 64 || path.compare(0, kPrefix.size(), kPrefix) != 0) {
    return false;
  }
  return std::all_of(path.begin() + kPrefix.size(), path.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

bool InDockerCgroup(const ScapThread& th) {
  return std::any_of(th.cgroups.begin(), th.cgroups.end(),
                     [](const auto& cg) { return IsDockerPath(cg.second); });
}

std::vector<const ScapThread*> ContainerThreads(const ScapCapture& c) {
  std::vector<const ScapThread*> out;
  for (const ScapThread& th : c.threads) {
    if (InDockerCgroup(th)) out.push_back(&th);
  }
  return out;
}

std::string CgroupOf(const ScapThread& th, const std::string& subsys) {
  for (const auto& [name, path] : th.cgroups) {
    if (name == subsys) return path;
  }
  return "";
}

std::vector<const ScapEvent*> ContainerEvents(const ScapCapture& c) {
  std::vector<const ScapEvent*> out;
  for (const ScapEvent& e : c.events) {
    if (e.type == kContainerJsonE) out.push_back(&e);
  }
  return out;
}

// First parameter of an event with u16 parameter lengths, trailing NULs and
// newlines dropped (old writers stored the JSON as "...}\n\0").
std::string FirstParam(const ScapEvent& e) {
  if (e.nparams < 1 || e.raw.size() < 28) return "";
  uint16_t len = 0;
  std::memcpy(&len, e.raw.data() + 26, sizeof(len));
  const size_t offset = 26 + 2 * size_t{e.nparams};
  if (offset + len > e.raw.size()) return "";
  std::string s(reinterpret_cast<const char*>(e.raw.data() + offset), len);
  while (!s.empty() && (s.back() == '\0' || s.back() == '\n')) s.pop_back();
  return s;
}

const ScapThread* FindThread(const ScapCapture& c, int64_t tid) {
  for (const ScapThread& th : c.threads) {
    if (th.tid == tid) return &th;
  }
  return nullptr;
}

std::vector<uint8_t> Decompressed(const std::string& path) {
  std::vector<uint8_t> data;
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) return data;
  uint8_t buf[1 << 14];
  int n;
  while ((n = gzread(gz, buf, sizeof(buf))) > 0) data.insert(data.end(), buf, buf + n);
  gzclose(gz);
  return data;
}

std::vector<uint8_t> FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

class TempFile {
 public:
  explicit TempFile(const std::vector<uint8_t>& bytes) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("scap_reader_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                .string();
    std::ofstream out(path_, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Offsets where each block starts, by walking the raw block headers.
std::vector<size_t> BlockOffsets(const std::vector<uint8_t>& data) {
  std::vector<size_t> offsets;
  size_t off = 0;
  while (off + 8 <= data.size()) {
    offsets.push_back(off);
    uint32_t total = 0;
    std::memcpy(&total, data.data() + off + 4, 4);
    if (total < 12) break;
    off += total;
  }
  return offsets;
}

// Every event's raw bytes start with a 26-byte header mirroring the fields.
void ExpectHeadersConsistent(const ScapCapture& c) {
  for (const ScapEvent& e : c.events) {
    ASSERT_GE(e.raw.size(), 26u);
    uint64_t ts, tid;
    uint32_t len, nparams;
    uint16_t type;
    std::memcpy(&ts, e.raw.data(), 8);
    std::memcpy(&tid, e.raw.data() + 8, 8);
    std::memcpy(&len, e.raw.data() + 16, 4);
    std::memcpy(&type, e.raw.data() + 20, 2);
    std::memcpy(&nparams, e.raw.data() + 22, 4);
    ASSERT_EQ(ts, e.ts);
    ASSERT_EQ(tid, e.tid);
    ASSERT_EQ(len, e.raw.size());
    ASSERT_EQ(type, e.type);
    ASSERT_EQ(nparams, e.nparams);
    ASSERT_GE(e.raw.size(), 26 + 2 * size_t{nparams});
  }
}

TEST(ScapReaderTest, Empty2016ThreadsInContainers) {
  ScapCapture c = MustRead("falco_empty_2016.scap");  // raw scap 1.0, PL V6
  EXPECT_EQ(c.threads.size(), 103u);
  auto in_containers = ContainerThreads(c);
  ASSERT_EQ(in_containers.size(), 4u);

  const ScapThread* botnet = FindThread(c, 16231);
  ASSERT_NE(botnet, nullptr);
  EXPECT_EQ(botnet->pid, 16231);
  EXPECT_EQ(botnet->ptid, 16191);
  EXPECT_EQ(botnet->vpid, 1);  // PID 1 of its namespace
  EXPECT_EQ(botnet->vtid, 1);
  EXPECT_EQ(botnet->comm, "botnet_master.s");
  EXPECT_EQ(botnet->exe, "/bin/sh");
  EXPECT_EQ(botnet->args, std::vector<std::string>{"/tmp/botnet_master.sh"});
  EXPECT_EQ(CgroupOf(*botnet, "cpuset"),
            "/docker/c644607f2c4ec53601bc543ea19e8c5f340e9c39a61af326dabf9aae1f502f17");

  const ScapThread* nginx = FindThread(c, 16486);
  ASSERT_NE(nginx, nullptr);
  EXPECT_EQ(nginx->comm, "nginx");
  EXPECT_EQ(CgroupOf(*nginx, "memory"),
            "/docker/ad8301db070ea803ee86ef753c460d16f3c0128b5d3f6a2960577d0d35635053");

  // A host thread: docker daemon with systemd cgroups and its argv.
  const ScapThread* dockerd = FindThread(c, 598);
  ASSERT_NE(dockerd, nullptr);
  EXPECT_EQ(dockerd->exe, "/usr/bin/docker");
  EXPECT_EQ(dockerd->args, (std::vector<std::string>{"daemon", "-H", "fd://"}));
  EXPECT_EQ(CgroupOf(*dockerd, "cpuset"), "/system.slice/docker.service");
  EXPECT_FALSE(InDockerCgroup(*dockerd));
  EXPECT_EQ(dockerd->pidns_init_start_ts, 0u);  // Not stored before PL V9.
}

TEST(ScapReaderTest, Empty2016ContainerEvents) {
  ScapCapture c = MustRead("falco_empty_2016.scap");
  // 83 stored event blocks; libscap also returns 83 here.
  EXPECT_EQ(c.events.size(), 83u);
  auto events = ContainerEvents(c);
  ASSERT_EQ(events.size(), 3u);
  std::vector<std::string> json;
  for (const ScapEvent* e : events) {
    EXPECT_EQ(e->nparams, 1u);
    json.push_back(FirstParam(*e));
  }
  EXPECT_EQ(json[0],
            R"({"container":{"id":"ad8301db070e","image":"nginx:latest","name":"mitm_nginx","type":0}})");
  EXPECT_NE(json[1].find(R"("id":"c644607f2c4e")"), std::string::npos) << json[1];
  EXPECT_NE(json[1].find(R"("image":"alpine:latest")"), std::string::npos) << json[1];
  EXPECT_NE(json[1].find(R"("name":"attacker_botnet_master")"), std::string::npos) << json[1];
  EXPECT_EQ(json[2], json[1]);  // Stored twice.
  // They lead the stream, before any syscall event.
  EXPECT_EQ(events[0], &c.events[0]);
}

// Old (EV_BLOCK_TYPE V1) events have no nparams on disk; the reader must
// recover it so that 26 + 2 * nparams + sum(lengths) == len for every event.
TEST(ScapReaderTest, V1EventsGetExactParamCount) {
  for (const char* name : {"falco_empty_2016.scap", "libs_curl_google.scap"}) {
    SCOPED_TRACE(name);
    ScapCapture c = MustRead(name);
    ExpectHeadersConsistent(c);
    for (const ScapEvent& e : c.events) {
      size_t total = 26 + 2 * size_t{e.nparams};
      for (uint32_t i = 0; i < e.nparams; ++i) {
        uint16_t len = 0;
        std::memcpy(&len, e.raw.data() + 26 + 2 * i, 2);
        total += len;
      }
      ASSERT_EQ(total, e.raw.size()) << "type " << e.type;
    }
  }
}

TEST(ScapReaderTest, RunAsUser0ContainerThreadAndEvents) {
  ScapCapture c = MustRead("falco_psp_run_as_user_0_container.scap");  // scap 1.2, PL V9
  EXPECT_EQ(c.threads.size(), 124u);
  auto in_containers = ContainerThreads(c);
  ASSERT_EQ(in_containers.size(), 1u);
  const ScapThread& bash = *in_containers[0];
  EXPECT_EQ(bash.tid, 25754);
  EXPECT_EQ(bash.pid, 25754);
  EXPECT_EQ(bash.ptid, 25722);
  EXPECT_EQ(bash.vpid, 1);
  EXPECT_EQ(bash.comm, "bash");
  EXPECT_EQ(bash.exe, "/bin/bash");
  EXPECT_EQ(CgroupOf(bash, "cpuset"), "/docker/" + kNginxId);
  EXPECT_EQ(CgroupOf(bash, "rdma"), "/");
  // "name=systemd=/docker/..." splits at the first '='.
  EXPECT_EQ(CgroupOf(bash, "name"), "systemd=/docker/" + kNginxId);
  EXPECT_EQ(bash.pidns_init_start_ts, 0u);  // Written before libs 0.10.

  // 4143 stored event blocks; the README's 2795 is after libscap's converter
  // dropped most enter events.
  EXPECT_EQ(c.events.size(), 4143u);
  ExpectHeadersConsistent(c);
  auto events = ContainerEvents(c);
  ASSERT_EQ(events.size(), 2u);
  const std::string placeholder = FirstParam(*events[0]);
  const std::string full = FirstParam(*events[1]);
  EXPECT_EQ(events[0]->tid, kNoTid);
  EXPECT_NE(placeholder.find(R"("id":"697956520d89")"), std::string::npos);
  EXPECT_NE(placeholder.find(R"("name":"incomplete")"), std::string::npos) << placeholder;
  EXPECT_NE(full.find(R"("id":"697956520d89")"), std::string::npos);
  EXPECT_NE(full.find(R"("name":"hopeful_taussig")"), std::string::npos) << full;
  EXPECT_NE(full.find(R"("image":"nginx")"), std::string::npos) << full;
  EXPECT_NE(full.find(R"("type":0)"), std::string::npos) << full;
}

TEST(ScapReaderTest, RunAsUser65534ThreeContainerThreads) {
  ScapCapture c = MustRead("falco_psp_run_as_user_65534_container.scap");
  EXPECT_EQ(c.threads.size(), 126u);
  auto in_containers = ContainerThreads(c);
  ASSERT_EQ(in_containers.size(), 3u);
  for (const ScapThread* th : in_containers) {
    EXPECT_EQ(CgroupOf(*th, "cpuset"), "/docker/" + kNginxId) << th->tid;
  }
  const ScapThread* su = FindThread(c, 7765);
  ASSERT_NE(su, nullptr);
  EXPECT_EQ(su->comm, "su");
  EXPECT_EQ(su->ptid, 25754);
  EXPECT_EQ(su->vpid, 9);
  EXPECT_EQ(c.events.size(), 241u);  // README: 241 as well
  auto events = ContainerEvents(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(FirstParam(*events[0]).find(R"("name":"hopeful_taussig")"), std::string::npos);
}

TEST(ScapReaderTest, WriteTmpOneContainerThread) {
  ScapCapture c = MustRead("falco_psp_write_tmp_test.scap");
  EXPECT_EQ(c.threads.size(), 124u);
  auto in_containers = ContainerThreads(c);
  ASSERT_EQ(in_containers.size(), 1u);
  EXPECT_EQ(in_containers[0]->tid, 25754);
  EXPECT_EQ(c.events.size(), 229u);  // README: 229 as well
  auto events = ContainerEvents(c);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(FirstParam(*events[0]).find(R"("id":"697956520d89")"), std::string::npos);
}

TEST(ScapReaderTest, PrivilegedContainerEventMidStream) {
  ScapCapture c = MustRead("falco_psp_privileged.scap");
  EXPECT_EQ(c.threads.size(), 100u);
  EXPECT_TRUE(ContainerThreads(c).empty());
  EXPECT_EQ(c.events.size(), 2059u);  // README: 2059 as well
  auto events = ContainerEvents(c);
  ASSERT_EQ(events.size(), 1u);
  // README's event #1405 counts from 1.
  EXPECT_EQ(events[0] - c.events.data(), 1404);
  EXPECT_EQ(events[0]->tid, kNoTid);
  const std::string json = FirstParam(*events[0]);
  EXPECT_NE(json.find(R"("id":"9dbcbd0c435f")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("name":"epic_cray")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("image":"nginx:latest")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("privileged":true)"), std::string::npos) << json;
}

TEST(ScapReaderTest, CurlGoogleHasNoContainers) {
  ScapCapture c = MustRead("libs_curl_google.scap");  // gz, scap 1.0, PL V5
  EXPECT_EQ(c.threads.size(), 54u);
  EXPECT_TRUE(ContainerThreads(c).empty());
  EXPECT_TRUE(ContainerEvents(c).empty());
  // 1536 stored blocks; README's 991 is after the converter.
  EXPECT_EQ(c.events.size(), 1536u);
  size_t with_cgroups = 0;
  for (const ScapThread& th : c.threads) with_cgroups += th.cgroups.empty() ? 0 : 1;
  EXPECT_GT(with_cgroups, 0u);  // V5 carries cgroups.
}

TEST(ScapReaderTest, GzipAndRawFormsReadTheSame) {
  const std::string path = CapturePath("falco_psp_write_tmp_test.scap");
  TempFile raw(Decompressed(path));
  ScapCapture from_gz = MustRead("falco_psp_write_tmp_test.scap");
  ScapCapture from_raw;
  std::string error;
  ASSERT_TRUE(ReadScapFile(raw.path(), &from_raw, &error)) << error;
  ASSERT_EQ(from_raw.events.size(), from_gz.events.size());
  ASSERT_EQ(from_raw.threads.size(), from_gz.threads.size());
  for (size_t i = 0; i < from_raw.events.size(); ++i) {
    ASSERT_EQ(from_raw.events[i].raw, from_gz.events[i].raw) << i;
  }
}

TEST(ScapReaderTest, MissingOrForeignFileFails) {
  ScapCapture c;
  std::string error;
  EXPECT_FALSE(ReadScapFile(CapturePath("does_not_exist.scap"), &c, &error));
  EXPECT_FALSE(error.empty());

  const std::string text = "this is not a capture file at all\n";
  TempFile foreign(std::vector<uint8_t>(text.begin(), text.end()));
  error.clear();
  EXPECT_FALSE(ReadScapFile(foreign.path(), &c, &error));
  EXPECT_FALSE(error.empty());

  TempFile empty(std::vector<uint8_t>{});
  error.clear();
  EXPECT_FALSE(ReadScapFile(empty.path(), &c, &error));
  EXPECT_FALSE(error.empty());
}

// A raw file cut inside a block fails with an error but keeps every block
// before the cut; a cut on a block boundary is a valid, shorter capture.
TEST(ScapReaderTest, TruncatedRawFile) {
  const std::vector<uint8_t> data = FileBytes(CapturePath("falco_empty_2016.scap"));
  ASSERT_EQ(data.size(), 129696u);
  ScapCapture full = MustRead("falco_empty_2016.scap");
  const std::vector<size_t> blocks = BlockOffsets(data);
  ASSERT_GT(blocks.size(), 100u);

  // Boundary right before the 11th event block: 10 events survive.
  size_t event_blocks = 0, boundary = 0;
  for (size_t off : blocks) {
    uint32_t type = 0;
    std::memcpy(&type, data.data() + off, 4);
    if (type == 0x204 && ++event_blocks == 11) {
      boundary = off;
      break;
    }
  }
  ASSERT_NE(boundary, 0u);
  {
    TempFile cut(std::vector<uint8_t>(data.begin(), data.begin() + boundary));
    ScapCapture c;
    std::string error;
    EXPECT_TRUE(ReadScapFile(cut.path(), &c, &error)) << error;
    EXPECT_EQ(c.threads.size(), 103u);
    EXPECT_EQ(c.events.size(), 10u);
  }

  // Cuts inside blocks: header, process list, an event, the last trailer.
  const std::vector<size_t> cuts = {3, 10, blocks[4] + 100, boundary + 5, boundary + 30, data.size() - 1};
  for (size_t cut_at : cuts) {
    SCOPED_TRACE(cut_at);
    TempFile cut(std::vector<uint8_t>(data.begin(), data.begin() + cut_at));
    ScapCapture c;
    std::string error;
    EXPECT_FALSE(ReadScapFile(cut.path(), &c, &error));
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
    EXPECT_LE(c.events.size(), full.events.size());
    for (size_t i = 0; i < c.events.size(); ++i) ASSERT_EQ(c.events[i].raw, full.events[i].raw);
  }
}

// Cutting the gzip stream itself: zlib reports the damage, and what
// decompressed before it is still decoded.
TEST(ScapReaderTest, TruncatedGzipFile) {
  const std::vector<uint8_t> gz = FileBytes(CapturePath("falco_psp_run_as_user_0_container.scap"));
  ASSERT_EQ(gz.size(), 58621u);
  ScapCapture full = MustRead("falco_psp_run_as_user_0_container.scap");
  for (size_t cut_at : {size_t{5}, size_t{100}, gz.size() / 2, gz.size() - 4}) {
    SCOPED_TRACE(cut_at);
    TempFile cut(std::vector<uint8_t>(gz.begin(), gz.begin() + cut_at));
    ScapCapture c;
    std::string error;
    EXPECT_FALSE(ReadScapFile(cut.path(), &c, &error));
    EXPECT_FALSE(error.empty());
    ASSERT_LE(c.events.size(), full.events.size());
    for (size_t i = 0; i < c.events.size(); ++i) ASSERT_EQ(c.events[i].raw, full.events[i].raw);
  }
  // Half the compressed stream still holds the whole process list.
  TempFile half(std::vector<uint8_t>(gz.begin(), gz.begin() + gz.size() / 2));
  ScapCapture c;
  std::string error;
  EXPECT_FALSE(ReadScapFile(half.path(), &c, &error));
  EXPECT_EQ(c.threads.size(), 124u);
  EXPECT_GT(c.events.size(), 0u);
}

// Random byte corruption must never crash or read out of bounds (run under
// ASan); the reader either fails or returns something.
TEST(ScapReaderTest, CorruptedBytesDoNotCrash) {
  const std::vector<uint8_t> data = Decompressed(CapturePath("falco_psp_write_tmp_test.scap"));
  ASSERT_FALSE(data.empty());
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> pos(0, data.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::vector<size_t> blocks = BlockOffsets(data);
  size_t failures = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<uint8_t> bad = data;
    for (int i = 0; i < 8; ++i) bad[pos(rng)] = static_cast<uint8_t>(byte(rng));
    // Also aim at length fields, where damage matters most.
    const size_t victim = blocks[pos(rng) % blocks.size()] + 4;
    const uint32_t lengths[] = {0, 11, 12, 13, 0xFFFFFFFF, 0x7FFFFFFF, 1u << 20};
    std::memcpy(bad.data() + victim, &lengths[round % 7], 4);
    TempFile f(bad);
    ScapCapture c;
    std::string error;
    if (!ReadScapFile(f.path(), &c, &error)) {
      ++failures;
      EXPECT_FALSE(error.empty());
    }
  }
  EXPECT_GT(failures, 0u);
}

}  // namespace
}  // namespace testhost
