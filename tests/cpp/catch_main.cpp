// Catch2's main, after registering the programme model with the engine (as kcsim's main does).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "engine/model_spec.hpp"
#include "model/spec.hpp"

int main(int argc, char* argv[]) {
    kcsim::engine::register_model(kcsim::model::spec());
    return Catch::Session().run(argc, argv);
}
