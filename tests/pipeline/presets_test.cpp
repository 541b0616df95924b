#include "pipeline/presets.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace antra::pipeline {
namespace {

TEST(Presets, DefaultPresetFileEqualsTheBuiltInDefaults) {
  auto loaded = LoadPreset(test::SourceDir() / "models" / "default.json");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(OptionsToJson(*loaded), OptionsToJson(PipelineOptions{}))
      << "models/default.json and the code's defaults differ; update one of them";
}

TEST(Presets, EveryShippedPresetLoads) {
  for (const char* name : {"default", "rules-only"}) {
    auto loaded = LoadPreset(test::SourceDir() / "models" / (std::string(name) + ".json"));
    EXPECT_TRUE(loaded) << name << ": " << loaded.error().message;
    if (loaded) {
      EXPECT_TRUE(FramePipeline::Create(*loaded)) << name;
    }
  }
}

TEST(Presets, PartialPresetKeepsTheOtherDefaults) {
  auto options = OptionsFromJson(nlohmann::json::parse(R"({"refine": {"edge_fraction": 0.45}})"));
  ASSERT_TRUE(options);
  EXPECT_DOUBLE_EQ(options->refine.edge_fraction, 0.45);
  EXPECT_EQ(options->refine.max_rays, RefineOptions{}.max_rays);
  EXPECT_DOUBLE_EQ(options->candidates.core_ratio, CandidateOptions{}.core_ratio);
}

TEST(Presets, UnknownKeysWrongTypesAndBadValuesAreErrors) {
  auto unknown = OptionsFromJson(nlohmann::json::parse(R"({"refine": {"edge_fractoin": 0.4}})"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("refine.edge_fractoin"), std::string::npos);
  EXPECT_FALSE(OptionsFromJson(nlohmann::json::parse(R"({"refine": {"edge_fraction": "half"}})")));
  EXPECT_FALSE(OptionsFromJson(nlohmann::json::parse(R"({"refine": {"edge_fraction": 2.0}})")));
  EXPECT_FALSE(OptionsFromJson(nlohmann::json::parse(R"([1, 2])")));
  EXPECT_TRUE(OptionsFromJson(nlohmann::json::parse(R"({"$comment": "fine"})")));
}

TEST(Presets, MissingOrBrokenFiles) {
  test::TempDir dir("presets");
  EXPECT_FALSE(LoadPreset(dir / "absent.json"));
  test::WriteBytes(dir / "broken.json", "{ not json");
  auto broken = LoadPreset(dir / "broken.json");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(LoadNamedPreset("../etc/passwd"));
}

TEST(Presets, ModelsThatCannotBeLoadedAreErrors) {
  PipelineOptions o;
  o.ovary_map.model = "/nonexistent/model.yml.gz";
  EXPECT_FALSE(FramePipeline::Create(o));
  o = {};
  o.candidate_model.model = "/nonexistent/model.yml.gz";
  EXPECT_FALSE(FramePipeline::Create(o));
  o = {};
  o.candidate_model.context_model = "/nonexistent/context.yml.gz";
  EXPECT_FALSE(FramePipeline::Create(o));
  // A context judge without the first judge has nothing to read.
  o = {};
  o.candidate_model.model = "";
  o.candidate_model.context_model = "candidates-context-rtrees.yml.gz";
  const Status alone = o.Check();
  ASSERT_FALSE(alone);
  EXPECT_NE(alone.error().message.find("context_model"), std::string::npos);
  o.candidate_model.context_model = "";
  EXPECT_TRUE(o.Check());
}

TEST(Presets, ParametersHashIdentifiesTheOptions) {
  PipelineOptions a, b;
  EXPECT_EQ(ParametersHash(a), ParametersHash(b));
  EXPECT_EQ(ParametersHash(a).size(), 16u);
  b.refine.edge_fraction = 0.55;
  EXPECT_NE(ParametersHash(a), ParametersHash(b));
}

}  // namespace
}  // namespace antra::pipeline
