#ifndef FLYTE_POLICY_CYAML_SHIM_H
#define FLYTE_POLICY_CYAML_SHIM_H
#include <yaml.h>
#endif
