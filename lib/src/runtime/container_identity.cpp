#include "flyte/runtime/container_identity.hpp"

#include <charconv>

#include <fmt/format.h>

namespace flyte {
namespace {

std::string pick(const EnvLookup& env, std::string_view long_name, std::string_view short_name) {
  return first_present(env, {long_name, short_name}).value_or("");
}

long long parse_index_part(const std::string& name, const std::string& text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw ArrayIndexError(fmt::format(
        "array job: {}='{}' is not a non-negative integer; the engine sets it for map tasks", name,
        text));
  }
  return value;
}

}  // namespace

ContainerIdentity ContainerIdentity::from_env(const EnvLookup& env) {
  ContainerIdentity id;
  id.execution_id = {pick(env, "FLYTE_INTERNAL_EXECUTION_PROJECT", "_F_PRJ"),
                     pick(env, "FLYTE_INTERNAL_EXECUTION_DOMAIN", "_F_DM"),
                     pick(env, "FLYTE_INTERNAL_EXECUTION_ID", "_F_NM"),
                     {}};
  id.task_id = {ResourceType::TASK,
                pick(env, "FLYTE_INTERNAL_TASK_PROJECT", "_F_TK_PRJ"),
                pick(env, "FLYTE_INTERNAL_TASK_DOMAIN", "_F_TK_DM"),
                pick(env, "FLYTE_INTERNAL_TASK_NAME", "_F_TK_NM"),
                pick(env, "FLYTE_INTERNAL_TASK_VERSION", "_F_TK_V"),
                {}};
  id.workflow = pick(env, "FLYTE_INTERNAL_EXECUTION_WORKFLOW", "_F_WF");
  id.launch_plan = pick(env, "FLYTE_INTERNAL_EXECUTION_LAUNCHPLAN", "_F_LP");
  id.attempt = env("FLYTE_ATTEMPT_NUMBER");
  id.execution_url = env("FLYTE_EXECUTION_URL");
  return id;
}

ContainerIdentity ContainerIdentity::local() {
  ContainerIdentity id;
  id.execution_id = {"local", "local", "local", {}};
  id.task_id = {ResourceType::TASK, "local", "local", "local", "local", {}};
  return id;
}

std::size_t array_index_from_env(const EnvLookup& env) {
  long long offset = 0;
  if (auto text = env("BATCH_JOB_ARRAY_INDEX_OFFSET"); text && !text->empty()) {
    offset = parse_index_part("BATCH_JOB_ARRAY_INDEX_OFFSET", *text);
  }
  auto var_name = env("BATCH_JOB_ARRAY_INDEX_VAR_NAME");
  if (!var_name || var_name->empty()) return static_cast<std::size_t>(offset);
  auto raw = env(*var_name);
  if (!raw) {
    throw ArrayIndexError(
        fmt::format("array job: BATCH_JOB_ARRAY_INDEX_VAR_NAME names {}, but {} is not set",
                    *var_name, *var_name));
  }
  const long long index = parse_index_part(*var_name, *raw);
  return static_cast<std::size_t>(offset + index);
}

}  // namespace flyte
