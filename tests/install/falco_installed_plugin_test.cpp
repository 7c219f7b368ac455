// The real Falco loads the plugin as installed (cmake --install --prefix /usr into a
// scratch DESTDIR), through the installed config.d drop-in, as a Falco host with the
// .deb would: falco.yaml only includes the installed config.d. The one thing moved
// is the plugin's directory: Falco resolves the drop-in's relative library_path in
// /usr/share/falco/plugins, which is <DESTDIR>/usr/share/falco/plugins here, so the
// test points that one key there with -o (applied after the config files merge).
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "engines/real_engines.h"
#include "falco/falco_runner.h"

namespace {

using nlohmann::json;

constexpr const char* kRule = "libcontainer install - process activity in a container";
constexpr const char* kRules =
    "- rule: libcontainer install - process activity in a container\n"
    "  desc: test rule\n"
    "  condition: evt.type in (execve, execveat, open, openat, openat2) and container.id != host\n"
    "  output: in a container (id=%container.id name=%container.name image=%container.image "
    "repo=%container.image.repository type=%container.type)\n"
    "  priority: WARNING\n";

std::string Field(const json& alert, const std::string& name) {
  const auto& fields = alert.at("output_fields");
  auto it = fields.find(name);
  return it == fields.end() || !it->is_string() ? "<missing>" : it->get<std::string>();
}

class FalcoInstalledPlugin : public testfalco::WithFalco<> {};

TEST_F(FalcoInstalledPlugin, LoadsTheInstalledPluginThroughTheInstalledDropIn) {
  testfalco::FalcoWorkdir workdir;
  const std::string root = workdir.dir() + "/root";
  const auto install = testengines::RunCommand(
      {LIBCONTAINER_CMAKE_COMMAND, "--install", LIBCONTAINER_BUILD_DIR, "--prefix", "/usr"},
      {"DESTDIR=" + root});
  ASSERT_TRUE(install.ok()) << "cmake --install: " << install.out << install.err;

  const std::string drop_in = root + "/etc/falco/config.d/falco.container_plugin.yaml";
  const std::string plugin = root + "/usr/share/falco/plugins/libcontainer.so";
  testfalco::FalcoSettings settings;
  settings.config_files = {root + "/etc/falco/config.d"};
  settings.rules_files = {workdir.Write("installed_rules.yaml", kRules)};
  const std::string capture =
      std::string(LIBCONTAINER_CAPTURES_DIR) + "/falco_psp_run_as_user_0_container.scap";
  const auto run =
      testfalco::RunFalco(falco(), workdir.WriteConfig(settings),
                          {"-o", "engine.kind=replay", "-o", "engine.replay.capture_file=" + capture, "-o",
                           "plugins[0].library_path=" + plugin});
  ASSERT_EQ(run.result.exit_code, 0) << run.Describe();

  // Falco read the drop-in, found it valid, and loaded the installed file from it.
  EXPECT_NE(run.result.err.find(drop_in + " | schema validation: ok"), std::string::npos) << run.Describe();
  EXPECT_NE(run.result.err.find(std::string("Loaded plugin 'container@") + LIBCONTAINER_PROJECT_VERSION +
                                "' from file " + plugin),
            std::string::npos)
      << run.Describe();

  int alerts = 0;
  for (const auto& alert : run.alerts) {
    if (alert.value("rule", "") != kRule) continue;
    if (alerts++ == 0) std::cout << "[ ALERT    ] " << alert.at("output").get<std::string>() << "\n";
    SCOPED_TRACE(alert.dump());
    // The capture's one container (docker 697956520d89, see falco_replay_test.cpp).
    EXPECT_EQ(Field(alert, "container.id"), "697956520d89");
    EXPECT_EQ(Field(alert, "container.name"), "hopeful_taussig");
    EXPECT_EQ(Field(alert, "container.image"), "nginx");
    EXPECT_EQ(Field(alert, "container.image.repository"), "nginx");
    EXPECT_EQ(Field(alert, "container.type"), "docker");
  }
  EXPECT_GT(alerts, 0) << "no alert of '" << kRule << "'\n" << run.Describe();
}

}  // namespace
