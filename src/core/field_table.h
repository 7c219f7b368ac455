// The 61 extraction fields the plugin declares, in the order of their ids.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace libcontainer {

// Values equal the plugin API's ss_plugin_field_type codes.
enum class FieldType : uint32_t { kUint64 = 8, kString = 9, kRelTime = 20, kAbsTime = 21, kBool = 25 };

enum class FieldArg : uint8_t { kNone, kKeyRequired, kIndexOrKeyRequired };

// One id per field; the numeric value is the field's index in FieldTable() and
// in the plugin_get_fields JSON, i.e. the field_id the host passes back.
enum class FieldId : uint32_t {
  kContainerId,
  kContainerFullId,
  kContainerName,
  kContainerImage,
  kContainerImageId,
  kContainerType,
  kContainerPrivileged,
  kContainerMounts,
  kContainerMount,
  kContainerMountSource,
  kContainerMountDest,
  kContainerMountMode,
  kContainerMountRdwr,
  kContainerMountPropagation,
  kContainerImageRepository,
  kContainerImageTag,
  kContainerImageDigest,
  kContainerHealthcheck,
  kContainerLivenessProbe,
  kContainerReadinessProbe,
  kContainerStartTs,
  kContainerDuration,
  kContainerIp,
  kContainerCniJson,
  kContainerHostPid,
  kContainerHostNetwork,
  kContainerHostIpc,
  kContainerLabel,
  kContainerLabels,
  kProcIsContainerHealthcheck,
  kProcIsContainerLivenessProbe,
  kProcIsContainerReadinessProbe,
  kK8sPodName,
  kK8sNsName,
  kK8sPodId,
  kK8sPodUid,
  kK8sPodSandboxId,
  kK8sPodFullSandboxId,
  kK8sPodLabel,
  kK8sPodLabels,
  kK8sPodIp,
  kK8sPodCniJson,
  // Deprecated upstream (k8smeta replaces them): declared so old rules load, always NULL.
  kK8sRcName,
  kK8sRcId,
  kK8sRcLabel,
  kK8sRcLabels,
  kK8sSvcName,
  kK8sSvcId,
  kK8sSvcLabel,
  kK8sSvcLabels,
  kK8sNsId,
  kK8sNsLabel,
  kK8sNsLabels,
  kK8sRsName,
  kK8sRsId,
  kK8sRsLabel,
  kK8sRsLabels,
  kK8sDeploymentName,
  kK8sDeploymentId,
  kK8sDeploymentLabel,
  kK8sDeploymentLabels,
  kCount
};

inline constexpr size_t kFieldCount = static_cast<size_t>(FieldId::kCount);

struct FieldDef {
  FieldId id;
  const char* name;
  FieldType type;
  FieldArg arg;
  const char* display;
  const char* description;
  bool suggested_output;  // "addOutput": Falco appends it to rule outputs
  bool deprecated;        // declared for compatibility, never extracts a value
};

// 61 entries, FieldTable()[i].id == FieldId(i).
const std::array<FieldDef, kFieldCount>& FieldTable();

inline const FieldDef& GetFieldDef(FieldId id) {
  return FieldTable()[static_cast<size_t>(id)];
}

// Field by its name (e.g. "container.id"); linear, meant for init/tests, not the hot path.
std::optional<FieldId> FieldIdByName(std::string_view name);

// The type's name in the plugin API's fields JSON ("string", "uint64", ...).
std::string_view FieldTypeName(FieldType type);

// JSON array for plugin_get_fields, built once; the reference stays valid for the process lifetime.
const std::string& FieldsJson();

}  // namespace libcontainer
