#pragma once
// `stillmotion-cli encode`: frames from a folder of images, a video or a GIF/WebP, written as GIF, MP4, animated
// WebP or a PNG sequence (any output path without one of those suffixes is a folder).
//
//   stillmotion-cli encode --input <folder|video|gif> --output out.{gif,mp4,webp}|<folder>
//                          [--fps N] [--quality 1-100] [--colors N] [--max-bytes N] [--loop N] [--pingpong]
//                          [--palette global|per-frame] [--dither 0-1]
//
// Every input frame becomes one output frame; --fps sets the output rate (default: the input's rate for videos
// and animations, 8 for folders). --loop is the number of plays (0 = forever, the default; 1 = once).
// Progress goes to stderr. Exit codes: 0 success, 1 bad input or failed encode, 2 bad options, 130 interrupted.
// Every failure prints one line "stillmotion-cli: <problem>".
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

// `args` are the arguments after "encode". Installs a SIGINT handler that cancels the running encode.
int runEncodeCommand(const QStringList& args, QTextStream& err);

// The usage text of the command.
QString encodeUsage();

}  // namespace sm::cli
