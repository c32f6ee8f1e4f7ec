#include "flyte/registration/package.hpp"

#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "flyte/io/atomic_write.hpp"
#include "flyte/registration/registration_schema.hpp"
#include "flyte/runtime/task_interface.hpp"
#include "flyte/runtime/task_library.hpp"

namespace flyte {
namespace {

namespace fs = std::filesystem;

// TaskMetadata.runtime. Propeller feeds an offloaded literal only to a task
// whose runtime is in its supported-SDK list at a high enough version (default:
// FLYTE_SDK from 1.13.14, CONTRACT §11); flyte-execute reads offloaded inputs
// as flytekit does, so it registers as FLYTE_SDK with the flytekit line whose
// container contract it implements, and says who it is in the flavor (flytekit
// writes "python", jflyte "java").
constexpr const char* kRuntimeType = "FLYTE_SDK";
constexpr const char* kRuntimeVersion = "1.16.0";
constexpr const char* kRuntimeFlavor = "flyte-execute";

const char* const kProjectPlaceholder = "{{ registration.project }}";
const char* const kDomainPlaceholder = "{{ registration.domain }}";
const char* const kVersionPlaceholder = "{{ registration.version }}";

struct PackageOptions {
  std::vector<std::string> libraries;
  std::string image;
  std::string lib_dir = "/opt/tasks";
  std::string output = "flyte-package.tgz";
  std::vector<std::string> tasks;
  std::string project = kProjectPlaceholder;
  std::string domain = kDomainPlaceholder;
  std::string version = kVersionPlaceholder;
};

/// A task that passed every check, with what packaging needs.
struct CheckedTask {
  std::string library;  ///< as given on the command line
  LoadedTask task;
  TaskInterface interface;
  TaskRegistrationOptions registration;
  std::string registered_name;
};

const std::map<std::string, std::string>& resource_names() {
  static const std::map<std::string, std::string> names{{"cpu", "CPU"},
                                                        {"memory", "MEMORY"},
                                                        {"gpu", "GPU"},
                                                        {"storage", "STORAGE"},
                                                        {"ephemeral_storage", "EPHEMERAL_STORAGE"}};
  return names;
}

bool is_quantity(const std::string& value) {
  static const std::regex quantity(R"(^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$)");
  return std::regex_match(value, quantity);
}

void check_registration(const CheckedTask& checked, const std::string& where,
                        std::vector<LibraryProblem>& problems) {
  const auto& r = checked.registration;
  if (r.cache && r.cache_version.empty()) {
    problems.push_back({where,
                        "caching is on (FLYTE_TASK_CACHE) but cache_version is empty; give a "
                        "version (flyte::cache(\"1\") in C++), bumped whenever the task's "
                        "results would change"});
  }
  for (const auto* side : {&r.requests, &r.limits}) {
    const char* what = side == &r.requests ? "requests" : "limits";
    for (const auto& [name, value] : *side) {
      if (resource_names().count(name) == 0) {
        problems.push_back(
            {where, fmt::format("{} names resource '{}'; use cpu, memory, gpu, storage or "
                                "ephemeral_storage",
                                what, name)});
      }
      if (!is_quantity(value)) {
        problems.push_back(
            {where, fmt::format("{} {} = '{}' is not a Kubernetes quantity; write e.g. \"500m\", "
                                "\"2\", \"1Gi\"",
                                what, name, value)});
      }
    }
  }
  static const std::regex env_name("^[A-Za-z_][A-Za-z0-9_]*$");
  for (const auto& [name, value] : r.env) {
    if (!std::regex_match(name, env_name)) {
      problems.push_back({where, fmt::format("env variable name '{}' is not a valid name; use "
                                             "letters, digits and '_', not starting with a digit",
                                             name)});
    }
  }
  static const std::regex secret_env("^[A-Z_][A-Z0-9_]*$");
  for (const auto& secret : checked.task.secrets) {
    if (!secret.env_var.empty() && !std::regex_match(secret.env_var, secret_env)) {
      problems.push_back(
          {where, fmt::format("secret {}/{} asks for env_var '{}', which does not match "
                              "^[A-Z_][A-Z0-9_]*$; use upper case letters, digits and '_'",
                              secret.group, secret.key, secret.env_var)});
    }
  }
}

/// validate's checks; the tasks that passed them (all of them when there are
/// no problems).
std::vector<CheckedTask> check_libraries(const std::vector<std::string>& libraries,
                                         std::vector<LibraryProblem>& problems) {
  std::vector<CheckedTask> checked;
  std::map<std::string, std::string> seen;  // registered name -> where
  for (const auto& path : libraries) {
    const std::string lib_where = path;
    std::optional<TaskLibrary> library;
    std::vector<LoadedTask> listed;
    try {
      library.emplace(TaskLibrary::open(path));
      for (auto& entry : library->list_tasks_checked()) {
        if (entry.task) {
          listed.push_back(std::move(*entry.task));
        } else {
          problems.push_back({lib_where, entry.problem});
        }
      }
    } catch (const std::exception& e) {
      problems.push_back({lib_where, e.what()});
      continue;
    }
    if (listed.empty() && library->list_tasks_checked().empty()) {
      problems.push_back({lib_where,
                          "the library lists no tasks; add FLYTE_TASK(fn, ...) for each task "
                          "(C++) or return the descriptors from FLYTE_TaskLibraryTasks (C)"});
    }
    for (auto& task : listed) {
      const std::string where = fmt::format("{}: task '{}'", path, task.name);
      CheckedTask c;
      c.library = path;
      try {
        c.interface = TaskInterface::of(task);
        c.registration = registration_options(task);
      } catch (const std::exception& e) {
        problems.push_back({where, e.what()});
        continue;
      }
      c.registered_name = registered_task_name(path, task.name);
      c.task = std::move(task);
      const auto before = problems.size();
      check_registration(c, where, problems);
      auto [it, fresh] = seen.emplace(c.registered_name, where);
      if (!fresh) {
        problems.push_back(
            {where, fmt::format("registers as '{}', as {} does; rename one of the tasks (or "
                                "one of the libraries: the name is <library>.<task>)",
                                c.registered_name, it->second)});
      }
      if (problems.size() == before) checked.push_back(std::move(c));
    }
    // The descriptors stay valid after the library object goes: RTLD_NODELETE.
  }
  return checked;
}

int print_problems(const std::vector<LibraryProblem>& problems, std::ostream& err) {
  for (const auto& problem : problems) {
    err << "flyte-execute: " << problem.where << ": " << problem.message << "\n";
  }
  err << fmt::format("flyte-execute: {} problem{} found\n", problems.size(),
                     problems.size() == 1 ? "" : "s");
  return 1;
}

std::string duration_json(std::chrono::nanoseconds d) {
  const auto seconds = d.count() / 1'000'000'000;
  const auto nanos = d.count() % 1'000'000'000;
  return nanos == 0 ? fmt::format("{}s", seconds) : fmt::format("{}.{:09d}s", seconds, nanos);
}

nlohmann::json resources_json(const std::vector<std::pair<std::string, std::string>>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, value] : items) {
    out.push_back({{"name", resource_names().at(name)}, {"value", value}});
  }
  return out;
}

