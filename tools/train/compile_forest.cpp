// antra-compile-forest: writes the compiled forest file beside a trained
// model file (src/pipeline/forest.h), so that the pipeline loads the model
// in milliseconds instead of parsing its YAML. The trainers write it too;
// run this after replacing a model file by other means.
//
//   antra-compile-forest models/candidates-rtrees.yml.gz
//   antra-compile-forest models/ovary-rtrees.yml.gz --node stage1 --node stage2
//
// Exit status: 0 written, 1 the model could not be read or compiled, 2 usage.

#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pipeline/forest.h"

int main(int argc, char** argv) {
  CLI::App app{"Write the compiled forest file (<model>.forest) beside a trained model file"};
  std::string model;
  std::vector<std::string> nodes;
  app.add_option("model", model, "Trained OpenCV RTrees model file (.yml.gz)")->required();
  app.add_option("--node", nodes, "Forest under this top-level node (repeatable, in order); none: the file's model");
  CLI11_PARSE(app, argc, argv);
  if (nodes.empty()) nodes.push_back("");
  if (const auto written = antra::pipeline::WriteCompiledForestFile(model, nodes); !written) {
    std::cerr << "antra-compile-forest: " << written.error().message << "\n";
    return 1;
  }
  std::cout << "wrote " << antra::pipeline::CompiledForestPath(model) << "\n";
  return 0;
}
