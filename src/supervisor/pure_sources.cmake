# The supervisor's pure decision logic (spec building, env order, reconcile), plus the
# one password-database lookup; paths relative to src/supervisor.
set(SUPERVISOR_PURE_SOURCES
  build_specs.cpp
  count_expansion.cpp
  env_order.cpp
  password_database.cpp
  program_keys.cpp
  reconcile.cpp
  rounding.cpp
  show_env.cpp
  spec_errors.cpp
  split_command.cpp
  tilde.cpp
)
