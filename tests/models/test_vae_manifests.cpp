// Full-size VAE trees built on the meta device (no memory) against the reference state_dict manifests:
// SD AutoencoderKL (diffusers names, plus the old attention aliases), SVD AutoencoderKLTemporalDecoder, and the
// VAE group of a Pix2Gif LatentDiffusion checkpoint (ldm names under first_stage_model.).
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/layers.h"
#include "vae/autoencoder_kl.h"
#include "vae/key_map.h"
#include "vae/temporal_decoder.h"

namespace {

const QString kCinemoCase = QStringLiteral("cinemo_unet3d_manifest");
const QString kPix2GifCase = QStringLiteral("pix2gif_full_manifest");

using Row = std::vector<std::string>;

std::vector<std::string> splitOn(const std::string& text, char separator) {
    std::vector<std::string> out;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, separator)) {
        out.push_back(item);
    }
    if (!text.empty() && text.back() == separator) {
        out.emplace_back();  // getline drops a trailing empty field
    }
    return out;
}

// Data rows of a TSV file (the header row is dropped).
std::vector<Row> readTsv(const std::string& path) {
    std::ifstream in(path);
    std::vector<Row> rows;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (!line.empty()) {
            rows.push_back(splitOn(line, '\t'));
        }
    }
    return rows;
}

// "128x3x3x3" / "128,3,3,3" / "scalar" -> shape
std::vector<int64_t> parseShape(const std::string& text, char separator) {
    std::vector<int64_t> shape;
    if (text == "scalar") {
        return shape;
    }
    for (const std::string& dim : splitOn(text, separator)) {
        shape.push_back(std::stoll(dim));
    }
    return shape;
}

struct Entry {
    std::string key;
    std::vector<int64_t> shape;
    bool operator==(const Entry& other) const { return key == other.key && shape == other.shape; }
};

// Parameters and buffers in registration order (= PyTorch state_dict order for these trees).
std::vector<Entry> moduleEntries(const torch::nn::Module& module) {
    std::vector<Entry> out;
    for (const auto& item : module.named_parameters(true)) {
        out.push_back({item.key(), item.value().sizes().vec()});
    }
    for (const auto& item : module.named_buffers(true)) {
        out.push_back({item.key(), item.value().sizes().vec()});
    }
    return out;
}

// Reports the first difference of two ordered key/shape lists.
QString firstDifference(const std::vector<Entry>& expected, const std::vector<Entry>& got) {
    for (size_t i = 0; i < std::min(expected.size(), got.size()); ++i) {
        if (!(expected[i] == got[i])) {
            return QStringLiteral("entry %1: manifest %2 %3, module %4 %5")
                .arg(i)
                .arg(QString::fromStdString(expected[i].key),
                     QString::fromStdString(sm::io::shapeString(expected[i].shape)), QString::fromStdString(got[i].key),
                     QString::fromStdString(sm::io::shapeString(got[i].shape)));
        }
    }
    if (expected.size() != got.size()) {
        return QStringLiteral("manifest has %1 entries, module %2").arg(expected.size()).arg(got.size());
    }
    return {};
}

sm::vae::VaeConfig configFromDiffusersJson(const nlohmann::json& json) {
    sm::vae::VaeConfig config;
    config.blockOutChannels = json.at("block_out_channels").get<std::vector<int64_t>>();
    config.layersPerBlock = json.at("layers_per_block").get<int64_t>();
    config.latentChannels = json.at("latent_channels").get<int64_t>();
    config.inChannels = json.at("in_channels").get<int64_t>();
    config.outChannels = json.at("out_channels").get<int64_t>();
    return config;
}

int64_t numel(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (const int64_t d : shape) {
        n *= d;
    }
    return n;
}

torch::Tensor metaTensor(const std::vector<int64_t>& shape) {
    return torch::empty(shape, torch::TensorOptions().device(torch::kMeta));
}

}  // namespace

