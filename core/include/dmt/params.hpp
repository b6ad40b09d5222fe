// Named parameters of a component (target, sampler), as parsed from JSON by the CLI, the wasm
// bindings or a test. Values are numbers, strings or lists of numbers. Components read them with
// the typed getters, which record which keys were used so that unknown keys can be rejected.
#pragma once
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace dmt {

// Raised for every user-facing input problem; the message is one line naming the problem.
struct input_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class params {
 public:
  using value = std::variant<double, std::string, std::vector<double>>;

  params() = default;
  params& set(const std::string& key, value v) {
    values_[key] = std::move(v);
    return *this;
  }
  bool has(const std::string& key) const { return values_.count(key) != 0; }

  double number(const std::string& key, double fallback) const;
  double number(const std::string& key) const;
  long integer(const std::string& key, long fallback) const;  // rejects non-integral values
  std::string string(const std::string& key, const std::string& fallback) const;
  std::vector<double> list(const std::string& key, const std::vector<double>& fallback) const;
  bool boolean(const std::string& key, bool fallback) const;  // numbers 0/1

  // Throws input_error naming the first key no getter asked for ("unknown parameter 'x' for funnel").
  void reject_unused(const std::string& owner) const;
  const std::map<std::string, value>& values() const { return values_; }

 private:
  const value* find(const std::string& key) const;
  std::map<std::string, value> values_;
  mutable std::set<std::string> used_;
};

// One documented parameter of a component, for `dmt targets`, `dmt samplers` and the web UI.
struct param_doc {
  std::string name;
  std::string default_value;  // as text, e.g. "10", "[0, 0]", "identity"
  std::string meaning;
};

struct component_doc {
  std::string name;
  std::string summary;
  std::vector<param_doc> parameters;
};

}  // namespace dmt
