#pragma once
// The real GenerationBackend: sm::engine (models/engine/engine.h) behind Qt types. The engine header is included
// only by engine_backend.cpp, so nothing that includes this file sees LibTorch.
//
// Builds without the engine implementation (models/engine not compiled yet, or a UI-only build) still link: the
// engineAvailable() tells the UI whether inference is compiled in (always true in this build).
#include <memory>

#include "bridge/generation_backend.h"

namespace sm::core {

// Whether this build contains the LibTorch engine.
bool engineAvailable();

// A new backend over sm::engine; the model it loads is owned through a shared_ptr and freed with the backend.
std::unique_ptr<GenerationBackend> makeEngineBackend();

// makeEngineBackend as a factory, for InferenceWorker and the model manager.
GenerationBackendFactory engineBackendFactory();

// Maps a project sampler name (kSamplerEulerAncestral, ...) to whether the engine knows it.
bool isKnownSampler(const QString& name);

}  // namespace sm::core
