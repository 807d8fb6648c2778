#pragma once
// Routes FFmpeg's log output (av_log) into Qt logging category "sm.core.ffmpeg" instead of raw stderr: errors as
// warnings, warnings as info, everything else as debug. Only warnings show by default, so the CLI's stderr stays
// readable (libx264 alone prints a dozen info lines per file); QT_LOGGING_RULES="sm.core.ffmpeg.debug=true"
// brings everything back.
//
// Thread-safety: installFfmpegLogRouting() may be called from any thread, any number of times; the first call
// installs the process-wide av_log callback. The callback itself is thread-safe (FFmpeg calls it from its
// worker threads).
namespace sm::core {

void installFfmpegLogRouting();

}  // namespace sm::core
