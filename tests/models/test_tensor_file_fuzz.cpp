// Robustness of the weight readers: every corrupt fixture, plus seeded truncations, bit flips and overwrites of
// real files (safetensors, torch.save zips, legacy streams, the golden checkpoints), plus hand-made hostile
// pickles. Each variant must either load (and then every tensor must be readable end to end) or throw sm::Error;
// any other exception, a crash, a hang or an absurd allocation is a failure. The address space is capped while
// the variants run, so an absurd allocation shows up as an exception instead of swapping the machine.
#include <sys/resource.h>
#include <torch/torch.h>
#include <unistd.h>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <array>
#include <fstream>
#include <random>

#include "golden.h"
#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "io/unpickler.h"
#include "io/weight_map.h"
#include "pickle_builder.h"
#include "runtime/error.h"

using sm::test::PickleBuilder;

namespace {

constexpr uint32_t kSeed = 20240308;
constexpr rlim_t kHeadroomBytes = rlim_t(6) << 30;  // address space allowed beyond what the process maps at start

struct Outcome {
    int loaded = 0;
    int refused = 0;
    QStringList failures;
};

// Opens `path` the way the app does and reads every tensor completely (a view outside its storage would crash
// here). Counts the outcome; records anything that is not sm::Error.
void tryOpen(const std::string& path, const QString& label, Outcome& outcome) {
    try {
        const sm::io::StateDict dict = sm::io::openWeights(path);
        for (const auto& [key, tensor] : dict) {
            (void)torch::Tensor(tensor.contiguous().clone());
        }
        ++outcome.loaded;
    } catch (const sm::Error&) {
        ++outcome.refused;
    } catch (const std::exception& e) {
        outcome.failures << QStringLiteral("%1: %2 escaped: %3")
                                .arg(label, QString::fromLatin1(typeid(e).name()),
                                     QString::fromUtf8(e.what()).left(300));
    }
}

// Seeded corruptions of `bytes`: truncations (fixed boundaries and random), 1-4 bit flips anywhere, flips in the
// first and last 512 bytes (headers, zip directory), and random 1/4/8-byte overwrites with extreme values.
std::vector<std::pair<QString, std::string>> corruptions(const std::string& bytes, std::mt19937& rng, int count) {
    std::vector<std::pair<QString, std::string>> out;
    const size_t n = bytes.size();
    auto pick = [&](size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng); };
    for (const size_t length : {size_t(0), size_t(1), size_t(7), size_t(8), size_t(9), n / 2, n - 1}) {
        if (length < n) {
            out.emplace_back(QStringLiteral("truncate@%1").arg(length), bytes.substr(0, length));
        }
    }
    while (static_cast<int>(out.size()) < count) {
        std::string v = bytes;
        const int kind = static_cast<int>(pick(0, 4));
        QString label;
        if (kind == 0) {
            const size_t length = pick(0, n - 1);
            v.resize(length);
            label = QStringLiteral("truncate@%1").arg(length);
        } else if (kind <= 2) {
            // kind 1: anywhere; kind 2: near the ends, where the headers and the zip directory are
            const int flips = static_cast<int>(pick(1, 4));
            label = QStringLiteral("flip");
            for (int i = 0; i < flips; ++i) {
                size_t pos = pick(0, n - 1);
                if (kind == 2) {
                    pos = pick(0, 1) ? pick(0, std::min<size_t>(n, 512) - 1) : pick(n > 512 ? n - 512 : 0, n - 1);
                }
                const int bit = static_cast<int>(pick(0, 7));
                v[pos] = static_cast<char>(v[pos] ^ (1 << bit));
                label += QStringLiteral(" %1.%2").arg(pos).arg(bit);
            }
        } else {
            static const uint64_t kExtremes[] = {
                0, 0xff, 0x7fffffff, 0xffffffff, 0x7fffffffffffffffull, 0xffffffffffffffffull, 0x8000000000000000ull};
            const size_t width = std::array<size_t, 3>{1, 4, 8}[pick(0, 2)];
            const size_t pos = pick(0, n > width ? n - width : 0);
            const uint64_t value = kExtremes[pick(0, std::size(kExtremes) - 1)];
            for (size_t i = 0; i < width && pos + i < n; ++i) {
                v[pos + i] = static_cast<char>((value >> (8 * i)) & 0xff);
            }
            label = QStringLiteral("overwrite %1 bytes @%2").arg(width).arg(pos);
        }
        out.emplace_back(label, std::move(v));
    }
    return out;
}

