// The typed settings table: defaults, bounds, wrong types, persistence through QSettings, and the Settings dialog
// writing through it.
#include <QtTest>

#include <QComboBox>
#include <QListWidget>
#include <QSettings>
#include <QSpinBox>

#include "app_settings.h"
#include "settings_dialog.h"

using sm::ui::Setting;

class TestAppSettings : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QCoreApplication::setOrganizationName(QStringLiteral("StillmotionTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_app_settings"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    }

    void init() { QSettings().clear(); }

    void tableIsComplete() {
        QSet<QString> keys;
        for (int i = 0; i < int(Setting::Count); ++i) {
            const sm::ui::SettingSpec& spec = sm::ui::settingSpec(Setting(i));
            QCOMPARE(int(spec.id), i);
            QVERIFY(!keys.contains(QLatin1String(spec.key)));
            keys.insert(QLatin1String(spec.key));
            QCOMPARE(sm::ui::findSetting(QLatin1String(spec.key)), &spec);
            // The default passes its own validation unchanged.
            QCOMPARE(sm::ui::validatedSettingValue(Setting(i), spec.defaultValue), spec.defaultValue);
        }
        QVERIFY(!sm::ui::findSetting(QStringLiteral("no/such/key")));
    }

    void defaultsWhenUnset() {
        QCOMPARE(sm::ui::stringSetting(Setting::Device), QStringLiteral("auto"));
        QCOMPARE(sm::ui::intSetting(Setting::Threads), 0);
        QCOMPARE(sm::ui::stringSetting(Setting::Precision), QStringLiteral("float32"));
        QCOMPARE(sm::ui::intSetting(Setting::PreviewInterval), 5);
        QCOMPARE(sm::ui::stringSetting(Setting::Language), QString());
        QVERIFY(sm::ui::stringListSetting(Setting::ModelPaths).isEmpty());
    }

    void boundsAndTypes() {
        QCOMPARE(sm::ui::setSettingValue(Setting::Threads, 1000).toInt(), 256);  // clamped
        QCOMPARE(sm::ui::intSetting(Setting::Threads), 256);
        QCOMPARE(sm::ui::setSettingValue(Setting::Threads, -3).toInt(), 0);
        QCOMPARE(sm::ui::setSettingValue(Setting::Threads, 2.5).toInt(), 0);  // not whole: the default
        QCOMPARE(sm::ui::setSettingValue(Setting::Device, QStringLiteral("tpu")).toString(), QStringLiteral("auto"));
        QCOMPARE(sm::ui::setSettingValue(Setting::Device, QStringLiteral("cuda")).toString(), QStringLiteral("cuda"));
        QCOMPARE(sm::ui::setSettingValue(Setting::ExportFitUnderMb, 0.0).toDouble(), 0.1);
        // Values written behind the table's back (an edited INI file) read back validated.
        QSettings().setValue(QStringLiteral("engine/previewIntervalSteps"), QStringLiteral("lots"));
        QCOMPARE(sm::ui::intSetting(Setting::PreviewInterval), 5);
        QSettings().setValue(QStringLiteral("engine/previewIntervalSteps"), QStringLiteral("12"));
        QCOMPARE(sm::ui::intSetting(Setting::PreviewInterval), 12);
        QSettings().setValue(QStringLiteral("models/paths"), QStringLiteral("/one/model.ckpt"));
        QCOMPARE(sm::ui::stringListSetting(Setting::ModelPaths), QStringList{QStringLiteral("/one/model.ckpt")});
        sm::ui::resetSetting(Setting::Threads);
        QCOMPARE(sm::ui::intSetting(Setting::Threads), 0);
    }

    void dialogWritesThroughTheTable() {
        sm::ui::SettingsDialog dialog;
        QCOMPARE(dialog.deviceBox()->currentData().toString(), QStringLiteral("auto"));
        dialog.deviceBox()->setCurrentIndex(dialog.deviceBox()->findData(QStringLiteral("cpu")));
        dialog.threadsBox()->setValue(4);
        dialog.precisionBox()->setCurrentIndex(dialog.precisionBox()->findData(QStringLiteral("bfloat16")));
        dialog.previewBox()->setValue(0);
        dialog.languageBox()->setCurrentIndex(dialog.languageBox()->findData(QStringLiteral("de")));
        dialog.folderList()->addItem(m_dir.path());
        QSignalSpy applied(&dialog, &sm::ui::SettingsDialog::applied);
        dialog.apply();
        QCOMPARE(applied.count(), 1);
        QCOMPARE(sm::ui::stringSetting(Setting::Device), QStringLiteral("cpu"));
        QCOMPARE(sm::ui::intSetting(Setting::Threads), 4);
        QCOMPARE(sm::ui::stringSetting(Setting::Precision), QStringLiteral("bfloat16"));
        QCOMPARE(sm::ui::intSetting(Setting::PreviewInterval), 0);
        QCOMPARE(sm::ui::stringSetting(Setting::Language), QStringLiteral("de"));
        QCOMPARE(sm::ui::stringListSetting(Setting::ModelSearchFolders), QStringList{m_dir.path()});
        // A new dialog shows the stored values; Restore Defaults resets the fields.
        sm::ui::SettingsDialog again;
        QCOMPARE(again.threadsBox()->value(), 4);
        QCOMPARE(again.languageBox()->currentData().toString(), QStringLiteral("de"));
        again.restoreDefaults();
        again.apply();
        QCOMPARE(sm::ui::stringSetting(Setting::Language), QString());
        QCOMPARE(sm::ui::intSetting(Setting::PreviewInterval), 5);
        QVERIFY(sm::ui::stringListSetting(Setting::ModelSearchFolders).isEmpty());
        // Bounds come from the table.
        QCOMPARE(again.threadsBox()->maximum(), sm::ui::settingSpec(Setting::Threads).maximum.toInt());
    }
};

QTEST_MAIN(TestAppSettings)
#include "test_app_settings.moc"
