// `dmt targets`, `dmt samplers` (the registry's entries, as text or --json) and `dmt modes`.
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_command.hpp"
#include "dmt/config/component_json.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt::cli {

void print_component_list(component_kind kind) {
  for (const component_spec* c : registry::global().list(kind)) {
    std::cout << c->name << "  " << c->summary << "\n";
    for (const auto& p : c->parameters)
      std::cout << "    " << std::left << std::setw(16) << p.name << " default " << std::setw(10)
                << p.documented_default() << " " << p.meaning << "\n";
    if (!c->on_divergence.empty())
      std::cout << "    defaults that diverge restart once with " << on_divergence_json(*c).dump() << "\n";
  }
}

namespace {

void print_components(component_kind kind, bool json) {
  if (json) {
    std::cout << components_json(kind).dump(2) << "\n";
    return;
  }
  print_component_list(kind);
}

}  // namespace

void add_list_commands(CLI::App& app, std::vector<command>& out) {
  for (const auto& [name, kind] :
       {std::pair{"targets", component_kind::target}, std::pair{"samplers", component_kind::sampler}}) {
    auto json = std::make_shared<bool>(false);
    auto* sub = app.add_subcommand(name, std::string("list the ") + name + ", their parameters and defaults");
    sub->add_flag("--json", *json, "machine-readable output");
    const component_kind k = kind;  // (clang 14 cannot capture a structured binding)
    out.push_back({sub, [k, json] { print_components(k, *json); }});
  }

  struct options {
    std::string target;
    std::vector<std::string> params;
  };
  auto o = std::make_shared<options>();
  auto* modes = app.add_subcommand("modes", "print a mixture target's mode locations as CSV");
  modes->add_option("--target", o->target, "target name")->required();
  modes->add_option("--target-param", o->params, "target parameter key=value (repeatable)");
  out.push_back({modes, [o] {
                   params p;
                   for (const auto& kv : o->params) set_param_from_text(p, kv, "target");
                   const auto t = make_target(o->target, p);
                   const auto m = t->mode_locations();
                   if (m.empty()) throw input_error("target '" + o->target + "' has no recorded modes");
                   std::cout << std::setprecision(17);
                   for (std::size_t i = 0; i < m.size(); ++i)
                     std::cout << m[i] << ((i + 1) % t->dim() == 0 ? "\n" : ",");
                 }});
}

}  // namespace dmt::cli
