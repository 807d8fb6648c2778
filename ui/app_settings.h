#pragma once
// The studio's settings: ONE typed table (key, type, default, bounds) persisted with QSettings. Nothing else in
// the studio reads or writes QSettings (the recent files list is a row of the table too).
//
// Reads never fail: a missing value, a value of the wrong type or one out of bounds reads as the default (or is
// clamped). Writes are validated the same way, so the stored value is always one that reads back unchanged.
// Organisation and application names come from QCoreApplication (set them before the first use).
// GUI thread only (QSettings itself is reentrant; the table is constant).
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace sm::ui {

enum class Setting {
    ModelPaths,           // StringList: weights files and folders the user added in the Model Manager
    ModelSearchFolders,   // StringList: folders whose entries are all offered as models
    DefaultPix2GifModel,  // String: path of the default Pix2Gif weights ("" = first found)
    DefaultCinemoModel,   // String: path of the default Cinemo weights
    Device,               // Choice: auto, cpu, cuda
    Threads,              // Int 0..256: CPU threads for inference, 0 = all cores
    Precision,            // Choice: float32, float16, bfloat16
    PreviewInterval,      // Int 0..50: denoising steps between live previews, 0 = no previews
    Language,             // Choice: "" (system), en, de, zh_CN; applied at the next start
    ExportQuality,        // Int 1..100: the Export dialog's last quality
    ExportFitUnderMb,     // Double 0.1..1000: the Export dialog's last size budget
    WindowGeometry,       // ByteArray: QMainWindow::saveGeometry
    WindowState,          // ByteArray: QMainWindow::saveState (dock layout)
    RecentFiles,          // StringList: File > Open Recent, newest first (ui/recent_files.h)
    Count
};

enum class SettingType { Bool, Int, Double, String, StringList, Choice, ByteArray };

struct SettingSpec {
    Setting id;
    const char* key;  // QSettings key
    SettingType type;
    QVariant defaultValue;
    QVariant minimum;  // Int/Double only
    QVariant maximum;
    QStringList choices;  // Choice only: the allowed values
};

// The table row of `setting`.
const SettingSpec& settingSpec(Setting setting);
// Looks a row up by its key; nullptr when there is none.
const SettingSpec* findSetting(const QString& key);

// Validated value: the stored one when it fits the spec, else clamped (numbers) or the default.
QVariant settingValue(Setting setting);
// Stores `value` after the same validation; returns what was stored.
QVariant setSettingValue(Setting setting, const QVariant& value);
void resetSetting(Setting setting);

// Typed accessors (the caller knows the row's type; a mismatch is a programming error caught by Q_ASSERT).
bool boolSetting(Setting setting);
int intSetting(Setting setting);
double doubleSetting(Setting setting);
QString stringSetting(Setting setting);
QStringList stringListSetting(Setting setting);
QByteArray byteArraySetting(Setting setting);

// Validation alone (no storage), for tests and the settings dialog.
QVariant validatedSettingValue(Setting setting, const QVariant& value);

}  // namespace sm::ui