std::string goldenFile(const char* name) {
    return (sm::test::goldenDir() + QStringLiteral("/checkpoints/") + QLatin1String(name)).toStdString();
}

}  // namespace

class TestTensorFileFuzz : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_variant = 0;

    // Writes one variant and opens it.
    void run(const QString& family, const std::string& bytes, const QString& label, Outcome& outcome) {
        const std::string path = m_dir.filePath(QStringLiteral("v%1.bin").arg(m_variant++)).toStdString();
        sm::test::writeFile(path, bytes);
        tryOpen(path, family + QStringLiteral(" [") + label + QStringLiteral("]"), outcome);
        std::remove(path.c_str());
    }

    // STILLMOTION_FUZZ_SCALE multiplies the variant counts and STILLMOTION_FUZZ_SEED shifts the seeds, for long
    // offline runs (e.g. under AddressSanitizer); ctest runs the defaults.
    void fuzz(const QString& family, const std::string& bytes, int count, uint32_t seed) {
        QVERIFY2(!bytes.empty(), qPrintable(family));
        count *= std::max(1, qEnvironmentVariableIntValue("STILLMOTION_FUZZ_SCALE"));
        std::mt19937 rng(seed + static_cast<uint32_t>(qEnvironmentVariableIntValue("STILLMOTION_FUZZ_SEED")));
        Outcome outcome;
        for (const auto& [label, variant] : corruptions(bytes, rng, count)) {
            run(family, variant, label, outcome);
        }
        qInfo("%s: %d variants loaded, %d refused", qPrintable(family), outcome.loaded, outcome.refused);
        QVERIFY2(outcome.failures.isEmpty(), qPrintable(outcome.failures.join(QLatin1Char('\n'))));
        QVERIFY(outcome.refused > 0);  // the corruptions must actually exercise the error paths
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer reserves terabytes of shadow address space
        // Cap the address space: LibTorch is mapped already, so the cap is what is in use now plus headroom.
        std::ifstream statm("/proc/self/statm");
        size_t pages = 0;
        statm >> pages;
        rlimit limit{};
        getrlimit(RLIMIT_AS, &limit);
        const rlim_t wanted = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + kHeadroomBytes;
        if (pages > 0 && (limit.rlim_max == RLIM_INFINITY || wanted <= limit.rlim_max)) {
            limit.rlim_cur = wanted;
            QVERIFY(setrlimit(RLIMIT_AS, &limit) == 0);
            // The cap must bite, or the "no absurd allocation" property below is not being tested.
            bool capped = false;
            try {
                (void)torch::empty({int64_t(kHeadroomBytes) + (int64_t(1) << 30)}, torch::kUInt8);
            } catch (const std::exception&) {
                capped = true;
            }
            QVERIFY(capped);
        }
#endif
    }

    void corruptFixtures() {
        if (!QFileInfo::exists(sm::test::goldenDir() + QStringLiteral("/checkpoints/README.md"))) {
            QSKIP("golden/checkpoints not found");
        }
        Outcome outcome;
        for (const char* name : {"truncated.bin", "malicious.ckpt"}) {
            tryOpen(goldenFile(name), QString::fromLatin1(name), outcome);
        }
        QVERIFY2(outcome.failures.isEmpty(), qPrintable(outcome.failures.join(QLatin1Char('\n'))));
        QCOMPARE(outcome.refused, 2);
    }

    void safetensorsVariants() {
        const std::string path = m_dir.filePath(QStringLiteral("base.safetensors")).toStdString();
        sm::io::writeSafetensors(path,
                                 std::vector<std::pair<std::string, torch::Tensor>>{
                                     {"conv.weight", torch::randn({8, 4, 3, 3})},
                                     {"conv.bias", torch::randn({8}).to(torch::kFloat16)},
                                     {"steps", torch::arange(5)},
                                     {"mask", torch::tensor({true, false, true})},
                                     {"scalar", torch::tensor(1.5)},
                                 },
                                 {{"format", "pt"}});
        fuzz(QStringLiteral("safetensors"), sm::test::readFile(path), 150, kSeed);
    }

    void torchZipVariants() {
        const std::string path = m_dir.filePath(QStringLiteral("base.bin")).toStdString();
        const torch::Tensor shared = torch::randn({6, 5});
        sm::io::writeTorchCheckpoint(path, {{"a.weight", torch::randn({16, 8})},
                                            {"a.bias", torch::randn({16}).to(torch::kBFloat16)},
                                            {"shared.x", shared},
                                            {"shared.y", shared},
                                            {"ids", torch::arange(12, torch::kInt32)}});
        fuzz(QStringLiteral("torch zip"), sm::test::readFile(path), 150, kSeed + 1);
    }

    void goldenCheckpointVariants() {
        if (!QFileInfo::exists(sm::test::goldenDir() + QStringLiteral("/checkpoints/README.md"))) {
            QSKIP("golden/checkpoints not found");
        }
        fuzz(QStringLiteral("state_dict.bin"), sm::test::readFile(goldenFile("state_dict.bin")), 100, kSeed + 2);
        fuzz(QStringLiteral("lightning.ckpt"), sm::test::readFile(goldenFile("lightning.ckpt")), 100, kSeed + 3);
        fuzz(QStringLiteral("legacy_format.pt"), sm::test::readFile(goldenFile("legacy_format.pt")), 80, kSeed + 4);
    }

    void hostileSafetensorsHeaders() {
        Outcome outcome;
        auto withHeader = [&](const QString& label, const std::string& json, const std::string& data) {
            std::string bytes(8, '\0');
            for (int i = 0; i < 8; ++i) {
                bytes[i] = static_cast<char>((json.size() >> (8 * i)) & 0xff);
            }
            const std::string path = m_dir.filePath(QStringLiteral("hostile.safetensors")).toStdString();
            sm::test::writeFile(path, bytes + json + data);
            tryOpen(path, label, outcome);
        };
        // A header nested a million levels deep must neither overflow the parser's nor the destructor's stack.
        withHeader(QStringLiteral("deep json"), std::string(1000000, '[') + std::string(1000000, ']'), {});
        withHeader(QStringLiteral("deep object"),
                   R"({"a":)" + std::string(500000, '[') + std::string(500000, ']') + "}", {});
        withHeader(QStringLiteral("float shape"), R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})",
                   std::string(4, '\0'));
        withHeader(QStringLiteral("huge dims"),
                   R"({"a":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,4]}})",
                   std::string(4, '\0'));
        withHeader(QStringLiteral("string offsets"), R"({"a":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}})",
                   std::string(4, '\0'));
        QVERIFY2(outcome.failures.isEmpty(), qPrintable(outcome.failures.join(QLatin1Char('\n'))));
        QCOMPARE(outcome.refused, 5);
    }

    void hostilePickles() {
        Outcome outcome;
        auto zipWith = [&](const QString& label, const std::string& pickle) {
            const std::string path = m_dir.filePath(QStringLiteral("hostile.ckpt")).toStdString();
            sm::test::writeTorchZip(path, pickle, {{"data/0", sm::test::floatBytes(4)}});
            tryOpen(path, label, outcome);
        };

        // 300,000 nested lists: nothing may recurse over the structure (destruction included).
        PickleBuilder deep;
        deep.proto(2).emptyList().put(0);
        for (int i = 0; i < 300000; ++i) {
            deep.get(0).emptyList().put(0).append().pop();
        }
        zipWith(QStringLiteral("deep nesting"), deep.stop().data());

        // A list and a dict that contain themselves.
        zipWith(QStringLiteral("self list"), PickleBuilder().proto(2).emptyList().put(0).get(0).append().stop().data());
        zipWith(QStringLiteral("self dict"),
                PickleBuilder().proto(2).emptyDict().put(0).str("me").get(0).setItem().stop().data());

        // _rebuild_from_type_v2 whose argument list is itself: L = [func, None, L]; func(*L).
        PickleBuilder loop;
        loop.proto(2).global("torch._tensor", "_rebuild_from_type_v2").put(1).emptyList().put(0);
        loop.mark().get(1).none().get(0).appends().reduce().stop();
        zipWith(QStringLiteral("self-referencing rebuild"), loop.data());

        // Lengths far beyond the data.
        zipWith(QStringLiteral("BINUNICODE8 2^64-1"), PickleBuilder().proto(4).op('\x8d').le(~0ull, 8).stop().data());
        zipWith(QStringLiteral("BINBYTES 2^32-1"), PickleBuilder().proto(3).op('B').le(0xffffffffu, 4).stop().data());
        zipWith(QStringLiteral("FRAME 2^63"), PickleBuilder().proto(4).frame(1ull << 63).none().stop().data());
        zipWith(QStringLiteral("LONG4 negative"), PickleBuilder().proto(2).op('\x8b').le(0x80000000u, 4).stop().data());
        zipWith(QStringLiteral("LONG4 2^31-1"), PickleBuilder().proto(2).op('\x8b').le(0x7fffffffu, 4).stop().data());
        // Sparse memo indices, and gets of indices never stored.
        zipWith(QStringLiteral("memo 2^32-1"),
                PickleBuilder().proto(2).none().put(0xffffffffu).get(0xffffffffu).stop().data());
        zipWith(QStringLiteral("missing memo"), PickleBuilder().proto(2).get(77).stop().data());
        // A million MARKs, then STOP with nothing to return.
        zipWith(QStringLiteral("marks"), PickleBuilder().proto(2).raw(std::string(1000000, '(')).stop().data());
        // More values than the unpickler allows (each DUP pushes one).
        zipWith(QStringLiteral("value flood"),
                PickleBuilder().proto(2).none().raw(std::string(sm::io::kMaxPickleValues + 10, '2')).stop().data());
        // Storage ids with absurd sizes and tensors with absurd views.
        zipWith(QStringLiteral("storage 2^62"), PickleBuilder()
                                                    .proto(2)
                                                    .emptyDict()
                                                    .str("w")
                                                    .tensor("FloatStorage", "0", int64_t(1) << 62, 0, {1}, {1})
                                                    .setItem()
                                                    .stop()
                                                    .data());
        zipWith(QStringLiteral("65 dims"),
                PickleBuilder()
                    .proto(2)
                    .emptyDict()
                    .str("w")
                    .tensor("FloatStorage", "0", 4, 0, std::vector<int64_t>(65, 1), std::vector<int64_t>(65, 1))
                    .setItem()
                    .stop()
                    .data());
        zipWith(QStringLiteral("huge stride"), PickleBuilder()
                                                   .proto(2)
                                                   .emptyDict()
                                                   .str("w")
                                                   .tensor("FloatStorage", "0", 4, 0, {2}, {INT64_MAX})
                                                   .setItem()
                                                   .stop()
                                                   .data());
        zipWith(QStringLiteral("unknown opcode"), PickleBuilder().proto(2).op('\xff').stop().data());
        zipWith(QStringLiteral("protocol 9"), PickleBuilder().proto(9).none().stop().data());
        zipWith(QStringLiteral("empty pickle"), std::string());

        QVERIFY2(outcome.failures.isEmpty(), qPrintable(outcome.failures.join(QLatin1Char('\n'))));
        QCOMPARE(outcome.loaded, 0);  // none of these is a state dict
    }
};

QTEST_GUILESS_MAIN(TestTensorFileFuzz)
#include "test_tensor_file_fuzz.moc"
