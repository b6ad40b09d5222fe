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
    defaulted_.erase(key);
    return *this;
  }
  // A default filled in by the registry (resolve_params): reject_unused does not ask for it to be read.
  params& set_default(const std::string& key, value v) {
    values_[key] = std::move(v);
    defaulted_.insert(key);
    return *this;
  }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  // Whether the caller gave the key (not a default filled in by the registry).
  bool given(const std::string& key) const { return has(key) && !defaulted_.count(key); }

  double number(const std::string& key, double fallback) const;
  double number(const std::string& key) const;
  long integer(const std::string& key, long fallback) const;  // rejects non-integral values
  long integer(const std::string& key) const;
  std::string string(const std::string& key, const std::string& fallback) const;
  std::string string(const std::string& key) const;
  std::vector<double> list(const std::string& key, const std::vector<double>& fallback) const;
  std::vector<double> list(const std::string& key) const;
  bool boolean(const std::string& key, bool fallback) const;  // numbers 0/1
  bool boolean(const std::string& key) const;
  // The getters without a fallback throw input_error("missing parameter 'x'") for an absent key:
  // components read their resolved parameters (every documented default filled in) with them.

  // Throws input_error naming the first given key no getter asked for ("unknown parameter 'x' for
  // funnel"); defaults filled in by the registry are not checked.
  void reject_unused(const std::string& owner) const;
  // The keys a getter asked for so far.
  const std::set<std::string>& used() const { return used_; }
  void forget_reads() const { used_.clear(); }
  const std::map<std::string, value>& values() const { return values_; }

 private:
  const value* find(const std::string& key) const;
  std::map<std::string, value> values_;
  std::set<std::string> defaulted_;
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
