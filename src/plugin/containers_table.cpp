#include "plugin/containers_table.h"

#include <array>
#include <cstring>

namespace libcontainer {
namespace {

// Field accessors are pointers into this array.
enum class Column : uint8_t { kId, kName, kImage, kIp, kUser, kType };

std::array<ss_plugin_table_fieldinfo, 6> kFieldInfos = {{
    {"id", SS_PLUGIN_ST_STRING, 1},
    {"name", SS_PLUGIN_ST_STRING, 1},
    {"image", SS_PLUGIN_ST_STRING, 1},
    {"ip", SS_PLUGIN_ST_STRING, 1},
    {"user", SS_PLUGIN_ST_STRING, 1},
    {"type", SS_PLUGIN_ST_UINT32, 1},
}};

const ContainerCache& CacheOf(ss_plugin_table_t* t) {
  return *static_cast<const ContainerCache*>(t);
}

const ContainerInfo* InfoOf(ss_plugin_table_entry_t* e) {
  return static_cast<const ContainerInfo*>(e);
}

const char* GetName(ss_plugin_table_t*) {
  return "containers";
}

// Like the reference, key "" is the synthetic host entry: libsinsp looks up
// host threads' (empty) container id too.
uint64_t GetSize(ss_plugin_table_t* t) {
  return CacheOf(t).size() + 1;
}

ss_plugin_table_entry_t* GetEntry(ss_plugin_table_t* t, const ss_plugin_state_data* key) {
  if (key == nullptr || key->str == nullptr) return nullptr;
  return const_cast<ContainerInfo*>(CacheOf(t).Find(key->str));
}

ss_plugin_rc ReadField(ss_plugin_table_t*, ss_plugin_table_entry_t* e, const ss_plugin_table_field_t* f,
                       ss_plugin_state_data* out) {
  if (e == nullptr || f == nullptr || out == nullptr) return SS_PLUGIN_FAILURE;
  const auto* info = InfoOf(e);
  const auto index = static_cast<const ss_plugin_table_fieldinfo*>(f) - kFieldInfos.data();
  switch (static_cast<Column>(index)) {
    case Column::kId:
      out->str = info->id.c_str();
      break;
    case Column::kName:
      out->str = info->name.c_str();
      break;
    case Column::kImage:
      out->str = info->image.c_str();
      break;
    case Column::kIp:
      out->str = info->ip.c_str();
      break;
    case Column::kUser:
      out->str = info->user.c_str();
      break;
    case Column::kType:
      out->u32 = static_cast<uint32_t>(info->type);
      break;
    default:
      return SS_PLUGIN_FAILURE;
  }
  return SS_PLUGIN_SUCCESS;
}

void ReleaseEntry(ss_plugin_table_t*, ss_plugin_table_entry_t*) {}

ss_plugin_bool IterateEntries(ss_plugin_table_t* t, ss_plugin_table_iterator_func_t it,
                              ss_plugin_table_iterator_state_t* s) {
  bool go_on = it(s, const_cast<ContainerInfo*>(&CacheOf(t).host())) != 0;
  CacheOf(t).ForEach([&](const ContainerInfo& info) {
    if (go_on) go_on = it(s, const_cast<ContainerInfo*>(&info)) != 0;
  });
  return go_on ? 1 : 0;
}

ss_plugin_table_fieldinfo* ListFields(ss_plugin_table_t*, uint32_t* nfields) {
  *nfields = static_cast<uint32_t>(kFieldInfos.size());
  return kFieldInfos.data();
}

ss_plugin_table_field_t* GetField(ss_plugin_table_t*, const char* name, ss_plugin_state_type type) {
  for (auto& info : kFieldInfos) {
    if (std::strcmp(info.name, name) == 0) return info.field_type == type ? &info : nullptr;
  }
  return nullptr;
}

ss_plugin_table_field_t* AddField(ss_plugin_table_t*, const char*, ss_plugin_state_type) {
  return nullptr;
}

// Engines own the content: writes from outside are refused.
ss_plugin_rc Unsupported(ss_plugin_table_t*) {
  return SS_PLUGIN_NOT_SUPPORTED;
}
ss_plugin_rc EraseUnsupported(ss_plugin_table_t*, const ss_plugin_state_data*) {
  return SS_PLUGIN_NOT_SUPPORTED;
}
ss_plugin_table_entry_t* CreateUnsupported(ss_plugin_table_t*) {
  return nullptr;
}
void DestroyNothing(ss_plugin_table_t*, ss_plugin_table_entry_t*) {}
ss_plugin_table_entry_t* AddUnsupported(ss_plugin_table_t*, const ss_plugin_state_data*,
                                        ss_plugin_table_entry_t*) {
  return nullptr;
}
ss_plugin_rc WriteUnsupported(ss_plugin_table_t*, ss_plugin_table_entry_t*, const ss_plugin_table_field_t*,
                              const ss_plugin_state_data*) {
  return SS_PLUGIN_NOT_SUPPORTED;
}

}  // namespace

ContainersTable::ContainersTable(const ContainerCache& cache) : cache_(cache) {
  reader_ext_ = {GetName, GetSize, GetEntry, ReadField, ReleaseEntry, IterateEntries};
  writer_ext_ = {Unsupported,    EraseUnsupported, CreateUnsupported,
                 DestroyNothing, AddUnsupported,   WriteUnsupported};
  fields_ext_ = {ListFields, GetField, AddField};
  input_.name = "containers";
  input_.key_type = SS_PLUGIN_ST_STRING;
  input_.table = const_cast<ContainerCache*>(&cache_);
  input_.reader = {GetName, GetSize, GetEntry, ReadField};
  input_.writer = writer_ext_;
  input_.fields = fields_ext_;
  input_.reader_ext = &reader_ext_;
  input_.writer_ext = &writer_ext_;
  input_.fields_ext = &fields_ext_;
}

}  // namespace libcontainer
