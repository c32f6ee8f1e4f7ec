#include "flyte/runtime/container_identity.hpp"

#include <catch2/catch.hpp>

using namespace flyte;

TEST_CASE("container identity reads long names, short names, and the first present wins") {
  auto env = env_from_map({{"FLYTE_INTERNAL_EXECUTION_PROJECT", "proj"},
                           {"_F_DM", "dev"},
                           {"_F_NM", "abc123"},
                           {"FLYTE_INTERNAL_TASK_PROJECT", ""},
                           {"_F_TK_PRJ", "ignored: long name present though empty"},
                           {"_F_TK_DM", "dev"},
                           {"_F_TK_NM", "my.task"},
                           {"_F_TK_V", "v7"},
                           {"_F_WF", "wf"},
                           {"_F_LP", "lp"},
                           {"FLYTE_ATTEMPT_NUMBER", "2"}});
  auto id = ContainerIdentity::from_env(env);
  CHECK(id.execution_id.to_string() == "ex:proj:dev:abc123");
  CHECK(id.task_id.to_string() == "TASK::dev:my.task:v7");
  CHECK(id.workflow == "wf");
  CHECK(id.launch_plan == "lp");
  CHECK(id.attempt == std::string("2"));
  CHECK_FALSE(id.execution_url.has_value());

  auto local = ContainerIdentity::local();
  CHECK(local.execution_id.to_string() == "ex:local:local:local");
  CHECK(local.task_id.to_string() == "TASK:local:local:local:local");
}

TEST_CASE("array index is the offset plus the variable named by BATCH_JOB_ARRAY_INDEX_VAR_NAME") {
  // Without BATCH_JOB_ARRAY_INDEX_VAR_NAME (or with it empty) the offset alone
  // is the index, as in flytekit's _compute_array_job_index.
  CHECK(array_index_from_env(env_from_map({})) == 0u);
  CHECK(array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_OFFSET", "4"}})) == 4u);
  CHECK(array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", ""},
                                           {"BATCH_JOB_ARRAY_INDEX_OFFSET", "2"}})) == 2u);
  CHECK(array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "IDX"},
                                           {"IDX", "3"},
                                           {"BATCH_JOB_ARRAY_INDEX_OFFSET", ""}})) == 3u);
  CHECK(array_index_from_env(
            env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "FLYTE_K8S_ARRAY_INDEX"},
                          {"FLYTE_K8S_ARRAY_INDEX", "3"}})) == 3u);
  CHECK(array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "IDX"},
                                           {"IDX", "3"},
                                           {"BATCH_JOB_ARRAY_INDEX_OFFSET", "10"}})) == 13u);
  CHECK_THROWS_WITH(array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "IDX"}})),
                    Catch::Contains("names IDX, but IDX is not set"));
  CHECK_THROWS_WITH(
      array_index_from_env(env_from_map({{"BATCH_JOB_ARRAY_INDEX_VAR_NAME", "IDX"}, {"IDX", "x"}})),
      Catch::Contains("IDX='x' is not a non-negative integer"));
}
