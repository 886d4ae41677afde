// articledb generate N: synthetic articles as JSON Lines (docs/cli.md, "generate").
// Built only when the synthetic corpus generator is (src/cli/CMakeLists.txt).
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "articledb/article.h"
#include "common.h"
#include "commands/commands.h"
#include "synth/synth.h"

namespace articledb::cli {
namespace {

int CmdGenerate(uint64_t n, uint64_t seed) {
  synth::CorpusOptions options;
  options.seed = seed;
  synth::Generator gen(options);
  Out out;
  Article art;
  std::string json;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Make(i, &art);
    Status s = ArticleToJson(art, &json);
    if (!s.ok()) return Fail("generate: " + s.ToString());
    out.Line(json);
    if (std::ferror(stdout)) break;
  }
  return out.Close();
}

}  // namespace

void AddGenerateCommand(CLI::App* app, Context* ctx) {
  struct Args {
    uint64_t n = 0, seed = 1;
  };
  auto a = std::make_shared<Args>();
  auto* gen = app->add_subcommand("generate", "Write N synthetic articles as JSON Lines to "
                                              "standard output (deterministic for a seed)");
  gen->add_option("N", a->n, "Number of articles")->required();
  gen->add_option("--seed", a->seed, "Corpus seed")->capture_default_str();
  gen->callback([ctx, a] { ctx->run = [a] { return CmdGenerate(a->n, a->seed); }; });
}

}  // namespace articledb::cli