/// The container args (CONTRACT §1, §11): pyflyte-execute's flags with the
/// engine's templates, and the task named by the library's path in the image.
std::vector<std::string> container_args(const CheckedTask& c, const PackageOptions& options) {
  const std::string library_in_image =
      (fs::path(options.lib_dir) / fs::path(c.library).filename()).string();
  return {"--inputs",
          "{{.input}}",
          "--output-prefix",
          "{{.outputPrefix}}",
          "--raw-output-data-prefix",
          "{{.rawOutputDataPrefix}}",
          "--checkpoint-path",
          "{{.checkpointOutputPrefix}}",
          "--prev-checkpoint",
          "{{.prevCheckpointPrefix}}",
          "--resolver",
          "flyte",
          "--",
          "task-library",
          library_in_image,
          "task-name",
          c.task.symbol};
}

const char* mount_name(uint32_t mount) {
  switch (mount) {
    case FLYTE_SECRET_MOUNT_ENV_VAR:
      return "ENV_VAR";
    case FLYTE_SECRET_MOUNT_FILE:
      return "FILE";
    default:
      return "ANY";
  }
}

nlohmann::json task_spec_json(const CheckedTask& c, const PackageOptions& options) {
  const auto& r = c.registration;
  nlohmann::json metadata = {
      {"runtime",
       {{"type", kRuntimeType}, {"version", kRuntimeVersion}, {"flavor", kRuntimeFlavor}}},
      {"retries", nlohmann::json::object()},
      {"generatesDeck", c.task.deck_enabled()}};
  if (r.retries > 0) metadata["retries"]["retries"] = r.retries;
  if (r.timeout.count() > 0) metadata["timeout"] = duration_json(r.timeout);
  if (r.cache) {
    metadata["discoverable"] = true;
    metadata["discoveryVersion"] = r.cache_version;
  }
  if (r.interruptible) metadata["interruptible"] = true;

  nlohmann::json container = {
      {"image", options.image},
      {"command", {"flyte-execute"}},
      {"args", container_args(c, options)},
      {"resources",
       {{"requests", resources_json(r.requests)}, {"limits", resources_json(r.limits)}}}};
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [name, value] : r.env) env.push_back({{"key", name}, {"value", value}});
  container["env"] = env;

  nlohmann::json tmpl = {{"id",
                          {{"resourceType", "TASK"},
                           {"project", options.project},
                           {"domain", options.domain},
                           {"name", c.registered_name},
                           {"version", options.version}}},
                         {"type", "container"},
                         {"metadata", metadata},
                         {"interface", typed_interface_json(c.task, c.interface)},
                         {"container", container}};
  if (!c.task.secrets.empty()) {
    nlohmann::json secrets = nlohmann::json::array();
    for (const auto& s : c.task.secrets) {
      nlohmann::json secret = {{"group", s.group},
                               {"key", s.key},
                               {"mountRequirement", mount_name(s.mount_requirement)}};
      if (!s.group_version.empty()) secret["groupVersion"] = s.group_version;
      if (!s.env_var.empty()) secret["envVar"] = s.env_var;
      secrets.push_back(secret);
    }
    tmpl["securityContext"] = {{"secrets", secrets}};
  }
  nlohmann::json spec = {{"template", tmpl}};
  if (!c.task.description.empty()) {
    spec["description"] = {{"shortDescription", c.task.description}};
  }
  return spec;
}

