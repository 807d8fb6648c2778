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

// The engine's empty-prompt rule (sm::engine::firstFrameWithoutPrompt): the index of the first frame of `request`
// that would be generated without any caption (its own prompt and the project prompt both blank), or -1. The
// studio checks this before starting a generation, so the user gets a clear message instead of a failed job.
int firstFrameWithoutPrompt(const GenerationRequest& request);

// Maps a project sampler name (kSamplerEulerAncestral, ...) to whether the engine knows it.
bool isKnownSampler(const QString& name);

}  // namespace sm::core
