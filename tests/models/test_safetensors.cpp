// safetensors reader/writer: golden files read back, round trips of every dtype, and corrupt headers refused.
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <fstream>

#include "golden.h"
#include "io/safetensors.h"
#include "runtime/error.h"

using sm::io::SafetensorsFile;

namespace {

std::string writeBytes(const QTemporaryDir& dir, const std::string& name, const std::string& bytes) {
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

std::string withHeader(const std::string& json, const std::string& data) {
    std::string out(8, '\0');
    const uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    }
    return out + json + data;
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsGoldenWeights() {
        const QStringList cases = sm::test::caseDirs(QStringLiteral("ldm_unet_tiny"));
        if (cases.isEmpty()) {
            QSKIP("golden folder not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(cases.first());
        SafetensorsFile file(c.file("weights.safetensors"));
        QCOMPARE(file.entries().size(), size_t(686));  // the case README: the real UNet's 686 keys
        const auto& e = file.entry("input_blocks.0.0.weight");
        QCOMPARE(e.dtype, std::string("F16"));
        QCOMPARE(file.tensor("input_blocks.0.0.weight").sizes().vec(), (std::vector<int64_t>{32, 12, 3, 3}));
    }

    void roundTripsEveryDtype() {
        QTemporaryDir dir;
        std::vector<std::pair<std::string, torch::Tensor>> tensors = {
            {"f64", torch::randn({3, 2}, torch::kFloat64)},
            {"f32", torch::randn({4}, torch::kFloat32)},
            {"f16", torch::randn({2, 2}).to(torch::kFloat16)},
            {"bf16", torch::randn({5}).to(torch::kBFloat16)},
            {"i64", torch::arange(7, torch::kInt64)},
            {"i32", torch::arange(3, torch::kInt32)},
            {"i16", torch::arange(3, torch::kInt16)},
            {"i8", torch::arange(-3, 3, torch::kInt8)},
            {"u8", torch::arange(200, 204, torch::kUInt8)},
            {"bool", torch::tensor({true, false, true})},
            {"scalar", torch::tensor(3.5)},
            {"empty", torch::zeros({0, 4})},
            {"strided", torch::randn({4, 6}).t()},
        };
        const std::string path = dir.filePath("all.safetensors").toStdString();
        sm::io::writeSafetensors(path, tensors, {{"format", "pt"}});
        SafetensorsFile file(path);
        QCOMPARE(file.metadata().at("format"), std::string("pt"));
        QCOMPARE(file.entries().size(), tensors.size());
        for (const auto& [name, tensor] : tensors) {
            const torch::Tensor back = file.tensor(name);
            QVERIFY2(back.scalar_type() == tensor.scalar_type(), name.c_str());
            QVERIFY2(torch::equal(back, tensor), name.c_str());
        }
        // Views are copy-on-write: writing to one never changes the file.
        file.tensor("f32").fill_(0);
        QVERIFY(torch::equal(SafetensorsFile(path).tensor("f32"), tensors[1].second));
    }

    void refusesCorruptHeaders_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        const std::string data(16, '\0');
        auto row = [](const char* name, const std::string& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), int(bytes.size())) << QString::fromLatin1(expected);
        };
        row("short", std::string(5, '\0'), "too short");
        row("huge-length", std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "{}", "header length");
        row("bad-json", withHeader("{\"a\":", data), "not valid JSON");
        row("not-object", withHeader("[1,2]", data), "not a JSON object");
        row("bad-dtype", withHeader(R"({"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", data), "unsupported dtype");
        row("neg-shape", withHeader(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data), "non-negative");
        row("reversed", withHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", data), "reversed");
        row("beyond", withHeader(R"({"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", data), "beyond the data area");
        row("size", withHeader(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data), "needs 12");
        row("overlap", withHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", data), "overlap");
        row("overflow", withHeader(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", data), "overflows");
        row("metadata", withHeader(R"({"__metadata__":{"k":1}})", data), "not a string");
    }

    void refusesCorruptHeaders() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = writeBytes(dir, "bad.safetensors", bytes.toStdString());
        try {
            SafetensorsFile file(path);
            QFAIL("corrupt file was accepted");
        } catch (const sm::WeightsError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY2(message.contains(QStringLiteral("bad.safetensors")), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