/// A ustar header block for a regular file (mode 0644, owner 0, mtime 0 so
/// that the same tasks always give the same archive).
std::string tar_header(const std::string& name, std::size_t size) {
  std::array<char, 512> h{};
  auto put = [&h](std::size_t offset, std::size_t width, const std::string& text) {
    std::memcpy(h.data() + offset, text.data(), std::min(width, text.size()));
  };
  put(0, 100, name);
  put(100, 8, "0000644");
  put(108, 8, "0000000");
  put(116, 8, "0000000");
  put(124, 12, fmt::format("{:011o}", size));
  put(136, 12, "00000000000");
  std::memset(h.data() + 148, ' ', 8);
  h[156] = '0';
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  unsigned sum = 0;
  for (char ch : h) sum += static_cast<unsigned char>(ch);
  put(148, 8, fmt::format("{:06o}", sum) + std::string("\0 ", 2));
  return std::string(h.data(), h.size());
}

/// A gzip-compressed ustar archive of flat files, in memory (a handful of
/// small TaskSpecs): written to its path in one atomic step afterwards.
std::string tgz(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream sink(&out);
    google::protobuf::io::GzipOutputStream::Options gzip;
    gzip.format = google::protobuf::io::GzipOutputStream::GZIP;
    google::protobuf::io::GzipOutputStream stream(&sink, gzip);
    auto write = [&stream](const std::string& bytes) {
      std::size_t done = 0;
      while (done < bytes.size()) {
        void* buffer = nullptr;
        int size = 0;
        if (!stream.Next(&buffer, &size))
          throw std::runtime_error("gzip: " + std::string(stream.ZlibErrorMessage()
                                                              ? stream.ZlibErrorMessage()
                                                              : "failed"));
        const std::size_t n =
            std::min<std::size_t>(static_cast<std::size_t>(size), bytes.size() - done);
        std::memcpy(buffer, bytes.data() + done, n);
        done += n;
        if (n < static_cast<std::size_t>(size)) stream.BackUp(size - static_cast<int>(n));
      }
    };
    for (const auto& [name, bytes] : files) {
      write(tar_header(name, bytes.size()));
      write(bytes);
      write(std::string((512 - bytes.size() % 512) % 512, '\0'));
    }
    write(std::string(1024, '\0'));
    if (!stream.Close()) throw std::runtime_error("gzip: cannot finish the archive");
  }
  return out;
}

