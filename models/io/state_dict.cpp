#include "io/state_dict.h"

namespace sm::io {

std::string shapeString(at::IntArrayRef shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) {
            out += ",";
        }
        out += std::to_string(shape[i]);
    }
    return out + "]";
}

std::string dtypeName(torch::ScalarType type) {
    switch (type) {
        case torch::kFloat64: return "F64";
        case torch::kFloat32: return "F32";
        case torch::kFloat16: return "F16";
        case torch::kBFloat16: return "BF16";
        case torch::kInt64: return "I64";
        case torch::kInt32: return "I32";
        case torch::kInt16: return "I16";
        case torch::kInt8: return "I8";
        case torch::kUInt8: return "U8";
        case torch::kBool: return "BOOL";
        default: return std::string(c10::toString(type));
    }
}

}  // namespace sm::io
