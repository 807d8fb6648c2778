#pragma once
// The CLIP tokenizer lookup of the engine's loaders, for code that builds a Pix2Gif bundle with
// pix2gif::loadPix2GifModel itself (the trainers behind `stillmotion-cli train` and the studio's training backend)
// and must find the same vocabulary loadModel() would.
//
// Search order: <model folder>/tokenizer/ (vocab.json + merges.txt), <model folder>/bpe_simple_vocab_16e6.txt.gz,
// <model folder>/../clip/ (the installed resources layout), <resourceDir>/clip/, $STILLMOTION_RESOURCE_DIR/clip/,
// the build's resources/clip/.
// Throws sm::WeightsError naming the model and the places to put the vocabulary when none is found.
// Thread-safety: reentrant.
#include <string>

#include "text/clip_tokenizer.h"

namespace sm::engine {

text::ClipTokenizer findClipTokenizer(const std::string& modelPath, const std::string& resourceDir = {});

}  // namespace sm::engine
