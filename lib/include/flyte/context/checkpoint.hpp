#pragma once

/// flytekit's Checkpoint interface (CONTRACT §7): how a task saves progress
/// during an attempt and, on a retry, picks up what the previous attempt
/// saved. Exposed to the user as ExecutionParameters::checkpoint.

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flyte {

/// A checkpoint used the wrong way (restoring into a file, reading a
/// checkpoint of several files...). The message says what to do instead.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Checkpoint {
 public:
  virtual ~Checkpoint() = default;

  /// True when this attempt was given a previous checkpoint to restore.
  virtual bool prev_exists() const = 0;

  /// Downloads the previous checkpoint (once; later calls return the same
  /// path, whatever `dir` they pass) into `dir`, or into a folder of the
  /// checkpoint's own choosing when none is given. Returns the local folder,
  /// or nullopt when there is no previous checkpoint.
  virtual std::optional<std::filesystem::path> restore(
      std::optional<std::filesystem::path> dir = std::nullopt) = 0;

  /// Saves a local folder (its contents become the checkpoint) or a file
  /// (added to the checkpoint under its own name).
  virtual void save(const std::filesystem::path& path) = 0;

  /// Saves everything `stream` yields as the checkpoint's single-file form
  /// (the same file write() uses), streaming it.
  virtual void save(std::istream& stream) = 0;

  /// The bytes of the previous checkpoint when it is a single file; nullopt
  /// when there is none or it is empty; CheckpointError for several files.
  virtual std::optional<std::string> read() = 0;

  /// Saves `bytes` as the checkpoint's single file, replacing an earlier one.
  virtual void write(std::string_view bytes) = 0;
};

}  // namespace flyte
