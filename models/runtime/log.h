#pragma once
// The engine's log sink. The engine never prints: it calls the sink the application installed
// (like OBS base_set_log_handler / whisper's log callback). Default: write warnings and errors to stderr.
#include <functional>
#include <string>

namespace sm {

enum class LogLevel { Debug, Info, Warning, Error };

using LogSink = std::function<void(LogLevel, const std::string&)>;

/// Installs the process-wide sink (thread-safe; pass nullptr to restore the default).
void setLogSink(LogSink sink);

/// Sends one message to the current sink (thread-safe).
void log(LogLevel level, const std::string& message);

}  // namespace sm
