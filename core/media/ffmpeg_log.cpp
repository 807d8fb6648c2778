#include "media/ffmpeg_log.h"

#include <QLoggingCategory>
#include <QString>

extern "C" {
#include <libavutil/log.h>
}

#include <cstdarg>
#include <mutex>

namespace sm::core {
namespace {

Q_LOGGING_CATEGORY(lcFfmpeg, "sm.core.ffmpeg", QtWarningMsg)

void routeToQt(void* context, int level, const char* format, va_list args) {
    if (level > AV_LOG_DEBUG) {
        return;  // trace output is too chatty even for debug logging
    }
    // av_log_format_line2 adds the "[libx264 @ 0x...]" prefix and keeps line state across partial lines.
    thread_local int printPrefix = 1;
    char line[1024];
    va_list copy;
    va_copy(copy, args);
    av_log_format_line2(context, level, format, copy, line, sizeof(line), &printPrefix);
    va_end(copy);
    const QString text = QString::fromUtf8(line).trimmed();
    if (text.isEmpty()) {
        return;
    }
    if (level <= AV_LOG_ERROR) {
        qCWarning(lcFfmpeg).noquote() << text;
    } else if (level <= AV_LOG_WARNING) {
        qCInfo(lcFfmpeg).noquote() << text;
    } else {
        qCDebug(lcFfmpeg).noquote() << text;
    }
}

}  // namespace

void installFfmpegLogRouting() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(routeToQt); });
}

}  // namespace sm::core