/// flytekit's _determine_text_chars: ceil(log10(count)) digits.
std::size_t index_width(std::size_t count) {
  std::size_t digits = 0;
  for (std::size_t power = 1; power < count; power *= 10) ++digits;
  return digits;
}

std::string zero_padded(std::size_t index, std::size_t width) {
  std::string text = std::to_string(index);
  if (text.size() < width) text.insert(0, width - text.size(), '0');
  return text;
}

nlohmann::json variable_map_json(const std::vector<TaskVariable>& declared,
                                 const VariableTypes& types) {
  nlohmann::json variables = nlohmann::json::object();
  for (std::size_t i = 0; i < declared.size(); ++i) {
    std::string type_json;
    const auto status = google::protobuf::util::MessageToJsonString(types[i].second, &type_json);
    if (!status.ok()) {
      throw std::invalid_argument(fmt::format("cannot write the type of '{}' as JSON: {}",
                                              declared[i].name, status.ToString()));
    }
    const std::string& description =
        declared[i].description.empty() ? declared[i].name : declared[i].description;
    variables[declared[i].name] = {{"type", nlohmann::json::parse(type_json)},
                                   {"description", description}};
  }
  return {{"variables", std::move(variables)}};
}

}  // namespace

nlohmann::json typed_interface_json(const LoadedTask& task, const TaskInterface& interface) {
  return {{"inputs", variable_map_json(task.inputs, interface.inputs)},
          {"outputs", variable_map_json(task.outputs, interface.outputs)}};
}

int list_tasks_json(const std::string& library_path, std::ostream& out, std::ostream& err) {
  try {
    auto library = TaskLibrary::open(library_path);
    std::string text;
    for (const auto& task : library.list_tasks()) {
      const auto interface = TaskInterface::of(task);
      // Through the official schema: what is printed is a TypedInterface by
      // construction, in MessageToJsonString's own form.
      const auto typed = registration_message("flyteidl.core.TypedInterface",
                                              typed_interface_json(task, interface));
      text += fmt::format("{{\"name\":{},\"interface\":{}}}\n", nlohmann::json(task.name).dump(),
                          registration_json(*typed));
    }
    out << text;  // all or nothing: a bad task later leaves no partial listing
    return 0;
  } catch (const std::exception& e) {
    err << "flyte-execute: " << e.what() << "\n";
    return 1;
  }
}

std::string registered_task_name(const std::string& library, const std::string& task) {
  std::string stem = fs::path(library).filename().string();
  if (const auto so = stem.find(".so"); so != std::string::npos) stem.resize(so);
  if (stem.rfind("lib", 0) == 0 && stem.size() > 3) stem.erase(0, 3);
  return stem + "." + task;
}

std::vector<LibraryProblem> validate_libraries(const std::vector<std::string>& libraries) {
  std::vector<LibraryProblem> problems;
  check_libraries(libraries, problems);
  return problems;
}

