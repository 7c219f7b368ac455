#include "core/field_table.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace libcontainer {
namespace {

// The published field list, in order (the reference README); field ids are positions in it.
const std::vector<std::string> kPublishedNames = {
    "container.id",
    "container.full_id",
    "container.name",
    "container.image",
    "container.image.id",
    "container.type",
    "container.privileged",
    "container.mounts",
    "container.mount",
    "container.mount.source",
    "container.mount.dest",
    "container.mount.mode",
    "container.mount.rdwr",
    "container.mount.propagation",
    "container.image.repository",
    "container.image.tag",
    "container.image.digest",
    "container.healthcheck",
    "container.liveness_probe",
    "container.readiness_probe",
    "container.start_ts",
    "container.duration",
    "container.ip",
    "container.cni.json",
    "container.host_pid",
    "container.host_network",
    "container.host_ipc",
    "container.label",
    "container.labels",
    "proc.is_container_healthcheck",
    "proc.is_container_liveness_probe",
    "proc.is_container_readiness_probe",
    "k8s.pod.name",
    "k8s.ns.name",
    "k8s.pod.id",
    "k8s.pod.uid",
    "k8s.pod.sandbox_id",
    "k8s.pod.full_sandbox_id",
    "k8s.pod.label",
    "k8s.pod.labels",
    "k8s.pod.ip",
    "k8s.pod.cni.json",
    "k8s.rc.name",
    "k8s.rc.id",
    "k8s.rc.label",
    "k8s.rc.labels",
    "k8s.svc.name",
    "k8s.svc.id",
    "k8s.svc.label",
    "k8s.svc.labels",
    "k8s.ns.id",
    "k8s.ns.label",
    "k8s.ns.labels",
    "k8s.rs.name",
    "k8s.rs.id",
    "k8s.rs.label",
    "k8s.rs.labels",
    "k8s.deployment.name",
    "k8s.deployment.id",
    "k8s.deployment.label",
    "k8s.deployment.labels",
};

const std::set<std::string> kSuggested = {
    "container.id",        "container.name", "container.image.repository",
    "container.image.tag", "k8s.pod.name",   "k8s.ns.name"};

const std::set<std::string> kIndexOrKey = {"container.mount",      "container.mount.source",
                                           "container.mount.dest", "container.mount.mode",
                                           "container.mount.rdwr", "container.mount.propagation"};

const std::set<std::string> kKeyOnly = {"container.label",     "k8s.pod.label", "k8s.rc.label",
                                        "k8s.svc.label",       "k8s.ns.label",  "k8s.rs.label",
                                        "k8s.deployment.label"};

std::string ExpectedType(const std::string& name) {
  if (name == "container.start_ts") return "abstime";
  if (name == "container.duration") return "reltime";
  if (name == "container.privileged" || name.starts_with("container.host_") || name.starts_with("proc.is_")) {
    return "bool";
  }
  return "string";
}

TEST(FieldTableTest, HasSixtyOneFieldsInPublishedOrder) {
  const auto& table = FieldTable();
  ASSERT_EQ(table.size(), 61u);
  ASSERT_EQ(kPublishedNames.size(), 61u);
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(table[i].id), i);
    EXPECT_EQ(table[i].name, kPublishedNames[i]) << "at " << i;
    EXPECT_EQ(FieldTypeName(table[i].type), ExpectedType(kPublishedNames[i])) << table[i].name;
    EXPECT_NE(std::string(table[i].display), "");
    EXPECT_NE(std::string(table[i].description), "");
  }
}

