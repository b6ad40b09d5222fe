// Data sets compiled into the library from data/ (see data/README.md for provenance).
#pragma once
#include <string>
#include <vector>

namespace dmt {

// The text of a data file by name ("breast_cancer.csv", "finpines.csv"); throws input_error
// for an unknown name.
const std::string& embedded_file(const std::string& name);

// Parses comma-separated numbers; skips `skip_lines` header lines; quoted fields are not numbers.
// Every row must have the same number of columns (else input_error naming the line).
std::vector<std::vector<double>> parse_csv_numbers(const std::string& text, int skip_lines);

}  // namespace dmt
