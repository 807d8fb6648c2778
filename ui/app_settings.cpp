#include "app_settings.h"

#include <QSettings>

#include <array>
#include <cmath>

namespace sm::ui {

namespace {

using T = SettingType;

// The table. Order follows enum Setting (checked in settingSpec()).
const std::array<SettingSpec, size_t(Setting::Count)>& table() {
    static const std::array<SettingSpec, size_t(Setting::Count)> rows{{
        {Setting::ModelPaths, "models/paths", T::StringList, QStringList(), {}, {}, {}},
        {Setting::ModelSearchFolders, "models/searchFolders", T::StringList, QStringList(), {}, {}, {}},
        {Setting::DefaultPix2GifModel, "models/defaultPix2Gif", T::String, QString(), {}, {}, {}},
        {Setting::DefaultCinemoModel, "models/defaultCinemo", T::String, QString(), {}, {}, {}},
        {Setting::Device,
         "engine/device",
         T::Choice,
         QStringLiteral("auto"),
         {},
         {},
         {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}},
        {Setting::Threads, "engine/threads", T::Int, 0, 0, 256, {}},
        {Setting::Precision,
         "engine/precision",
         T::Choice,
         QStringLiteral("float32"),
         {},
         {},
         {QStringLiteral("float32"), QStringLiteral("float16"), QStringLiteral("bfloat16")}},
        {Setting::PreviewInterval, "engine/previewIntervalSteps", T::Int, 5, 0, 50, {}},
        {Setting::Language,
         "ui/language",
         T::Choice,
         QString(),
         {},
         {},
         {QString(), QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("zh_CN")}},
        {Setting::ExportQuality, "export/quality", T::Int, 80, 1, 100, {}},
        {Setting::ExportFitUnderMb, "export/fitUnderMb", T::Double, 2.0, 0.1, 1000.0, {}},
        {Setting::WindowGeometry, "ui/windowGeometry", T::ByteArray, QByteArray(), {}, {}, {}},
        {Setting::WindowState, "ui/windowState", T::ByteArray, QByteArray(), {}, {}, {}},
        {Setting::RecentFiles, "recentFiles", T::StringList, QStringList(), {}, {}, {}},
    }};
    return rows;
}

}  // namespace

const SettingSpec& settingSpec(Setting setting) {
    const SettingSpec& spec = table().at(size_t(setting));
    Q_ASSERT(spec.id == setting);
    return spec;
}

const SettingSpec* findSetting(const QString& key) {
    for (const SettingSpec& spec : table()) {
        if (key == QLatin1String(spec.key))
            return &spec;
    }
    return nullptr;
}

// INI and native backends hand values back with different types ("12" vs 12, "true" vs true): validation converts
// where the meaning is clear and falls back to the default where it is not.
QVariant validatedSettingValue(Setting setting, const QVariant& value) {
    const SettingSpec& spec = settingSpec(setting);
    if (!value.isValid())
        return spec.defaultValue;
    switch (spec.type) {
        case T::Bool:
            if (value.typeId() == QMetaType::Bool)
                return value;
            if (value.typeId() == QMetaType::QString) {
                // INI files store booleans as text.
                const QString text = value.toString();
                if (text == QLatin1String("true"))
                    return true;
                if (text == QLatin1String("false"))
                    return false;
            }
            return spec.defaultValue;
        case T::Int: {
            bool ok = false;
            const double number = value.toDouble(&ok);
            if (!ok || !std::isfinite(number) || std::floor(number) != number)
                return spec.defaultValue;
            return int(qBound(spec.minimum.toDouble(), number, spec.maximum.toDouble()));
        }
        case T::Double: {
            bool ok = false;
            const double number = value.toDouble(&ok);
            if (!ok || !std::isfinite(number))
                return spec.defaultValue;
            return qBound(spec.minimum.toDouble(), number, spec.maximum.toDouble());
        }
        case T::String:
            return value.canConvert<QString>() && value.typeId() != QMetaType::QStringList ? QVariant(value.toString())
                                                                                           : spec.defaultValue;
        case T::StringList:
            if (value.typeId() == QMetaType::QStringList || value.typeId() == QMetaType::QVariantList)
                return value.toStringList();
            if (value.typeId() == QMetaType::QString)  // one entry, as INI files store it
                return QStringList{value.toString()};
            return spec.defaultValue;
        case T::Choice: {
            const QString text = value.toString();
            return spec.choices.contains(text) ? QVariant(text) : spec.defaultValue;
        }
        case T::ByteArray:
            return value.typeId() == QMetaType::QByteArray ? value : spec.defaultValue;
    }
    return spec.defaultValue;
}

QVariant settingValue(Setting setting) {
    const SettingSpec& spec = settingSpec(setting);
    const QSettings settings;
    return validatedSettingValue(setting, settings.value(QLatin1String(spec.key)));
}

QVariant setSettingValue(Setting setting, const QVariant& value) {
    const QVariant stored = validatedSettingValue(setting, value);
    QSettings settings;
    settings.setValue(QLatin1String(settingSpec(setting).key), stored);
    return stored;
}

void resetSetting(Setting setting) {
    QSettings settings;
    settings.remove(QLatin1String(settingSpec(setting).key));
}

bool boolSetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::Bool);
    return settingValue(setting).toBool();
}

int intSetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::Int);
    return settingValue(setting).toInt();
}

double doubleSetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::Double);
    return settingValue(setting).toDouble();
}

QString stringSetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::String || settingSpec(setting).type == T::Choice);
    return settingValue(setting).toString();
}

QStringList stringListSetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::StringList);
    return settingValue(setting).toStringList();
}

QByteArray byteArraySetting(Setting setting) {
    Q_ASSERT(settingSpec(setting).type == T::ByteArray);
    return settingValue(setting).toByteArray();
}

}  // namespace sm::ui