TEST(FieldTableTest, ArgumentsSuggestedOutputAndDeprecation) {
  size_t deprecated = 0;
  for (const FieldDef& def : FieldTable()) {
    const std::string name = def.name;
    FieldArg expected_arg = kIndexOrKey.contains(name) ? FieldArg::kIndexOrKeyRequired
                            : kKeyOnly.contains(name)  ? FieldArg::kKeyRequired
                                                       : FieldArg::kNone;
    EXPECT_EQ(def.arg, expected_arg) << name;
    EXPECT_EQ(def.suggested_output, kSuggested.contains(name)) << name;
    const bool old_k8s = name.starts_with("k8s.rc.") || name.starts_with("k8s.svc.") ||
                         name.starts_with("k8s.rs.") || name.starts_with("k8s.deployment.") ||
                         name == "k8s.ns.id" || name == "k8s.ns.label" || name == "k8s.ns.labels";
    EXPECT_EQ(def.deprecated, old_k8s) << name;
    if (def.deprecated) {
      ++deprecated;
      EXPECT_TRUE(std::string(def.display).starts_with("[Deprecated]")) << name;
    }
  }
  EXPECT_EQ(deprecated, 19u);
}

TEST(FieldTableTest, LookupByName) {
  for (const FieldDef& def : FieldTable()) {
    auto id = FieldIdByName(def.name);
    ASSERT_TRUE(id.has_value()) << def.name;
    EXPECT_EQ(*id, def.id);
    EXPECT_EQ(&GetFieldDef(def.id), &def);
  }
  EXPECT_FALSE(FieldIdByName("container.nope").has_value());
  EXPECT_FALSE(FieldIdByName("").has_value());
  EXPECT_EQ(FieldIdByName("k8s.pod.cni.json"), FieldId::kK8sPodCniJson);
}

TEST(FieldTableTest, TypeCodesMatchPluginApi) {
  EXPECT_EQ(static_cast<uint32_t>(FieldType::kUint64), 8u);
  EXPECT_EQ(static_cast<uint32_t>(FieldType::kString), 9u);
  EXPECT_EQ(static_cast<uint32_t>(FieldType::kRelTime), 20u);
  EXPECT_EQ(static_cast<uint32_t>(FieldType::kAbsTime), 21u);
  EXPECT_EQ(static_cast<uint32_t>(FieldType::kBool), 25u);
  EXPECT_EQ(FieldTypeName(FieldType::kUint64), "uint64");
}

TEST(FieldTableTest, FieldsJsonIsValidAndComplete) {
  const std::string& text = FieldsJson();
  EXPECT_EQ(&text, &FieldsJson()) << "built once";
  nlohmann::json json;
  ASSERT_NO_THROW(json = nlohmann::json::parse(text));
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 61u);

  std::set<std::string> names;
  std::set<std::string> suggested;
  for (size_t i = 0; i < json.size(); ++i) {
    const auto& field = json[i];
    const std::string name = field.at("name").get<std::string>();
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
    EXPECT_EQ(name, kPublishedNames[i]);
    EXPECT_EQ(field.at("type").get<std::string>(), ExpectedType(name)) << name;
    EXPECT_FALSE(field.at("display").get<std::string>().empty()) << name;
    EXPECT_FALSE(field.at("desc").get<std::string>().empty()) << name;

    if (kIndexOrKey.contains(name)) {
      EXPECT_EQ(field.at("arg"), (nlohmann::json{{"isRequired", true}, {"isIndex", true}, {"isKey", true}}));
    } else if (kKeyOnly.contains(name)) {
      EXPECT_EQ(field.at("arg"), (nlohmann::json{{"isRequired", true}, {"isKey", true}}));
    } else {
      EXPECT_FALSE(field.contains("arg")) << name;
    }

    // libsinsp reads suggested output only from a top-level boolean.
    EXPECT_FALSE(field.contains("properties")) << name;
    if (field.contains("addOutput")) {
      ASSERT_TRUE(field["addOutput"].is_boolean()) << name;
      EXPECT_TRUE(field["addOutput"].get<bool>()) << name;
      suggested.insert(name);
    }
  }
  EXPECT_EQ(suggested, kSuggested);
}

}  // namespace
}  // namespace libcontainer