class TestVaeManifests : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sdAutoencoderKL() {
        if (!sm::test::GoldenCase::exists(kCinemoCase)) {
            QSKIP("golden case cinemo_unet3d_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCinemoCase);
        const auto& counts = c.json().at("counts").at("sd_vae");
        const std::vector<Row> rows = readTsv(c.file(counts.at("file").get<std::string>()));
        QCOMPARE(int64_t(rows.size()), counts.at("entries").get<int64_t>());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        sm::vae::AutoencoderKL vae(configFromDiffusersJson(c.json().at("configs").at("sd_vae")));
        std::vector<Entry> expected;
        int64_t params = 0;
        for (const Row& row : rows) {
            QCOMPARE(row.at(2), std::string("float32"));
            expected.push_back({row.at(0), parseShape(row.at(1), 'x')});
            params += std::stoll(row.at(3));
        }
        const std::vector<Entry> got = moduleEntries(*vae);
        const QString difference = firstDifference(expected, got);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(params, counts.at("num_parameters").get<int64_t>());

        // The deprecated_alias column: a dict under the old attention names normalises to the module's keys.
        sm::io::StateDict old;
        int aliases = 0;
        for (const Row& row : rows) {
            const bool aliased = row.size() > 5 && !row[5].empty();
            aliases += aliased ? 1 : 0;
            old.emplace(aliased ? row[5] : row[0], metaTensor(parseShape(row[1], 'x')));
        }
        QCOMPARE(aliases, 16);
        const sm::io::StateDict normalized = sm::vae::normalizeVaeStateDict(old, "old.bin");
        QCOMPARE(normalized.size(), got.size());
        for (const Entry& entry : got) {
            const auto it = normalized.find(entry.key);
            QVERIFY2(it != normalized.end(), entry.key.c_str());
            QVERIFY2(it->second.sizes().vec() == entry.shape, entry.key.c_str());
        }
        // And the config read back from those shapes is the one the tree was built with.
        const sm::vae::VaeConfig read = sm::vae::configFromWeights(normalized, "old.bin");
        QCOMPARE(read.blockOutChannels, vae->config().blockOutChannels);
        QCOMPARE(read.layersPerBlock, vae->config().layersPerBlock);
    }

    void svdTemporalDecoder() {
        if (!sm::test::GoldenCase::exists(kCinemoCase)) {
            QSKIP("golden case cinemo_unet3d_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCinemoCase);
        const auto& counts = c.json().at("counts").at("svd_vae");
        const std::vector<Row> rows = readTsv(c.file(counts.at("file").get<std::string>()));
        QCOMPARE(int64_t(rows.size()), counts.at("entries").get<int64_t>());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        sm::vae::AutoencoderKLTemporalDecoder vae(configFromDiffusersJson(c.json().at("configs").at("svd_vae")));
        std::vector<Entry> expected;
        std::map<std::string, int64_t> paramsByPart;
        for (const Row& row : rows) {
            expected.push_back({row.at(0), parseShape(row.at(1), 'x')});
            paramsByPart[row[0].substr(0, row[0].find('.'))] += std::stoll(row.at(3));
        }
        const std::vector<Entry> got = moduleEntries(*vae);
        const QString difference = firstDifference(expected, got);
        QVERIFY2(difference.isEmpty(), qPrintable(difference));
        QCOMPARE(paramsByPart["encoder"], counts.at("encoder_parameters").get<int64_t>());
        QCOMPARE(paramsByPart["decoder"], counts.at("decoder_parameters").get<int64_t>());
        QCOMPARE(paramsByPart["quant_conv"], counts.at("quant_conv_parameters").get<int64_t>());

        // The config reader recovers the real config from the manifest shapes alone.
        sm::io::StateDict shapes;
        for (const Entry& entry : expected) {
            shapes.emplace(entry.key, metaTensor(entry.shape));
        }
        const sm::vae::VaeConfig read = sm::vae::temporalConfigFromWeights(shapes, "manifest");
        QCOMPARE(read.blockOutChannels, vae->config().blockOutChannels);
        QCOMPARE(read.layersPerBlock, vae->config().layersPerBlock);
        QCOMPARE(read.latentChannels, vae->config().latentChannels);
    }

    void pix2gifCheckpointVaeGroup() {
        if (!sm::test::GoldenCase::exists(kPix2GifCase)) {
            QSKIP("golden case pix2gif_full_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kPix2GifCase);
        const auto& vaeConfig = c.json().at("vae_config");
        const auto& dd = vaeConfig.at("ddconfig");
        QCOMPARE(dd.at("z_channels").get<int64_t>(), vaeConfig.at("embed_dim").get<int64_t>());
        const auto config =
            sm::vae::VaeConfig::fromLdm(dd.at("ch").get<int64_t>(), dd.at("ch_mult").get<std::vector<int64_t>>(),
                                        dd.at("num_res_blocks").get<int64_t>(), dd.at("z_channels").get<int64_t>());
        const std::vector<Row> rows = readTsv(c.file("keys.tsv"));
        const auto& counts = c.json().at("counts_by_group").at("vae");

        // The VAE group: 'first_stage_model.' + ldm AutoencoderKL key (case.json rules).
        std::map<std::string, std::vector<int64_t>> expected;
        sm::io::StateDict checkpoint;  // every key of the checkpoint, as meta tensors
        int64_t elements = 0;
        for (const Row& row : rows) {
            const std::vector<int64_t> shape = parseShape(row.at(1), ',');
            checkpoint.emplace(row[0], metaTensor(shape));
            if (row.at(4) == "vae") {
                QCOMPARE(row.at(2), std::string("F32"));
                QCOMPARE(row.at(5), std::string("required"));
                QCOMPARE(std::stoll(row.at(3)), numel(shape));
                expected[row[0]] = shape;
                elements += numel(shape);
            }
        }
        QCOMPARE(int64_t(expected.size()), counts.at("tensors").get<int64_t>());
        QCOMPARE(elements, counts.at("elements").get<int64_t>());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        sm::vae::AutoencoderKL vae(config);
        std::map<std::string, std::vector<int64_t>> got;
        for (const auto& [key, tensor] : sm::vae::exportLdmStateDict(vae)) {
            got[std::string(sm::vae::kLdmCheckpointPrefix) + key] = tensor.sizes().vec();
        }
        for (const auto& [key, shape] : expected) {
            const auto it = got.find(key);
            QVERIFY2(it != got.end(), ("missing in the module: " + key).c_str());
            QVERIFY2(it->second == shape,
                     (key + ": module " + sm::io::shapeString(it->second) + ", manifest " + sm::io::shapeString(shape))
                         .c_str());
        }
        QCOMPARE(got.size(), expected.size());

        // Loading from the whole checkpoint picks exactly the VAE group and finds the same config.
        const sm::io::StateDict named = sm::vae::normalizeVaeStateDict(checkpoint, "pix2gif.ckpt");
        QCOMPARE(named.size(), expected.size());
        const sm::vae::VaeConfig read = sm::vae::configFromWeights(named, "pix2gif.ckpt");
        QCOMPARE(read.blockOutChannels, config.blockOutChannels);
        QCOMPARE(read.layersPerBlock, config.layersPerBlock);
        QCOMPARE(read.latentChannels, config.latentChannels);
        QVERIFY(read.midBlockAttention);
        const sm::io::StateDict engine = sm::io::moduleStateDict(*vae);
        for (const auto& [key, tensor] : named) {
            const auto it = engine.find(key);
            QVERIFY2(it != engine.end(), key.c_str());
            QVERIFY2(it->second.sizes() == tensor.sizes(), key.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestVaeManifests)
#include "test_vae_manifests.moc"
