#include <cstdlib>
#include <sstream>

#include "dmt/data.hpp"
#include "dmt/params.hpp"

namespace dmt {

std::vector<std::vector<double>> parse_csv_numbers(const std::string& text, int skip_lines) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no <= skip_lines) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<double> row;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      const std::string field = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      char* end = nullptr;
      const double v = std::strtod(field.c_str(), &end);
      if (field.empty() || end != field.c_str() + field.size())
        throw input_error("csv line " + std::to_string(line_no) + ": '" + field + "' is not a number");
      row.push_back(v);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (!rows.empty() && row.size() != rows.front().size())
      throw input_error("csv line " + std::to_string(line_no) + ": expected " + std::to_string(rows.front().size()) +
                        " columns, got " + std::to_string(row.size()));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace dmt
