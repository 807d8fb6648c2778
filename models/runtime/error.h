#pragma once
// Typed errors thrown by the engine. Messages name the file, the key, the expected and the actual value,
// so the UI can show them as they are: "unet/x.bin: key conv_in.weight has shape [320,8,3,3], expected [320,4,3,3]".
#include <stdexcept>
#include <string>

namespace sm {

/// Base of every error the engine throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A weights or tensor file is missing, corrupt, unsupported or does not match the model.
class WeightsError : public Error {
public:
    using Error::Error;
};

/// A caller passed an argument the engine cannot use (bad shape, out-of-range value, unknown option).
class ArgumentError : public Error {
public:
    using Error::Error;
};

/// The job was cancelled through its cancel flag; not a failure.
class CancelledError : public Error {
public:
    CancelledError() : Error("cancelled") {}
};

}  // namespace sm
