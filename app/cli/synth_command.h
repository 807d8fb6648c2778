#pragma once
// `stillmotion-cli synth`: procedural clips with exact motion truth (core/dataset/procedural_scene.h).
//
//   stillmotion-cli synth --output DIR [--clips N] [--size 64] [--frames 12] [--seed S]
//                         [--kinds translate,rotate,scale] [--speed a:b] [--sprites a:b] [--eval]
//
// Training mode writes DIR/scene_000.gif (global palette, no dithering, 10 cs per frame), DIR/scene_000.txt (its
// caption) for each clip, and DIR/truth.json = {"generator", "options", "clips": [{"file", ...scene truth}]}.
// --eval writes held-out stills instead: DIR/scene_000.png (the first frame) and
//   DIR/eval.json = {"items": [{"image": "scene_000.png", "caption": "...", "direction": "left"}, ...]}
// plus truth.json; eval scenes come from a different seed stream than training scenes with the same --seed, and
// --kinds defaults to translate there (directions are compass names). Names have at least 3 digits.
// Exit codes: 0 success, 1 write failure, 2 bad options, 130 interrupted. Failures print "stillmotion-cli: ...".
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

int runSynthCommand(const QStringList& args, QTextStream& err);
QString synthUsage();

}  // namespace sm::cli