int run_validate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"flyte-execute validate: check task libraries before you package or deploy them",
               "flyte-execute validate"};
  std::vector<std::string> libraries;
  app.add_option("libraries", libraries, "task libraries (LIB.so)")->required();
  try {
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "flyte-execute validate: " << e.what() << "\n";
    return 2;
  }
  std::vector<LibraryProblem> problems;
  const auto checked = check_libraries(libraries, problems);
  if (!problems.empty()) return print_problems(problems, err);
  for (const auto& c : checked) out << "ok: " << c.library << ": " << c.registered_name << "\n";
  return 0;
}

int run_package(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "flyte-execute package: write the tasks of task libraries as the archive `flytectl "
      "register files --archive` registers (what `pyflyte package` writes)",
      "flyte-execute package"};
  PackageOptions o;
  app.add_option("libraries", o.libraries, "task libraries (LIB.so)")->required();
  app.add_option("--image", o.image, "the container image the tasks run in")->required();
  app.add_option("--lib-dir", o.lib_dir,
                 "the folder of the libraries inside the image (default /opt/tasks)");
  app.add_option("-o,--output", o.output, "the archive to write (default flyte-package.tgz)");
  app.add_option("--task", o.tasks, "package only this task (its name in the library; repeatable)");
  app.add_option("-p,--project", o.project, "default: flytectl's registration placeholder");
  app.add_option("-d,--domain", o.domain, "default: flytectl's registration placeholder");
  app.add_option("-v,--version", o.version, "default: flytectl's registration placeholder");
  try {
    app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
    if (o.image.empty()) throw CLI::ValidationError("--image", "must not be empty");
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "flyte-execute package: " << e.what()
        << "\nRun flyte-execute package --help for the "
           "options.\n";
    return 2;
  }

  std::vector<LibraryProblem> problems;
  auto checked = check_libraries(o.libraries, problems);
  if (!o.tasks.empty()) {
    std::vector<CheckedTask> chosen;
    for (const auto& name : o.tasks) {
      auto it = std::find_if(checked.begin(), checked.end(),
                             [&](const CheckedTask& c) { return c.task.name == name; });
      if (it == checked.end()) {
        problems.push_back({"--task " + name,
                            "no such task in the libraries given (flyte-execute "
                            "--list LIB.so shows them)"});
      } else {
        chosen.push_back(std::move(*it));
        checked.erase(it);
      }
    }
    checked = std::move(chosen);
  }
  if (problems.empty() && checked.empty()) {
    problems.push_back({o.output, "no tasks to package"});
  }
  std::vector<std::pair<std::string, std::string>> files;
  const std::size_t width = index_width(checked.size());
  for (std::size_t i = 0; problems.empty() && i < checked.size(); ++i) {
    const auto& c = checked[i];
    const std::string name = fmt::format("{}_{}_1.pb", zero_padded(i, width), c.registered_name);
    if (name.size() > 99) {
      problems.push_back({c.library + ": task '" + c.task.name + "'",
                          fmt::format("the archive entry name {} is longer than 99 bytes; use a "
                                      "shorter task or library name",
                                      name)});
      break;
    }
    try {
      const auto spec = registration_message("flyteidl.admin.TaskSpec", task_spec_json(c, o));
      files.emplace_back(name, spec->SerializeAsString());
    } catch (const std::exception& e) {
      problems.push_back({c.library + ": task '" + c.task.name + "'", e.what()});
    }
  }
  if (!problems.empty()) return print_problems(problems, err);
  try {
    write_file_atomically(o.output, tgz(files));
  } catch (const std::exception& e) {
    err << "flyte-execute package: cannot write " << o.output << ": " << e.what() << "\n";
    return 1;
  }
  for (const auto& [name, bytes] : files) out << "packaged " << name << "\n";
  out << fmt::format("wrote {} ({} task{})\n", o.output, files.size(),
                     files.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace flyte
