#include "dmt/targets/registry.hpp"

#include "dmt/targets/banana.hpp"
#include "dmt/targets/box_gaussian.hpp"
#include "dmt/targets/cox_process.hpp"
#include "dmt/targets/doublewell.hpp"
#include "dmt/targets/funnel.hpp"
#include "dmt/targets/gaussian.hpp"
#include "dmt/targets/gaussian_mixture.hpp"
#include "dmt/targets/lasso_regression.hpp"
#include "dmt/targets/logistic_regression.hpp"
#include "dmt/targets/manywell.hpp"
#include "dmt/targets/student_t.hpp"

namespace dmt {
namespace {

struct entry {
  std::unique_ptr<target> (*make)(const params&);
  component_doc (*doc)();
};

const std::vector<entry>& entries() {
  static const std::vector<entry> all = {
      {make_gaussian, gaussian_doc},
      {make_gmm25, gmm25_doc},
      {make_gmm9, gmm9_doc},
      {make_gmm40, gmm40_doc},
      {make_funnel, funnel_doc},
      {make_manywell, manywell_doc},
      {make_doublewell, doublewell_doc},
      {make_student_t, student_t_doc},
      {make_student_t_mixture, student_t_mixture_doc},
      {make_banana, banana_doc},
      {make_logistic_regression, logistic_regression_doc},
      {make_cox_process, cox_process_doc},
      {make_box_gaussian, box_gaussian_doc},
      {make_lasso_regression, lasso_regression_doc},
  };
  return all;
}

}  // namespace

std::unique_ptr<target> make_target(const std::string& name, const params& p) {
  std::string known;
  for (const entry& e : entries()) {
    const component_doc doc = e.doc();
    if (doc.name == name) {
      auto t = e.make(p);
      p.reject_unused("target " + name);
      return t;
    }
    known += (known.empty() ? "" : ", ") + doc.name;
  }
  throw input_error("unknown target '" + name + "' (known: " + known + ")");
}

std::vector<component_doc> target_docs() {
  std::vector<component_doc> docs;
  for (const entry& e : entries()) docs.push_back(e.doc());
  return docs;
}

}  // namespace dmt
