// The full-size Pix2Gif bundle against pix2gif_full_manifest/keys.tsv: the keys, shapes and dtypes a Pix2Gif
// LatentDiffusion checkpoint holds, group by group. The bundle is built on the meta device (no memory), exported
// with checkpointStateDict() (Lightning layout, no EMA copy) and completed with the EMA keys LitEma would add.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "golden.h"
#include "io/state_dict.h"
#include "pix2gif/pix2gif_model.h"
#include "runtime/layers.h"
#include "text/clip_tokenizer.h"
#include "unet/ldm_unet.h"

namespace {

namespace fs = std::filesystem;
const QString kCase = QStringLiteral("pix2gif_full_manifest");

struct ManifestRow {
    std::string key;
    std::vector<int64_t> shape;
    std::string dtype;
    int64_t numel = 0;
    std::string group;
    bool required = true;
};

std::vector<int64_t> parseShape(const std::string& text) {
    std::vector<int64_t> shape;
    if (text == "scalar") {
        return shape;
    }
    std::stringstream in(text);
    std::string dim;
    while (std::getline(in, dim, ',')) {
        shape.push_back(std::stoll(dim));
    }
    return shape;
}

// keys.tsv: key, shape, dtype, numel, group, presence, note (header line first).
std::vector<ManifestRow> readManifest(const std::string& path) {
    std::ifstream in(path);
    std::vector<ManifestRow> rows;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        std::vector<std::string> cols;
        std::stringstream fields(line);
        std::string col;
        while (std::getline(fields, col, '\t')) {
            cols.push_back(col);
        }
        if (cols.size() < 6) {
            throw std::runtime_error(path + ": malformed row: " + line);
        }
        rows.push_back({cols[0], parseShape(cols[1]), cols[2], std::stoll(cols[3]), cols[4], cols[5] == "required"});
    }
    return rows;
}

sm::text::ClipTokenizer loadTokenizer() {
    const std::string golden =
        (sm::test::goldenDir() + QStringLiteral("/clip_tokenizer/bpe_simple_vocab_16e6.txt.gz")).toStdString();
    const std::string bundled = std::string(STILLMOTION_SOURCE_DIR) + "/resources/clip/bpe_simple_vocab_16e6.txt.gz";
    return sm::text::ClipTokenizer::fromOpenAiVocab(fs::exists(golden) ? golden : bundled);
}

struct Entry {
    std::vector<int64_t> shape;
    std::string dtype;
};

}  // namespace

class TestPix2GifManifest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case pix2gif_full_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        m_case = std::make_unique<sm::test::GoldenCase>(kCase);
        m_rows = readManifest(m_case->file("keys.tsv"));
        QVERIFY(!m_rows.empty());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        sm::pix2gif::Pix2GifModel model(sm::pix2gif::Pix2GifConfig::full(), loadTokenizer());
        for (const auto& [key, tensor] : model->checkpointStateDict()) {
            m_port[key] = {tensor.sizes().vec(), sm::io::dtypeName(tensor.scalar_type())};
            // LitEma shadows every UNet parameter under a dot-less name, same shape and dtype.
            const std::string prefix = sm::unet::kCheckpointPrefix;
            if (key.rfind(prefix, 0) == 0) {
                m_port[sm::unet::emaKey(key.substr(prefix.size()))] = m_port[key];
            }
        }
        // LitEma's own buffers: decay (float32 scalar) and num_updates (int32 scalar).
        m_port["model_ema.decay"] = {{}, "F32"};
        m_port["model_ema.num_updates"] = {{}, "I32"};
    }

    void everyManifestKeyIsExported() {
        QStringList problems;
        for (const ManifestRow& row : m_rows) {
            const auto it = m_port.find(row.key);
            if (it == m_port.end()) {
                if (row.required) {
                    problems << QString::fromStdString("missing " + row.key + " (" + row.group + ")");
                }
                continue;
            }
            if (it->second.shape != row.shape) {
                problems << QString::fromStdString(row.key + ": shape " + sm::io::shapeString(it->second.shape) +
                                                   ", manifest " + sm::io::shapeString(row.shape));
            }
            if (it->second.dtype != row.dtype) {
                problems << QString::fromStdString(row.key + ": dtype " + it->second.dtype + ", manifest " + row.dtype);
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 20).join(QLatin1Char('\n'))));
    }

    void noKeyBeyondTheManifest() {
        std::set<std::string> manifest;
        for (const ManifestRow& row : m_rows) {
            manifest.insert(row.key);
        }
        QStringList extra;
        for (const auto& [key, entry] : m_port) {
            if (!manifest.count(key)) {
                extra << QString::fromStdString(key);
            }
        }
        QVERIFY2(extra.isEmpty(), qPrintable("not in the manifest: " + extra.mid(0, 20).join(QStringLiteral(", "))));
    }

    void groupCountsMatchCase() {
        // case.json's counts_by_group list tensors (optional keys included) and elements (required keys only).
        std::map<std::string, std::pair<int64_t, int64_t>> counted;  // group -> (tensors, elements) of the port
        std::map<std::string, int64_t> optionalAbsent;
        for (const ManifestRow& row : m_rows) {
            const auto it = m_port.find(row.key);
            if (it == m_port.end()) {
                optionalAbsent[row.group] += row.required ? 0 : 1;
                continue;
            }
            int64_t numel = 1;
            for (int64_t d : it->second.shape) {
                numel *= d;
            }
            QCOMPARE(numel, row.numel);
            counted[row.group].first += 1;
            counted[row.group].second += numel;
        }
        const auto& groups = m_case->json().at("counts_by_group");
        QCOMPARE(counted.size(), groups.size());
        for (const auto& [group, expected] : groups.items()) {
            QVERIFY2(counted.count(group), group.c_str());
            const auto [tensors, elements] = counted.at(group);
            QCOMPARE(tensors + optionalAbsent[group], expected.at("tensors").get<int64_t>());
            QCOMPARE(elements, expected.at("elements").get<int64_t>());
            qInfo("%s: %lld tensors, %lld elements", group.c_str(), static_cast<long long>(tensors),
                  static_cast<long long>(elements));
        }
    }

private:
    std::unique_ptr<sm::test::GoldenCase> m_case;
    std::vector<ManifestRow> m_rows;
    std::map<std::string, Entry> m_port;
};

QTEST_GUILESS_MAIN(TestPix2GifManifest)
#include "test_pix2gif_manifest.moc"
