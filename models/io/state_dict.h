#pragma once
// A state dict: tensor name -> tensor, as PyTorch's module.state_dict() names them.
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace sm::io {

using StateDict = std::map<std::string, torch::Tensor>;

/// "[320,4,3,3]" — the shape notation used in every error message.
std::string shapeString(at::IntArrayRef shape);

/// "F32", "F16", ... — safetensors dtype names, also used in reports.
std::string dtypeName(torch::ScalarType type);

}  // namespace sm::io
