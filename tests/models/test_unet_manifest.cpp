// The full-size Pix2Gif/SD-1.5 UNet built on the meta device: every key, shape, dtype and the parameter count
// equal the reference manifest ldm_unet_sd15_manifest/keys.tsv, in the reference's state_dict order; the
// checkpoint and EMA names derived from the bare keys equal the manifest's columns.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <fstream>
#include <sstream>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/layers.h"
#include "unet/ldm_unet.h"

using sm::unet::LdmUNet;
using sm::unet::LdmUNetConfig;

namespace {

const QString kCase = QStringLiteral("ldm_unet_sd15_manifest");

struct ManifestRow {
    std::string bareKey, checkpointKey, emaKey, dtype;
    std::vector<int64_t> shape;
    int64_t numel = 0;
};

std::vector<std::string> splitOn(const std::string& s, char sep) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep)) {
        parts.push_back(part);
    }
    if (!s.empty() && s.back() == sep) {
        parts.emplace_back();
    }
    return parts;
}

// keys.tsv: a header row naming the columns, then one tab-separated row per tensor; shapes as "a,b,c".
std::vector<ManifestRow> readManifest(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = splitOn(line, '\t');
    auto column = [&](const std::string& name) {
        const auto it = std::find(header.begin(), header.end(), name);
        if (it == header.end()) {
            throw std::runtime_error(path + ": no column " + name);
        }
        return static_cast<size_t>(it - header.begin());
    };
    const size_t bare = column("bare_key"), ckpt = column("checkpoint_key"), ema = column("ema_key"),
                 shape = column("shape"), dtype = column("dtype"), numel = column("numel");
    std::vector<ManifestRow> rows;
    while (std::getline(in, line)) {
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> f = splitOn(line, '\t');
        ManifestRow row;
        row.bareKey = f.at(bare);
        row.checkpointKey = f.at(ckpt);
        row.emaKey = f.at(ema);
        row.dtype = f.at(dtype);
        row.numel = std::stoll(f.at(numel));
        for (const std::string& d : splitOn(f.at(shape), ',')) {
            if (!d.empty()) {
                row.shape.push_back(std::stoll(d));
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

LdmUNetConfig configFromJson(const nlohmann::json& j) {
    LdmUNetConfig c;
    c.inChannels = j.at("in_channels").get<int64_t>();
    c.outChannels = j.at("out_channels").get<int64_t>();
    c.modelChannels = j.at("model_channels").get<int64_t>();
    c.channelMult = j.at("channel_mult").get<std::vector<int64_t>>();
    c.numResBlocks = j.at("num_res_blocks").get<int64_t>();
    c.attentionResolutions = j.at("attention_resolutions").get<std::vector<int64_t>>();
    c.numHeads = j.value("num_heads", int64_t{-1});
    c.numHeadChannels = j.value("num_head_channels", int64_t{-1});
    c.transformerDepth = j.at("transformer_depth").get<int64_t>();
    c.contextDim = j.at("context_dim").get<int64_t>();
    c.legacy = j.at("legacy").get<bool>();
    return c;
}

}  // namespace

class TestUNetManifest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fullSizeKeysMatchManifest() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_sd15_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        const std::vector<ManifestRow> rows = readManifest(c.file("keys.tsv"));
        QCOMPARE(static_cast<int64_t>(rows.size()), c.json().at("num_tensors").get<int64_t>());

        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        LdmUNet unet(configFromJson(c.json().at("config")));
        const auto params = unet->named_parameters(true);
        QCOMPARE(unet->named_buffers(true).size(), size_t(0));  // the UNet has no buffers
        QCOMPARE(params.size(), rows.size());

        int64_t total = 0;
        for (size_t i = 0; i < rows.size(); ++i) {
            const ManifestRow& row = rows[i];
            const auto& item = params[i];
            const std::string where = "entry " + std::to_string(i) + " (" + row.bareKey + ")";
            // Same order as the reference state_dict, so a positional comparison checks names and order at once.
            QVERIFY2(item.key() == row.bareKey, (where + ": port has " + item.key()).c_str());
            QVERIFY2(item.value().sizes().vec() == row.shape,
                     (where + ": port shape " + sm::io::shapeString(item.value().sizes())).c_str());
            QVERIFY2(item.value().device().is_meta(), where.c_str());
            QCOMPARE(QString::fromStdString(sm::io::dtypeName(item.value().scalar_type())),
                     QString::fromStdString(row.dtype));
            QCOMPARE(item.value().numel(), row.numel);
            QCOMPARE(QString::fromStdString(sm::unet::checkpointKey(row.bareKey)),
                     QString::fromStdString(row.checkpointKey));
            QCOMPARE(QString::fromStdString(sm::unet::emaKey(row.bareKey)), QString::fromStdString(row.emaKey));
            total += item.value().numel();
        }
        QCOMPARE(total, c.json().at("num_params").get<int64_t>());
    }

    void configRoundTripsThroughMetaWeights() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_unet_sd15_manifest not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        const LdmUNetConfig expected = configFromJson(c.json().at("config"));
        sm::ParameterInitScope meta(sm::ParameterInit::Meta);
        LdmUNet unet(expected);
        // configFromWeights only reads shapes, so the meta tree's own state dict is a valid input.
        const LdmUNetConfig detected = sm::unet::configFromWeights(sm::io::moduleStateDict(*unet), "meta UNet");
        QCOMPARE(QString::fromStdString(detected.describe()), QString::fromStdString(expected.describe()));
    }
};

QTEST_GUILESS_MAIN(TestUNetManifest)
#include "test_unet_manifest.moc"
