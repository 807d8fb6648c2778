#include "runtime/log.h"

#include <iostream>
#include <mutex>

namespace sm {
namespace {

std::mutex& sinkMutex() {
    static std::mutex mutex;
    return mutex;
}

LogSink& currentSink() {
    static LogSink sink;
    return sink;
}

}  // namespace

void setLogSink(LogSink sink) {
    std::lock_guard<std::mutex> lock(sinkMutex());
    currentSink() = std::move(sink);
}

void log(LogLevel level, const std::string& message) {
    std::lock_guard<std::mutex> lock(sinkMutex());
    if (currentSink()) {
        currentSink()(level, message);
        return;
    }
    if (level >= LogLevel::Warning) {
        std::cerr << (level == LogLevel::Error ? "error: " : "warning: ") << message << '\n';
    }
}

}  // namespace sm
